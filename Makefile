# The two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint install screenshots axe-install

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# Runs the system on the embedded default (SQLite, no broker) with demo data. Issue 21 §2:
# frames are read by a background worker process started with the server (manage.py
# frame_worker claims them from the database), so uploads and the camera API answer at once;
# it stops with the server. §10: start-up prints only what a new user needs, the demo's
# two-factor codes last, before the server starts.
run: install
	@LOG_LEVEL=WARNING $(BIN)/python manage.py migrate --noinput
	@LOG_LEVEL=WARNING $(BIN)/python manage.py check_configuration
	@LOG_LEVEL=WARNING $(BIN)/python manage.py demo
	@ALPR_INGEST_BACKGROUND=1 LOG_LEVEL=WARNING $(BIN)/python manage.py frame_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  ALPR_INGEST_BACKGROUND=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Runs the tests: SQLite by default, PostgreSQL when DATABASE_URL is set.
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

# Issue 21: each role's main pages at 1280 px, into a folder outside the repository.
SCREENSHOTS ?= $(abspath ..)/alpr-screenshots
screenshots: install
	ALPR_SCREENSHOTS_DIR=$(SCREENSHOTS) $(BIN)/pytest -q -p no:cacheprovider tests/screenshots_tour.py
	@echo "Screenshots in $(SCREENSHOTS)"

# Issue 21: axe-core from npm into node_modules/ (ignored by git) for tests/test_browser_accessibility.py.
NPM ?= npm
axe-install:
	$(NPM) install --no-save --no-package-lock --prefix . axe-core@4

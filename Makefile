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

# Runs the system on the embedded default (SQLite, in-process tasks) with demo data.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py check_configuration
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

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

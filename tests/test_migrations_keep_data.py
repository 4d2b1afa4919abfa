"""Issue 17: the redesign's migrations move tables between apps and change history models;
no row may be lost. A database is migrated and filled by `manage.py demo` with the code as
it was before the redesign (the commit the branch started from, read out of git), then
migrated forward by this code; every table keeps its rows, the role groups keep their
permissions and the access log's hash chain still verifies (AU-1).

Subprocesses, not the test database: the old code must run with its own models, and the
test database is already at the newest state."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# The last commit before the redesign's first migration (branch `redesign`, issue 17).
BEFORE_REDESIGN = "fc7de965733f80b6c0ab15aa5055dc56805bb58b"
# Tables whose rows may grow on migrate: the record of applied migrations, and the
# content types and permissions post_migrate creates for models that did not exist before,
# and the role groups' grants of those (accounts.roles.sync_role_groups; issue 20 gave the
# Coordinator the audit schedules). No grant may be lost: checked by codename below.
GROWS = {"django_migrations", "django_content_type", "auth_permission", "auth_group_permissions"}


def _old_tree(target: Path) -> Path:
    archive = target / "old.tar"
    try:
        with archive.open("wb") as out:
            subprocess.run(["git", "archive", BEFORE_REDESIGN], cwd=REPO, stdout=out, check=True,  # noqa: S603,S607
                           stderr=subprocess.PIPE)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"the pre-redesign commit cannot be read from git here: {exc}")
    tree = target / "old"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _manage(cwd: Path, env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=900)
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed in {cwd}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Sqlite:
    def __init__(self, path: Path):
        self.url, self.path = f"sqlite:///{path}", path

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()

    def tables(self) -> list[str]:
        return [r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%'")]

    def drop(self):
        pass


class Postgres:
    def __init__(self, base_url: str):
        import psycopg

        self.psycopg = psycopg
        self.name = f"alpr_migrations_{uuid.uuid4().hex[:8]}"
        self.server = base_url.rsplit("/", 1)[0]
        self.url = f"{self.server}/{self.name}"
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def query(self, sql: str) -> list[tuple]:
        with self.psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def tables(self) -> list[str]:
        return [r[0] for r in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]

    def drop(self):
        with self.psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _counts(db) -> dict[str, int]:
    return {t: db.query(f'SELECT count(*) FROM "{t}"')[0][0] for t in db.tables()  # noqa: S608
            if t not in GROWS and t != "auth_group_permissions"}


def _group_permissions(db) -> set[tuple[str, str]]:
    # By codename: the app label of a moved model changes, its permissions must not.
    return set(db.query("SELECT g.name, p.codename FROM auth_group_permissions gp "
                        "JOIN auth_group g ON g.id = gp.group_id JOIN auth_permission p ON p.id = gp.permission_id"))


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if request.param == "postgres":
        if not url.startswith("postgres"):
            pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
        db = Postgres(url)
    else:
        db = Sqlite(tmp_path / "filled.sqlite3")
    yield db
    db.drop()


def test_a_database_filled_before_the_redesign_keeps_every_row_when_migrated_forward(database, tmp_path):
    var_dir = Path(tempfile.mkdtemp(prefix="alpr-migrations-"))
    env = {**os.environ, "DATABASE_URL": database.url, "ALPR_VAR_DIR": str(var_dir),
           "DJANGO_SETTINGS_MODULE": "config.test_settings", "DJANGO_ENV": "test"}
    try:
        old = _old_tree(tmp_path)
        _manage(old, env, "migrate", "--noinput", "-v0")
        _manage(old, env, "demo")
        before, permissions = _counts(database), _group_permissions(database)
        assert before["audits_accessevent"] > 0 and before["alpr_hitstatuschange"] > 0, "the demo filled nothing"

        _manage(REPO, env, "migrate", "--noinput", "-v0")

        after = _counts(database)
        # Lost rows or a table gone fail; a migration may add rows (a new role's group).
        lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, -1) < n}
        assert lost == {}, f"rows lost or tables gone: {lost}"
        granted = _group_permissions(database)
        assert permissions <= granted, f"role permissions lost: {sorted(permissions - granted)}"
        assert "intact" in _manage(REPO, env, "verify_access_log")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)

"""Issue 23 §3: searches and reports read from a streaming replica when one is configured
and close enough; writes, access decisions and migrations stay on the primary."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection

from config.db_router import PrimaryReplicaRouter
from lib import replica

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_lag():
    replica.forget_lag()
    yield
    replica.forget_lag()


@pytest.fixture
def with_replica(monkeypatch, settings):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    settings.ALPR_REPLICA_MAX_LAG_SECONDS = 30
    settings.ALPR_REPLICA_LAG_CHECK_SECONDS = 5
    asked = []

    def lag(value):
        monkeypatch.setattr(replica, "replica_lag_seconds", lambda: asked.append(value) or value)
        replica.forget_lag()

    return lag, asked


def test_searches_read_from_the_primary_when_no_replica_is_configured():
    assert replica.read_only_db() == "default"


def test_a_replica_within_the_tolerated_lag_serves_searches(with_replica):
    set_lag, _ = with_replica
    set_lag(2.5)
    assert replica.read_only_db() == "replica"


def test_a_replica_behind_the_tolerated_lag_is_passed_over_for_the_primary(with_replica, caplog):
    set_lag, _ = with_replica
    set_lag(45.0)
    assert replica.read_only_db() == "default"
    assert "behind" in caplog.text


def test_an_unreachable_replica_sends_searches_to_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)

    class Broken:
        def cursor(self):
            raise DatabaseError("connection refused")

        def close(self):
            pass

    monkeypatch.setattr(replica, "connections", {"replica": Broken()})
    assert replica.replica_lag_seconds() == float("inf")
    assert replica.read_only_db() == "default"


def test_the_lag_is_asked_once_per_interval_not_once_per_search(with_replica, monkeypatch):
    set_lag, asked = with_replica
    set_lag(1.0)
    clock = [100.0]
    monkeypatch.setattr(replica.time, "monotonic", lambda: clock[0])
    for _ in range(10):
        replica.read_only_db()
    assert asked == [1.0]
    clock[0] += 6
    replica.read_only_db()
    assert asked == [1.0, 1.0]


def test_the_router_sends_every_write_and_migration_to_the_primary():
    router = PrimaryReplicaRouter()
    assert router.db_for_write(object) == "default"
    assert router.db_for_read(object) == "default"
    assert router.allow_migrate("default", "alpr") is True
    assert router.allow_migrate("replica", "alpr") is False


@pytest.mark.django_db
def test_the_search_selector_reads_from_the_alias_read_only_db_chooses(monkeypatch, analyst):
    from alpr.criteria import Criteria
    from alpr.selectors import reads as read_selectors

    monkeypatch.setattr(read_selectors, "read_only_db", lambda: "replica-alias-under-test")
    from datetime import timedelta

    from django.utils import timezone
    now = timezone.now()
    criteria = Criteria(plate="ABC123", captured_from=now - timedelta(days=1), captured_to=now)
    assert read_selectors.reads_for_query(user=analyst, criteria=criteria).db == "replica-alias-under-test"


@pytest.mark.django_db
def test_the_lag_query_runs_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the lag query is PostgreSQL's (pg_last_wal_replay_lsn); this run is on SQLite")
    with connection.cursor() as cursor:
        cursor.execute(replica.LAG_SQL)
        assert float(cursor.fetchone()[0]) == 0.0  # a primary is never behind itself


def _settings_in_subprocess(extra_env):
    env = {**os.environ, **extra_env}
    code = ("import json, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            "from django.conf import settings; "
            "print(json.dumps({'aliases': sorted(settings.DATABASES), "
            "'routers': settings.DATABASE_ROUTERS, "
            "'mirror': settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120)


def test_database_replica_url_adds_the_replica_and_its_router():
    out = _settings_in_subprocess({"DATABASE_REPLICA_URL": "postgres://alpr@replica-host:5432/alpr"})
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"aliases": ["default", "replica"], "routers": ["config.db_router.PrimaryReplicaRouter"],
                   "mirror": "default"}


@pytest.mark.parametrize("url", ["not a url at all://", "sqlite:///replica.sqlite3"])
def test_a_replica_url_that_is_not_a_postgresql_standby_stops_the_start_naming_the_variable(url):
    out = _settings_in_subprocess({"DATABASE_REPLICA_URL": url})
    assert out.returncode != 0
    assert "DATABASE_REPLICA_URL" in out.stderr


@pytest.mark.django_db
def test_the_annual_report_tallies_read_from_the_alias_read_only_db_chooses(monkeypatch):
    from audits import report

    asked = []
    real_using = type(report.Hit.objects.all()).using

    def spy(qs, alias):
        asked.append((qs.model.__name__, alias))
        return real_using(qs, "default")

    monkeypatch.setattr(report, "read_only_db", lambda: "replica-alias-under-test")
    # Managers hand .using() to their queryset, so the queryset's method sees every call.
    monkeypatch.setattr(type(report.Hit.objects.all()), "using", spy)
    report.annual_figures(2026)
    assert {model for model, alias in asked if alias == "replica-alias-under-test"} >= {
        "Read", "ReadDailyTally", "Hit", "StopReport", "Search"}

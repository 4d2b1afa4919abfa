"""Which database a read-only selector reads from (issue 23 §3: searches and reports on a
read replica).

When `DATABASE_REPLICA_URL` is set, settings add a "replica" database (a PostgreSQL
streaming standby) and `config.db_router.PrimaryReplicaRouter`. The read-only selectors
that scan many rows (the search's reads, the annual report's tallies) ask
`read_only_db()` for an alias and read with `.using(alias)`; every write (the access log,
the workflow histories, the search record itself) and every access helper that decides a
single row stays on the primary, so a decision is never taken on stale data.

A replica behind by more than `ALPR_REPLICA_MAX_LAG_SECONDS` is not used: the selector
falls back to the primary, and a replica that does not answer is treated the same way
(logged, never an error for the user). The lag is asked at most every
`ALPR_REPLICA_LAG_CHECK_SECONDS` per process, so a busy site pays one small query per
interval, not one per search.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"

# Seconds the standby is behind: 0 when it has replayed all it received (an idle primary
# sends nothing, so "time since the last replayed commit" alone would call an idle, fully
# caught-up standby late).
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

_lock = threading.Lock()
_checked: dict[str, float] = {"at": float("-inf"), "lag": float("inf")}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float:
    """The standby's lag now, or infinity when it cannot be asked."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as exc:
        logger.warning("read replica unreachable, reading from the primary: %s", exc)
        connections[REPLICA].close()
        return float("inf")


def _current_lag() -> float:
    now = time.monotonic()
    with _lock:
        if now - _checked["at"] < settings.ALPR_REPLICA_LAG_CHECK_SECONDS:
            return _checked["lag"]
    lag = replica_lag_seconds()
    with _lock:
        _checked.update(at=now, lag=lag)
    return lag


def forget_lag() -> None:
    """Ask the replica again at the next search (tests, and after a fail-over)."""
    with _lock:
        _checked.update(at=float("-inf"), lag=float("inf"))


def read_only_db() -> str:
    """The alias a read-only scan should use: the replica when configured and within the
    tolerated lag, else the primary."""
    if not replica_configured():
        return PRIMARY
    lag = _current_lag()
    if lag <= settings.ALPR_REPLICA_MAX_LAG_SECONDS:
        return REPLICA
    if lag != float("inf"):
        logger.warning("read replica %.1f s behind (tolerated %s s), reading from the primary",
                       lag, settings.ALPR_REPLICA_MAX_LAG_SECONDS)
    return PRIMARY

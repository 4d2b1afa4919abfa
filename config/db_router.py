"""Database router for a primary and an optional read replica (issue 23 §3).

Nothing is read from the replica implicitly: the router sends every write and every
ordinary read to the primary, and only the selectors that ask `lib.replica.read_only_db()`
and read with `.using()` reach the standby. So the access log, the workflow histories and
every access decision stay on the primary (they must see the latest committed state), and
migrations never run against the standby (it is read-only; it gets the schema by
replication).
"""

from lib.replica import PRIMARY


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows of an object read from the replica
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY

"""A plain SQL LIKE lookup. Django's own lookups escape % and _, but the partial-plate
search (Q-3) needs them as wildcards; the pattern is built by alpr.plates and holds only
A-Z, 0-9, % and _. On PostgreSQL the pg_trgm GIN index on alpr_read.plate serves it."""

from django.db.models import CharField, Lookup


@CharField.register_lookup
class Like(Lookup):
    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]

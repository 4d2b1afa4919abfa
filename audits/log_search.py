"""Word and phrase search over every field of the access log (AU-1, AU-4; issue 19 part 3).

Selectors only (reads). The query language is the one PostgreSQL's `websearch_to_tsquery`
understands: words (all must appear), "quoted phrases", `OR` between alternatives, and
`-word` to exclude. "ICE OR CBP OR abortion" with the action `search.run` and the year is
"every search that mentions ICE, CBP or abortion in 2026".

PostgreSQL matches against one text document per entry (`document_sql`), indexed by a GIN
expression index (migration 0005); the English configuration stems words, so "abortion"
also finds "abortions". The embedded SQLite default scans instead: each term must appear
as a whole word (a simple plural allowed) in the same document, so "ICE" never matches
"police" on either database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from accounts import roles
from audits.models import AccessEvent

SEARCH_CONFIG = "english"
# Every text field of an entry, in this order. The GIN index (migration
# 0005_access_log_search) is built over exactly this expression without the table
# prefix; tests/test_access_log_search.py checks the two agree, or the planner would
# ignore the index.
SEARCH_FIELDS = ("username", "agency_name", "action", "object_type", "object_id", "purpose", "case_number",
                 "outcome", "detail")
MAX_QUERY_LENGTH = 500
COUNT_LIMIT = 50  # rows per "counts by" table; the month table is never cut


def document_sql(table: str = "") -> str:
    prefix = f'"{table}".' if table else ""
    parts = [f"{prefix}{name}" for name in SEARCH_FIELDS]
    parts.append(f"coalesce(host({prefix}client_address), '')")
    parts.append(f"({prefix}data_elements)::text")
    return f"to_tsvector('{SEARCH_CONFIG}'::regconfig, " + " || ' ' || ".join(parts) + ")"


def may_search_access_log(user) -> bool:
    """AU-1/AU-4: auditors, the ALPR Coordinator (annual report) and the ALPR Administrator,
    the same people who read the access log page."""
    return bool(user and user.is_authenticated and user.has_role(roles.AUDITOR, roles.COORDINATOR,
                                                                 roles.ADMINISTRATOR))


# --- The query language, for the SQLite scan (PostgreSQL parses it itself) --------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    negated: bool = False


@dataclass
class ParsedQuery:
    # Disjunctive normal form, as websearch_to_tsquery builds it: AND binds tighter than
    # OR, so `a OR b c` is a | (b & c) and `a b OR c` is (a & b) | c.
    alternatives: list[list[Term]] = field(default_factory=list)

    def __bool__(self):
        return any(self.alternatives)


def parse_query(text: str) -> ParsedQuery:
    alternatives: list[list[Term]] = [[]]
    for match in _TOKEN.finditer(text or ""):
        neg, phrase, word = match.groups()
        if word is not None and word.upper() == "OR":
            if alternatives[-1]:
                alternatives.append([])
            continue
        if word is not None:
            negated = word.startswith("-") and len(word) > 1
            raw = word[1:] if negated else word
        else:
            negated, raw = bool(neg), phrase
        words = tuple(re.findall(r"[^\W_]+", raw.lower()))
        if words:
            alternatives[-1].append(Term(words, negated))
    return ParsedQuery([a for a in alternatives if a])


def _term_regex(term: Term) -> str:
    # Whole words, a plain plural allowed; letters and digits make words (an underscore
    # separates them, as in PostgreSQL's parser: "violent_crime" is two words). A phrase
    # is its words in order with only punctuation or spaces between, never across two
    # fields (they are joined by newlines).
    words = [re.escape(w) + r"(?:s|es)?" for w in term.words]
    return r"(?<![^\W_])" + r"(?:[^\w\n]|_)+".join(words) + r"(?![^\W_])"


def _scan_document():
    # Plain SQL: Django's Concat nests one COALESCE per field, which SQLite's parser refuses
    # at this depth. Every field is NOT NULL except the address; fields end with a newline.
    table = AccessEvent._meta.db_table
    columns = [f'"{table}"."{name}"' for name in SEARCH_FIELDS]
    columns += [f'coalesce("{table}"."client_address", \'\')', f'"{table}"."data_elements"']
    return RawSQL(" || char(10) || ".join(columns), [], output_field=TextField())  # noqa: S611 (constant SQL)


def _scan_filter(qs, parsed: ParsedQuery):
    from django.db.models import Q

    qs = qs.alias(search_document=_scan_document())
    condition = Q()
    for alternative in parsed.alternatives:
        conj = Q()
        for term in alternative:
            q = Q(search_document__iregex=_term_regex(term))
            conj &= ~q if term.negated else q
        condition |= conj
    return qs.filter(condition)


def _fulltext_filter(qs, text: str):
    # The SQL is constant (document_sql over fixed column names); the query text is a parameter.
    table = AccessEvent._meta.db_table
    return qs.filter(RawSQL(  # noqa: S611
        f"{document_sql(table)} @@ websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)",
        [text], output_field=BooleanField()))


# --- Selectors ---------------------------------------------------------------------------------

@dataclass
class LogSearch:
    """What an auditor asked for; `as_data_elements` is what the access log records of it."""

    text: str = ""
    username: str = ""
    agency: str = ""
    action: str = ""
    since: object = None  # aware datetime, inclusive
    until: object = None  # aware datetime, exclusive

    def as_data_elements(self) -> dict:
        values = {"q": self.text, "username": self.username, "agency": self.agency, "action": self.action,
                  "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in values.items() if v}


def access_log_search(search: LogSearch):
    """The entries matching `search`, newest first (the chain's order)."""
    qs = AccessEvent.objects.all()
    text = (search.text or "").strip()[:MAX_QUERY_LENGTH]
    if text:
        if connection.vendor == "postgresql":
            qs = _fulltext_filter(qs, text)
        else:
            parsed = parse_query(text)
            if parsed:
                qs = _scan_filter(qs, parsed)
    if search.username:
        qs = qs.filter(username__iexact=search.username.strip())
    if search.agency:
        qs = qs.filter(agency_name__icontains=search.agency.strip())
    if search.action:
        qs = qs.filter(action=search.action.strip())
    if search.since is not None:
        qs = qs.filter(occurred_at__gte=search.since)
    if search.until is not None:
        qs = qs.filter(occurred_at__lt=search.until)
    return qs.order_by("-sequence")


def access_log_counts(qs) -> dict:
    """AU-4 figures for a search: entries by user, agency, purpose and month."""
    from django.utils import timezone

    qs = qs.order_by()

    def by(field_name):
        rows = (qs.values(field_name).annotate(n=Count("id")).order_by("-n", field_name)
                .values_list(field_name, "n")[:COUNT_LIMIT])
        return [(value or "—", n) for value, n in rows]

    months = (qs.annotate(month=TruncMonth("occurred_at")).values("month").annotate(n=Count("id"))
              .order_by("month").values_list("month", "n"))
    return {
        "total": qs.count(),
        "by_user": by("username"),
        "by_agency": by("agency_name"),
        "by_purpose": by("purpose"),
        "by_month": [(timezone.localtime(m).strftime("%Y-%m") if timezone.is_aware(m) else m.strftime("%Y-%m"), n)
                     for m, n in months],
    }

"""Word and phrase search over every field of the access log (AU-1, AU-4; issue 19 part 3).

Selectors only (reads). The query language is the one PostgreSQL's `websearch_to_tsquery`
understands: words (all must appear), "quoted phrases", `OR` between alternatives, and
`-word` to exclude. "ICE OR CBP OR abortion" with the action `search.run` and the year is
"every search that mentions ICE, CBP or abortion in 2026".

PostgreSQL matches against one tsvector per entry (`document_sql`), kept in the stored
generated column `search_document` with a GIN index (migration 0006); the English
configuration stems words, so "abortion" also finds "abortions". The embedded SQLite
default scans instead: each term must appear as a whole word (a simple plural allowed) in
the same document, so "ICE" never matches "police" on either database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, F, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from accesslog.models import AccessEvent
from accounts import roles
from audits import redaction

SEARCH_CONFIG = "english"
# Every text field of an entry, in this order. The generated column of migration
# 0008_access_log_search_index is exactly this expression (tests/test_access_log_search.py
# checks the two agree).
SEARCH_FIELDS = ("username", "agency_name", "action", "object_type", "object_id", "purpose", "case_number",
                 "outcome", "detail")
SEARCH_COLUMN = "search_document"  # PostgreSQL only, not in the model (migration 0006)
MAX_QUERY_LENGTH = 500
USER_SCAN_LIMIT = 20_000  # a user's entries in the period tested one by one up to this many
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


def _fulltext_filter(qs, text: str, *, through_index: bool = True):
    # The SQL is constant (a fixed column name); the query text is a parameter.
    table = AccessEvent._meta.db_table
    column = f'"{table}"."{SEARCH_COLUMN}"'
    if not through_index:
        # The same match, written so the GIN index cannot serve it: PostgreSQL then reads
        # the few rows another index found and tests each, instead of ANDing them with the
        # index's list of every entry holding a common word (see access_log_search).
        column = f"({column} || ''::tsvector)"
    return qs.filter(RawSQL(  # noqa: S611
        f"{column} @@ websearch_to_tsquery('{SEARCH_CONFIG}'::regconfig, %s)",
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
    if search.since is not None:
        qs = qs.filter(occurred_at__gte=search.since)
    if search.until is not None:
        qs = qs.filter(occurred_at__lt=search.until)
    if search.username:
        # Case-insensitive, as an equality on the stored names, so the index on username
        # (access_username_time) serves it, alone or ANDed with the text's GIN matches;
        # UPPER(username) = ... would need an index of its own.
        from accounts.models import User

        typed = search.username.strip()
        names = {typed, *User.objects.filter(username__iexact=typed).values_list("username", flat=True)}
        qs = qs.filter(username__in=sorted(names))
    text = (search.text or "").strip()[:MAX_QUERY_LENGTH]
    if text:
        if connection.vendor == "postgresql":
            # One person's entries are few next to the entries holding a common word (a
            # purpose in one entry in seven is a million of 5M): test those few directly
            # rather than read the word's whole GIN list. Bounded count, username index.
            few = bool(search.username) and qs.order_by()[:USER_SCAN_LIMIT + 1].count() <= USER_SCAN_LIMIT
            qs = _fulltext_filter(qs, text, through_index=not few)
        else:
            parsed = parse_query(text)
            if parsed:
                qs = _scan_filter(qs, parsed)
    if search.agency:
        qs = qs.filter(agency_name__icontains=search.agency.strip())
    if search.action:
        qs = qs.filter(action=search.action.strip())
    return qs.order_by("-sequence")


@dataclass
class SearchPage:
    entries: list
    total: int
    capped: bool  # more than INTERACTIVE_CAP entries match: `total` is the cap, no counts
    counts: dict | None
    number: int
    page_size: int


INTERACTIVE_CAP = 20_000


def access_log_search_page(search: LogSearch, *, page: int = 1, page_size: int = 50, viewer=None) -> SearchPage:
    """What the search page shows: one page of entries, newest first, the number of matches
    and the counts by user, agency, purpose and month.

    Counting every match of a common word in millions of entries takes seconds, so the
    page counts to INTERACTIVE_CAP and stops there; beyond it the groupings are left to
    the counts CSV (access_log_counts, unbounded) or to a narrower search. Below the cap
    the matches are sorted, not found by walking the sequence index backwards, which for
    a match the planner misjudges as common would read the whole log to find one page.

    With `viewer`, covert entries are left out of the matches and redacted on the page
    for a viewer without covert clearance (HT-4; audits.redaction).
    """
    qs = access_log_search(search)
    if viewer is not None:
        qs = redaction.exclude_covert(qs, viewer)
    # Unordered: ORDER BY sequence in the bounded count would walk the whole sequence index
    # when few entries match.
    total = qs.order_by()[:INTERACTIVE_CAP + 1].count()
    capped = total > INTERACTIVE_CAP
    counts = None
    if capped:
        total, ordered = INTERACTIVE_CAP, qs  # dense matches: the backward index walk finds a page at once
    else:
        counts = access_log_counts(qs)
        total = counts["total"]
        ordered = qs.alias(newest=F("sequence") + 0).order_by("-newest") if search.text else qs
    last_page = max(1, -(-total // page_size))
    page = min(max(1, page), last_page)
    entries = list(ordered[(page - 1) * page_size:page * page_size])
    if viewer is not None:
        entries = redaction.redact(entries, viewer)
    return SearchPage(entries, total, capped, counts, page, page_size)


def access_log_counts(qs) -> dict:
    """AU-4 figures for a search: entries by user, agency, purpose and month, and the total."""
    qs = qs.order_by()
    counts = _counts_postgres(qs) if connection.vendor == "postgresql" else _counts_scan(qs)
    for key in ("by_user", "by_agency", "by_purpose"):
        counts[key] = sorted(counts[key], key=lambda row: (-row[1], row[0]))[:COUNT_LIMIT]
    return counts


def _month(value) -> str:
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m")


def _counts_scan(qs) -> dict:
    def by(field_name):
        return [(value or "—", n) for value, n in qs.values(field_name).annotate(n=Count("id"))
                .values_list(field_name, "n")]

    months = (qs.annotate(month=TruncMonth("occurred_at")).values("month").annotate(n=Count("id"))
              .order_by("month").values_list("month", "n"))
    return {"total": qs.count(), "by_user": by("username"), "by_agency": by("agency_name"),
            "by_purpose": by("purpose"), "by_month": [(_month(m), n) for m, n in months]}


def _counts_postgres(qs) -> dict:
    """One pass over the matches for all four groupings and the total (GROUPING SETS),
    not five: the matches of a common word are read once."""
    from django.utils import timezone

    # `inner` is the ORM's own SQL for the search, its values in `params`.
    inner, params = qs.values("username", "agency_name", "purpose", "occurred_at").query.sql_with_params()
    sql = ("SELECT GROUPING(username), GROUPING(agency_name), GROUPING(purpose), GROUPING(month), "  # noqa: S608
           "username, agency_name, purpose, month, count(*) FROM ("
           "SELECT username, agency_name, purpose, date_trunc('month', occurred_at AT TIME ZONE %s) AS month "
           "FROM (" + inner + ") AS matches) AS m "
           "GROUP BY GROUPING SETS ((username), (agency_name), (purpose), (month), ())")
    counts = {"total": 0, "by_user": [], "by_agency": [], "by_purpose": [], "by_month": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.get_current_timezone_name(), *params])
        for g_user, g_agency, g_purpose, g_month, username, agency, purpose, month, n in cursor.fetchall():
            if not g_user:
                counts["by_user"].append((username or "—", n))
            elif not g_agency:
                counts["by_agency"].append((agency or "—", n))
            elif not g_purpose:
                counts["by_purpose"].append((purpose or "—", n))
            elif not g_month:
                counts["by_month"].append((month.strftime("%Y-%m"), n))
            else:
                counts["total"] = n
    counts["by_month"].sort()
    return counts

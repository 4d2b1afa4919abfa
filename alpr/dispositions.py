"""HT-3: the starting list of stop dispositions (migration 0003 loads it; the department
edits it in the admin)."""

DEFAULT_CODES = [
    ("ARR", "Arrest"),
    ("CIT", "Citation issued"),
    ("REC", "Stolen vehicle recovered"),
    ("FI", "Field interview, released"),
    ("RPT", "Report taken"),
    ("WRN", "Warning"),
    ("GOA", "Gone on arrival / unable to locate"),
    ("NLS", "Entry cleared: no longer stolen or wanted"),
]


def ensure_default_codes() -> None:
    from alpr.models import DispositionCode

    for code, description in DEFAULT_CODES:
        DispositionCode.objects.get_or_create(code=code, defaults={"description": description})

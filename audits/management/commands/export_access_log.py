"""Export the access log for a period as a signed ZIP that anyone can verify with the
verify.py inside it (AU-1; issue 19 part 4; audits/log_export.py)."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accesslog.actions import Action
from accesslog.services import record_access
from audits.log_export import access_log_export_write
from lib.errors import DomainError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Write the access log's entries from --from to --to (inclusive) as a signed, verifiable ZIP."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument("out", type=Path, help="the ZIP to write")

    def handle(self, *args, start: str, end: str, out: Path, **options):
        start_day, end_day = _date(start), _date(end)
        if out.exists():
            raise CommandError(f"{out} exists; choose a new file name")
        try:
            with out.open("xb") as handle:
                manifest = access_log_export_write(start=start_day, end=end_day, out=handle, name=out.name)
        except DomainError as exc:
            out.unlink(missing_ok=True)
            raise CommandError(exc.message) from None
        # AU-1: exporting the log is itself an entry in it (after the period, so not in it).
        record_access(action=Action.ACCESS_LOG_EXPORT_SIGNED, username="manage.py export_access_log",
                      object_type="access_log", data_elements={"from": start, "to": end,
                                                               "entries": manifest["entries"]})
        span = (f"#{manifest['first_sequence']} to #{manifest['last_sequence']}" if manifest["entries"]
                else "no entries")
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {out}: {manifest['entries']} entries ({span}), head {manifest['head_hash'] or '-'}; signed by key "
            f"{manifest['key_fingerprint']}. Check it with: python verify.py {out.name}"))

"""HL-2: pull the hot lists whose source is due (what celery beat runs every 5 minutes),
or one list now with --list NAME."""

from django.core.management.base import BaseCommand, CommandError

from hotlists.sources import services
from hotlists.sources.models import HotlistSource


class Command(BaseCommand):
    help = "Pull the hot lists whose source is due, or --list NAME now; then mark lists gone stale."

    def add_arguments(self, parser):
        parser.add_argument("--list", dest="list_name", help="Pull this list now, whatever its schedule.")

    def handle(self, *args, list_name=None, **options):
        if list_name:
            source = HotlistSource.objects.select_related("hotlist").filter(hotlist__name=list_name).first()
            if source is None:
                raise CommandError(f"No pulled source for a list named {list_name!r}.")
            record = services.pull_now(source=source)
            records = [record] if record else []
            if record is None:
                self.stdout.write("That source is being pulled already.")
        else:
            records = services.pull_due_sources()
        for record in records:
            counts = ""
            if record.feed_import_id:
                imp = record.feed_import
                counts = f" rows={imp.rows_read} added={imp.added} removed={imp.removed} dropped={imp.dropped_count}"
            self.stdout.write(f"{record.source.hotlist.name}: {record.get_outcome_display()} "
                              f"({record.size_bytes:,} bytes, {record.duration_ms} ms){counts}"
                              f"{' — ' + record.error if record.error else ''}; "
                              f"next attempt {record.next_attempt_at:%Y-%m-%d %H:%M}")
        for source in HotlistSource.objects.filter(stale_since__isnull=False).select_related("hotlist"):
            self.stdout.write(f"STALE: {source.hotlist.name} since {source.stale_since:%Y-%m-%d %H:%M}")

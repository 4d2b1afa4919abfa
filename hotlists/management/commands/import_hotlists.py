from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotlists.models import FeedImport, Hotlist
from hotlists.services.feeds import import_drop_folder, import_feed


class Command(BaseCommand):
    help = ("HL-2: import downloaded hot lists. Without arguments, reads the newest file of each external list "
            "from ALPR_HOTLIST_DROP_DIR/<feed_name>/. With --list and --file, imports one file.")

    def add_arguments(self, parser):
        parser.add_argument("--list", help="name or feed name of the external list")
        parser.add_argument("--file", type=Path)
        parser.add_argument("--force", action="store_true", help="apply even if most of the list would be removed")

    def handle(self, *args, list=None, file=None, force=False, **options):
        if bool(list) != bool(file):
            raise CommandError("Give both --list and --file, or neither.")
        if file:
            hotlist = Hotlist.objects.filter(name=list).first() or Hotlist.objects.filter(feed_name=list).first()
            if hotlist is None:
                raise CommandError(f"No list called {list!r}.")
            if not file.is_file():
                raise CommandError(f"No file at {file}.")
            results = [import_feed(hotlist=hotlist, data=file.read_bytes(), file_name=file.name, force=force)]
        else:
            results = import_drop_folder(force=force)
        for r in results:
            line = (f"{r.hotlist}: {r.file_name}: {r.get_status_display()}; read {r.rows_read}, added {r.added}, "
                    f"updated {r.updated}, removed {r.removed}, rejected {r.rejected_count}")
            self.stdout.write(line + (f" — {r.error}" if r.error else ""))
        if any(r.status == FeedImport.Status.REJECTED for r in results):
            raise CommandError("At least one file was rejected; nothing of it was applied.")
        if not results:
            self.stdout.write("No new files.")

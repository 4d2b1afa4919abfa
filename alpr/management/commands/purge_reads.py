from django.core.management.base import BaseCommand

from alpr.services.retention import purge


class Command(BaseCommand):
    help = ("RT-1/RT-3/RT-4: delete reads (and their images), hits, stop reports and search records past "
            "their retention (the schedule in force) that no legal hold keeps.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would be deleted, delete nothing")

    def handle(self, *args, dry_run=False, **options):
        run = purge(dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"Purge #{run.pk} (cut-off {run.cutoff:%Y-%m-%d %H:%M}): {verb} {run.reads_deleted} reads, "
                          f"{run.images_deleted} image files, {run.frames_deleted} stored frames; "
                          f"kept {run.held_reads_kept} held reads; {len(run.errors)} errors. Also {verb}: "
                          f"images of {run.images_expired} reads kept longer, {run.hits_deleted} hits, "
                          f"{run.stop_reports_deleted} hits with stop reports, {run.searches_deleted} search records.")

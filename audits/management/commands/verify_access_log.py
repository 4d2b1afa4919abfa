"""Walk the access log's hash chain (AU-1) and report the first entry altered, removed or
reordered. Exit status 1 when the chain is broken, so cron and CI notice."""

from django.core.management.base import BaseCommand, CommandError

from accesslog.services import access_log_verify


class Command(BaseCommand):
    help = "Verify the access log's hash chain; names the first tampered entry."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true",
                            help="Walk the whole chain (default: from the last verified checkpoint, issue 23).")

    def handle(self, *args, **options):
        run = access_log_verify(triggered_by="command", full=options["full"])
        if not run.ok:
            raise CommandError(f"Access log chain BROKEN: {run.problem}")
        self.stdout.write(self.style.SUCCESS(
            f"Access log intact: {run.entries_checked} entries verified "
            f"({'whole chain' if run.full else f'from checkpoint #{run.from_sequence}'}); last #{run.last_sequence} "
            f"{run.last_hash}"))

"""Run by `restore_backup` as the restored system (its DATABASE_URL and MEDIA_ROOT):
compare with the backup's manifest. Exit status 1 on any difference."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.backup import restore_verify


class Command(BaseCommand):
    help = "Verify this system's database and files against a backup manifest."

    def add_arguments(self, parser):
        parser.add_argument("manifest", type=Path)

    def handle(self, *args, manifest: Path, **options):
        report = restore_verify(json.loads(manifest.read_text()))
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            raise CommandError(f"{len(report.problems)} difference(s) from the backup.")
        self.stdout.write(self.style.SUCCESS(
            f"Restored and verified: {report.tables} tables, {report.rows} rows as backed up; access log chain "
            f"intact ({report.chain_entries} entries); {report.files} files match their SHA-256."))

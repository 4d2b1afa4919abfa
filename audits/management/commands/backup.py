"""Back up the database and the stored files into a new directory (see audits/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.backup import backup_create


class Command(BaseCommand):
    help = "pg_dump -Fc of the database (SQLite: a copy), a tar.gz of MEDIA_ROOT and a manifest, into DEST."

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help="A new or empty directory.")

    def handle(self, *args, dest: Path, **options):
        try:
            manifest = backup_create(dest)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backup in {dest}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files, "
            f"access log to #{manifest['access_log']['last_sequence']}."))

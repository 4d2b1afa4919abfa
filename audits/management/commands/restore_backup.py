"""Restore a backup into a new database and media directory, then prove it whole: row
counts, the access log's hash chain and every file's SHA-256 (see audits/backup.py).
Exit status 1 when anything differs."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audits.backup import backup_restore, verify_restored_in_process


class Command(BaseCommand):
    help = "Restore SRC into a new database (--database-url) and directory (--media-root), and verify it."

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path)
        parser.add_argument("--database-url", required=True,
                            help="A database that does not exist yet (postgres://...) or a new SQLite file.")
        parser.add_argument("--media-root", required=True, type=Path, help="A new or empty directory.")

    def handle(self, *args, src: Path, database_url: str, media_root: Path, **options):
        try:
            backup_restore(src, database_url=database_url, media_root=media_root)
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from None
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"pg_restore failed: {exc.stderr.decode(errors='replace')[-2000:]}") from None
        result = verify_restored_in_process(src, database_url=database_url, media_root=media_root)
        self.stdout.write(result.stdout)
        if result.returncode != 0:
            self.stderr.write(result.stderr[-5000:])
            raise CommandError("Restore verification FAILED (see above).")

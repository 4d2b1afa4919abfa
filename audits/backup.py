"""Backup and restore drill (issue 8): the database and the stored files, restored into a
fresh database and proven whole.

    manage.py backup DEST                      pg_dump -Fc (SQLite: its backup API) of the
                                               database, a tar.gz of MEDIA_ROOT, manifest.json
    manage.py restore_backup DEST --database-url postgres://.../alpr_restored --media-root DIR
                                               restores into a new database and directory,
                                               then verifies (`verify_restored`, run as the
                                               restored system); exit 1 on any difference

The manifest is taken from the same snapshot pg_dump reads (an exported REPEATABLE READ
snapshot), so the row counts are exactly the dump's. Verification checks:
- the artefacts' SHA-256 (a damaged backup is refused before anything is restored);
- the row count of every table against the manifest;
- the access log's hash chain (AU-1): intact, and ending at the manifest's last entry;
- every stored file's SHA-256, and that every file the restored rows refer to exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import environ
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

DUMP_PG, DUMP_SQLITE, MEDIA_ARCHIVE, MANIFEST = "db.dump", "db.sqlite3", "media.tar.gz", "manifest.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not installed (Debian: postgresql-client).")
    return path


def _pg_env(settings_dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _models():
    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def _counts(using: str) -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.using(using).count() for m in _models()}


def _chain_head(using: str) -> dict:
    from accesslog.models import AccessEvent

    last = AccessEvent.objects.using(using).exclude(sequence__isnull=True).order_by("-sequence").first()
    return {"last_sequence": last.sequence if last else 0, "last_hash": last.entry_hash if last else ""}


def _referenced_files(using: str) -> set[str]:
    names = set()
    for model in _models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for field_name in fields:
            names.update(n for n in model._default_manager.using(using).exclude(**{field_name: ""})
                         .values_list(field_name, flat=True) if n)
    return names


# --- Backup -------------------------------------------------------------------------------

def _dump_postgres(dest: Path) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # the transaction's first statement
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    db = connection.settings_dict
    command = [_tool("pg_dump"), "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(dest / DUMP_PG), db["NAME"]]
    subprocess.run(command, check=True, env=_pg_env(db), capture_output=True)  # noqa: S603 - settings, our paths
    return DUMP_PG


def _dump_sqlite(dest: Path) -> str:
    connection.ensure_connection()
    target = sqlite3.connect(dest / DUMP_SQLITE)
    connection.connection.backup(target)
    target.close()
    return DUMP_SQLITE


def backup_create(dest: Path) -> dict:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise ValueError(f"{dest} is not empty; a backup goes into a new directory.")
    manifest = {"created_at": timezone.now().isoformat(), "vendor": connection.vendor, "artefacts": {}}
    # One transaction for the dump and the manifest's counts: on PostgreSQL a REPEATABLE
    # READ snapshot that pg_dump shares (--snapshot); SQLite's backup API copies a
    # consistent database.
    with transaction.atomic():
        dump = _dump_postgres(dest) if connection.vendor == "postgresql" else _dump_sqlite(dest)
        manifest["tables"] = _counts("default")
        manifest["access_log"] = _chain_head("default")
    files = {}
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(dest / MEDIA_ARCHIVE, "w:gz") as tar:
        if media.exists():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                name = path.relative_to(media).as_posix()
                files[name] = _sha256(path)
                tar.add(path, arcname=name)
    manifest["files"] = files
    manifest["artefacts"] = {dump: _sha256(dest / dump), MEDIA_ARCHIVE: _sha256(dest / MEDIA_ARCHIVE)}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


# --- Restore and verify -------------------------------------------------------------------

@dataclass
class RestoreReport:
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    chain_entries: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def backup_restore(src: Path, *, database_url: str, media_root: Path) -> dict:
    """Restore into a database and directory that do not exist yet (or are empty); returns
    the manifest. Verification runs in a process configured for the restored system
    (`verify_restored`), exactly as the restored system would start."""
    src, media_root = Path(src), Path(media_root)
    manifest = json.loads((src / MANIFEST).read_text())
    damaged = [name for name, digest in manifest["artefacts"].items() if _sha256(src / name) != digest]
    if damaged:
        raise ValueError(f"{', '.join(damaged)} do not match their SHA-256 in the manifest: the backup is damaged.")
    if media_root.exists() and any(media_root.iterdir()):
        raise ValueError(f"{media_root} is not empty; restore into a new directory.")
    target = environ.Env.db_url_config(database_url)
    if manifest["vendor"] == "postgresql":
        _create_pg_database(target)
        command = [_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", target["NAME"], str(src / DUMP_PG)]
        subprocess.run(command, check=True, env=_pg_env(target), capture_output=True)  # noqa: S603 - as above
    else:
        if Path(target["NAME"]).exists():
            raise ValueError(f"{target['NAME']} exists; restore into a new file.")
        shutil.copyfile(src / DUMP_SQLITE, target["NAME"])
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(src / MEDIA_ARCHIVE, "r:gz") as tar:
        tar.extractall(media_root, filter="data")  # no absolute paths, links or '..' out of the directory
    return manifest


def verify_restored_in_process(src: Path, *, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "verify_restored",
               str(Path(src) / MANIFEST)]
    return subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 - our own command


def _create_pg_database(target) -> None:
    import psycopg
    from psycopg import sql

    params = {k: v for k, v in {"host": target.get("HOST"), "port": target.get("PORT"), "user": target.get("USER"),
                                "password": target.get("PASSWORD")}.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]]).fetchone()
        if exists:
            raise ValueError(f"Database {target['NAME']} exists; restore into a new database.")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target["NAME"])))


def restore_verify(manifest: dict, *, using: str = "default", media_root: Path | None = None) -> RestoreReport:
    from accesslog.chain import verify_chain

    media_root = Path(media_root or settings.MEDIA_ROOT)
    report = RestoreReport()
    counts = _counts(using)
    for label, expected in manifest["tables"].items():
        got = counts.get(label)
        if got != expected:
            report.problems.append(f"{label}: {got} rows restored, {expected} backed up.")
    report.tables, report.rows = len(counts), sum(counts.values())
    chain = verify_chain(using=using)
    report.chain_entries = chain.entries_checked
    if not chain.ok:
        report.problems.append(f"Access log chain broken after restore: {chain.problem}")
    elif (head := _chain_head(using)) != manifest["access_log"]:
        report.problems.append(f"Access log ends at {head}, the backup at {manifest['access_log']}.")
    for name, digest in manifest["files"].items():
        path = media_root / name
        if not path.is_file():
            report.problems.append(f"File {name} is missing after restore.")
        elif _sha256(path) != digest:
            report.problems.append(f"File {name} differs from the backup (SHA-256).")
    report.files = len(manifest["files"])
    for name in sorted(_referenced_files(using)):
        if not (media_root / name).is_file():
            report.problems.append(f"The database refers to {name}, which is not in the restored files.")
    return report

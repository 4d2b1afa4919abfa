"""Backup and restore drill (issue 8): back up, restore into a fresh database and media
directory, and verify row counts, the access log's hash chain and every file's SHA-256;
damage is found and named."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accesslog.services import record_access
from audits import backup
from tests import factories


@pytest.fixture
def data(transactional_db, settings, tmp_path, home_agency):
    settings.MEDIA_ROOT = tmp_path / "media"
    cam = factories.camera(home_agency)
    for plate in ("7ABC123", "8XYZ412"):
        factories.read(cam, plate, images=True)
    for i in range(5):
        record_access(action="test.backup", object_type="read", object_id=i)
    return tmp_path


def _restore_target(tmp_path):
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        name = f"alpr_restore_{uuid.uuid4().hex[:10]}"
        user = f"{db['USER']}@" if db.get("USER") else ""
        return f"postgres://{user}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}", name
    return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None


def _drop(name):
    if name:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(dbname="postgres", host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
                             user=db.get("USER") or None, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_and_verifies(data, capsys):
    dest = data / "backup"
    call_command("backup", str(dest))
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["tables"]["alpr.read"] == 2 and len(manifest["files"]) >= 4  # frames and crops
    url, name = _restore_target(data)
    try:
        call_command("restore_backup", str(dest), database_url=url, media_root=str(data / "restored-media"))
        out = capsys.readouterr().out
        assert "Restored and verified" in out and "access log chain intact" in out

        # Damage after the restore is found and named.
        first = sorted(manifest["files"])[0]
        (data / "restored-media" / first).write_bytes(b"tampered")
        result = backup.verify_restored_in_process(dest, database_url=url, media_root=data / "restored-media")
        assert result.returncode == 1 and f"File {first} differs from the backup" in result.stderr
    finally:
        _drop(name)


def test_a_damaged_backup_is_refused_before_anything_is_restored(data):
    dest = data / "backup"
    call_command("backup", str(dest))
    archive = dest / "media.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-10] + b"0123456789")
    url, name = _restore_target(data)
    try:
        with pytest.raises(CommandError, match="media.tar.gz do not match their SHA-256"):
            call_command("restore_backup", str(dest), database_url=url, media_root=str(data / "restored-media"))
        assert not (data / "restored-media").exists()
    finally:
        _drop(name)


def test_it_never_overwrites(data):
    dest = data / "backup"
    call_command("backup", str(dest))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(dest))
    # Nor restores over files already there: refused before any database is created.
    occupied = data / "occupied-media"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("someone's file")
    url, name = _restore_target(data)
    try:
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore_backup", str(dest), database_url=url, media_root=str(occupied))
        assert (occupied / "keep.txt").read_text() == "someone's file"
        if name is None:
            assert not (data / "restored.sqlite3").exists()
    finally:
        _drop(name)

"""SEC-1 (policy 002 §G.1, "encrypted with AES-256 encryption, both at rest and in
transit"): every stored file is sealed by ingest/storage.py; a copied media folder shows
no image; keys rotate; and the deploy check refuses a production without a key or with a
database or broker reached in clear."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from config import checks
from lib import mediacrypt
from tests import factories

JPEG, PNG, ZIP = b"\xff\xd8\xff", b"\x89PNG", b"PK\x03\x04"


def _key(kid: str) -> str:
    return f"{kid}:{base64.b64encode(os.urandom(32)).decode()}"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


def test_read_images_are_ciphertext_on_disk_and_plaintext_through_the_field(media, home_agency):
    read = factories.read(factories.camera(home_agency), images=True)
    for field in (read.frame, read.crop):
        raw = (Path(media) / field.name).read_bytes()
        assert raw.startswith(mediacrypt.MAGIC)
        assert not raw.startswith(JPEG) and b"JFIF" not in raw
        with field.open("rb") as handle:
            plain = handle.read()
        assert plain.startswith(JPEG)
        assert hashlib.sha256(plain).hexdigest() == getattr(read, f"{field.field.name}_sha256")
        assert default_storage.size(field.name) == len(plain)
    with read.frame.open("rb") as handle:  # reopened: decrypted again
        assert handle.read().startswith(JPEG)


def test_a_copied_media_folder_holds_no_image_or_archive(media, home_agency):
    cam = factories.camera(home_agency)
    for plate in ("7ABC123", "4XYZ987"):
        factories.read(cam, plate=plate, images=True)
    default_storage.save("private/sharing/packages/2026/p.zip", ContentFile(ZIP + b"rest of a zip"))
    default_storage.save("private/certificates/2026/c.png", ContentFile(PNG + b"\r\n\x1a\n" + b"x" * 100))
    files = _stored_files(media)
    assert len(files) >= 6
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(mediacrypt.MAGIC), path
        assert not raw.startswith((JPEG, PNG, ZIP)) and b"JFIF" not in raw and b"Exif" not in raw, path


def test_the_image_view_serves_the_decrypted_frame(client, media, officer, login, home_agency):
    from alpr.images import image_url

    read = factories.read(factories.camera(home_agency), images=True)
    login(officer)
    response = client.get(image_url(read=read, kind="frame", user=officer))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(JPEG)


def test_rotation_new_files_use_the_current_key_old_ones_still_open_and_reencrypt_moves_them(media, settings):
    old, new = _key("k1"), _key("k2")
    settings.ALPR_MEDIA_KEYS = old
    first = default_storage.save("reads/a.jpg", ContentFile(JPEG + b"first"))
    assert mediacrypt.key_id_of((Path(media) / first).read_bytes()) == "k1"

    settings.ALPR_MEDIA_KEYS = f"{new},{old}"
    second = default_storage.save("reads/b.jpg", ContentFile(JPEG + b"second"))
    assert mediacrypt.key_id_of((Path(media) / second).read_bytes()) == "k2"
    assert default_storage.open(first).read() == JPEG + b"first"

    call_command("media_reencrypt")
    assert mediacrypt.key_id_of((Path(media) / first).read_bytes()) == "k2"
    settings.ALPR_MEDIA_KEYS = new  # the old key dropped: everything still opens
    assert default_storage.open(first).read() == JPEG + b"first"
    assert default_storage.open(second).read() == JPEG + b"second"


def test_a_file_sealed_with_a_key_no_longer_held_is_refused_not_served(media, settings):
    settings.ALPR_MEDIA_KEYS = _key("gone")
    name = default_storage.save("reads/c.jpg", ContentFile(JPEG + b"x"))
    settings.ALPR_MEDIA_KEYS = _key("other")
    with pytest.raises(mediacrypt.MediaDecryptError, match="gone"):
        default_storage.open(name)


def test_an_altered_file_fails_authentication(media):
    name = default_storage.save("reads/d.jpg", ContentFile(JPEG + b"evidence"))
    path = Path(media) / name
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(mediacrypt.MediaDecryptError, match="authentication"):
        default_storage.open(name)


def test_a_legacy_plaintext_file_is_served_and_sealed_by_media_reencrypt(media, caplog):
    path = Path(media) / "reads" / "legacy.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(JPEG + b"before SEC-1")
    assert default_storage.open("reads/legacy.jpg").read() == JPEG + b"before SEC-1"
    assert "not encrypted" in caplog.text
    call_command("media_reencrypt")
    assert path.read_bytes().startswith(mediacrypt.MAGIC)
    assert default_storage.open("reads/legacy.jpg").read() == JPEG + b"before SEC-1"


@pytest.mark.parametrize("value, message", [
    ("k1", "id:base64"),
    ("k1:not base64!", "base64"),
    (f"k1:{base64.b64encode(b'short').decode()}", "32 bytes"),
    (f"{_key('k1')},{_key('k1')}", "twice"),
    (",", "no key"),
])
def test_malformed_keys_are_refused_with_the_reason(value, message):
    with pytest.raises(mediacrypt.MediaKeyError, match=message):
        mediacrypt.parse_keys(value)


def test_production_without_a_key_refuses_to_store(media, settings):
    settings.ALPR_MEDIA_KEYS = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="ALPR_MEDIA_KEYS must be set in production"):
        default_storage.save("reads/e.jpg", ContentFile(JPEG))
    assert not _stored_files(media)


def test_development_generates_one_private_key_outside_the_media_folder(media, settings, tmp_path):
    key_file = tmp_path / "config" / "alpr" / "media-keys"
    settings.ALPR_MEDIA_KEYS, settings.ALPR_MEDIA_KEY_FILE = "", str(key_file)
    name = default_storage.save("reads/f.jpg", ContentFile(JPEG + b"dev"))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ring = mediacrypt.parse_keys(key_file.read_text())
    assert mediacrypt.open_sealed((Path(media) / name).read_bytes(), ring) == JPEG + b"dev"
    assert not str(key_file).startswith(str(media))


# --- check --deploy ---------------------------------------------------------------------

def _ids(messages):
    return {m.id for m in messages}


def test_deploy_check_fails_without_media_keys(settings):
    settings.ALPR_MEDIA_KEYS = ""
    assert _ids(checks.check_media_keys(None)) == {"ingest.E001"}
    settings.ALPR_MEDIA_KEYS = "k1:short"
    assert _ids(checks.check_media_keys(None)) == {"ingest.E002"}
    settings.ALPR_MEDIA_KEYS = _key("k1")
    assert checks.check_media_keys(None) == []


def _pg(host, **options):
    return {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": host, "NAME": "alpr", "OPTIONS": options}}


def _db_check(databases):
    return checks.check_database_tls(None, databases=databases)


def test_deploy_check_warns_about_a_database_reached_without_verified_tls():
    assert _ids(_db_check(_pg("db.example.org"))) == {"config.W001"}
    assert _ids(_db_check(_pg("db.example.org", sslmode="require"))) == {"config.W001"}
    assert _db_check(_pg("db.example.org", sslmode="verify-full")) == []
    for local in ("", "/var/run/postgresql", "127.0.0.1", "localhost", "::1"):
        assert _db_check(_pg(local)) == [], local


def test_deploy_check_warns_about_a_broker_reached_without_tls(settings):
    settings.CELERY_BROKER_URL = "redis://redis.example.org:6379/0"
    assert _ids(checks.check_broker_tls(None)) == {"config.W002"}
    settings.CELERY_BROKER_URL = "rediss://redis.example.org:6380/0?ssl_cert_reqs=required"
    assert checks.check_broker_tls(None) == []
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    assert checks.check_broker_tls(None) == []


def test_the_database_url_passes_sslmode_through_to_the_connection():
    import environ

    config = environ.Env.db_url_config(
        "postgres://alpr@db.example.org:5432/alpr?sslmode=verify-full&sslrootcert=/etc/alpr/ca.pem")
    assert config["OPTIONS"] == {"sslmode": "verify-full", "sslrootcert": "/etc/alpr/ca.pem"}
    assert _db_check({"default": {**config, "ENGINE": "django.db.backends.postgresql"}}) == []

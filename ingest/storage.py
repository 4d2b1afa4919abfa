"""The one module that stores and serves media files, sealed with AES-256-GCM (SEC-1;
policy 002 §G.1: ALPR data "encrypted with AES-256 encryption, both at rest and in
transit").

It is the default storage (config/settings.py STORAGES), so every FileField goes through
it: frames and plate crops of reads (alpr/services/reads.py), frame jobs (ingest), the
images an evidence package copies out (alpr/evidence.py reads them back through the
field), sharing packages and documents (sharing/), training certificates. What lands on
disk, and so in a copied media folder or a backup's media.tar.gz, is ciphertext.

Keys (lib/mediacrypt.py for the format): ALPR_MEDIA_KEYS holds `id:base64,id:base64`,
the current key first; older keys still open the files they sealed until
`manage.py media_reencrypt` re-seals them under the current key.

Without ALPR_MEDIA_KEYS:
* production refuses: `check --deploy` fails (ingest.E001) and storing or opening a file
  raises ImproperlyConfigured. A key that silently appeared on a server would sit beside
  the data it protects, and losing it would lose every image.
* development and tests generate one key once, in ALPR_MEDIA_KEY_FILE (default
  ~/.config/alpr/media-keys, mode 0600): outside the checkout and outside the var/ and
  media folders, so a copied media folder or backup does not carry its own key, and
  `make run` works out of the box.
"""

from __future__ import annotations

import io
import logging
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from lib import mediacrypt

logger = logging.getLogger(__name__)
ENV_NAME = "ALPR_MEDIA_KEYS"
DEV_KEY_ID = "dev1"


def default_key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "alpr" / "media-keys"


def _development_key_text(path: Path) -> str:
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # O_EXCL: two processes starting together keep one key, not two.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{ENV_NAME} is not set and no development media key could be created at {path} ({exc}). "
                f"Set {ENV_NAME} (README, 'Encryption at rest') or ALPR_MEDIA_KEY_FILE to a writable path.") from None
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(mediacrypt.new_key_line(DEV_KEY_ID) + "\n")
            logger.warning("generated a development media key at %s (never used in production)", path)
    return path.read_text()


@lru_cache(maxsize=8)
def _ring_for(keys_text: str, key_file: str, production: bool) -> mediacrypt.KeyRing:
    if keys_text.strip():
        try:
            return mediacrypt.parse_keys(keys_text)
        except mediacrypt.MediaKeyError as exc:
            raise ImproperlyConfigured(f"{ENV_NAME}: {exc}") from None
    if production:
        raise ImproperlyConfigured(f"{ENV_NAME} must be set in production (the AES-256 keys that seal stored "
                                   "images and documents, SEC-1)")
    path = Path(key_file) if key_file else default_key_file()
    try:
        return mediacrypt.parse_keys(_development_key_text(path))
    except mediacrypt.MediaKeyError as exc:
        raise ImproperlyConfigured(f"the development media key file {path} is malformed: {exc}") from None


def key_ring() -> mediacrypt.KeyRing:
    return _ring_for(getattr(settings, "ALPR_MEDIA_KEYS", "") or "", getattr(settings, "ALPR_MEDIA_KEY_FILE", "") or "",
                     bool(getattr(settings, "PRODUCTION", False)))


def unseal(blob: bytes, *, name: str = "") -> bytes:
    """The plaintext of a stored file. A file without the header is a legacy plaintext one
    (stored before SEC-1 was built): served, and logged so `media_reencrypt` is run."""
    if not mediacrypt.is_sealed(blob):
        logger.warning("media file %s is not encrypted; run `manage.py media_reencrypt`", name or "?")
        return blob
    try:
        return mediacrypt.open_sealed(blob, key_ring())
    except mediacrypt.MediaDecryptError as exc:
        logger.error("media file %s could not be decrypted: %s", name or "?", exc)
        raise


class SealedFile(File):
    """The plaintext of a stored file, in memory. Reopened after closing (FieldFile.open
    reuses its file object), it is read and decrypted again from storage."""

    def __init__(self, storage, name):
        self._storage = storage
        super().__init__(io.BytesIO(storage._plaintext(name)), name=name)

    def open(self, mode=None, *args, **kwargs):
        if self.closed:
            self.file = io.BytesIO(self._storage._plaintext(self.name))
        else:
            self.seek(0)
        return self


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are sealed on save and opened on read."""

    def _save(self, name, content):
        # File.chunks() rewinds the content first.
        data = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks())
        # A plain ContentFile: FileSystemStorage would otherwise *move* a temporary upload
        # into place, plaintext and all.
        return super()._save(name, ContentFile(mediacrypt.seal(data, key_ring())))

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("stored media is written only through save()")
        return SealedFile(self, name)

    def _plaintext(self, name) -> bytes:
        with open(self.path(name), "rb") as handle:
            blob = handle.read()
        return unseal(blob, name=name)

    def size(self, name):
        path = self.path(name)
        with open(path, "rb") as handle:
            head = handle.read(len(mediacrypt.MAGIC) + 1 + 255)
        kid = mediacrypt.key_id_of(head)
        raw = os.path.getsize(path)
        return raw if kid is None else raw - mediacrypt.overhead(kid)


def reseal_file(path: Path, ring: mediacrypt.KeyRing) -> str:
    """Re-seal one file under the current key, in place and atomically; returns what was
    done: 'current' (nothing to do), 'resealed' (an older key) or 'sealed' (plaintext)."""
    blob = path.read_bytes()
    kid = mediacrypt.key_id_of(blob)
    if kid == ring.current_id:
        return "current"
    plain = blob if kid is None else mediacrypt.open_sealed(blob, ring)
    temporary = path.with_name(f".{path.name}.reseal")
    with open(temporary, "wb") as handle:
        handle.write(mediacrypt.seal(plain, ring))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # a crash leaves the old file whole, never half of each
    return "sealed" if kid is None else "resealed"

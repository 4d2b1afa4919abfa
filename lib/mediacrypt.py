"""AES-256-GCM for stored files (SEC-1; policy 002 §G.1: "encrypted with AES-256
encryption, both at rest and in transit"). Django-free, so it can be tested alone.

A key ring holds named keys; the first is the current one. Each file says which key
sealed it, so after a rotation new files use the new key and old ones still open until
`manage.py media_reencrypt` has re-sealed them under the current key.

Stored layout: MAGIC (8 bytes) | key-id length (1 byte) | key id (ASCII) | nonce (12
bytes) | ciphertext with its 16-byte GCM tag. The header (magic and key id) is the
additional authenticated data, so a file cannot be relabelled to another key.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"ALPRENC1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32  # AES-256 (SEC-1)
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class MediaKeyError(ValueError):
    """The key ring is malformed (bad id, not 32 bytes, not base64, empty)."""


class MediaDecryptError(ValueError):
    """A sealed file could not be opened: unknown key id, truncated, or altered."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    current_id: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def parse_keys(text: str) -> KeyRing:
    """`kid:base64key,kid:base64key`, current key first (ALPR_MEDIA_KEYS)."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in (text or "").replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        kid, encoded = kid.strip(), encoded.strip()
        if not sep or not _KEY_ID.match(kid):
            raise MediaKeyError(f"each key is written id:base64 with an id of 1-32 letters, digits, '.', '_' or '-' "
                                f"(got {kid[:40]!r})")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise MediaKeyError(f"key {kid!r} is not valid base64") from None
        if len(raw) != KEY_BYTES:
            raise MediaKeyError(f"key {kid!r} must be {KEY_BYTES} bytes (AES-256), got {len(raw)}")
        if kid in keys:
            raise MediaKeyError(f"key id {kid!r} appears twice")
        keys[kid] = raw
        order.append(kid)
    if not order:
        raise MediaKeyError("no key given")
    return KeyRing(keys=keys, current_id=order[0])


def new_key_line(kid: str) -> str:
    """A fresh `kid:base64` entry (for the development key file and for rotation)."""
    if not _KEY_ID.match(kid):
        raise MediaKeyError(f"bad key id {kid!r}")
    return f"{kid}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def _header(kid: str) -> bytes:
    encoded = kid.encode("ascii")
    return MAGIC + bytes([len(encoded)]) + encoded


def is_sealed(blob: bytes) -> bool:
    return blob[: len(MAGIC)] == MAGIC


def key_id_of(blob: bytes) -> str | None:
    """The id of the key that sealed this blob; None for a plaintext (legacy) file."""
    if not is_sealed(blob) or len(blob) < len(MAGIC) + 1:
        return None
    length = blob[len(MAGIC)]
    return blob[len(MAGIC) + 1: len(MAGIC) + 1 + length].decode("ascii", "replace")


def seal(data: bytes, ring: KeyRing) -> bytes:
    header = _header(ring.current_id)
    nonce = os.urandom(NONCE_BYTES)  # random 96-bit nonce per file: one key seals far fewer than 2**32 files
    return header + nonce + AESGCM(ring.current).encrypt(nonce, data, header)


def open_sealed(blob: bytes, ring: KeyRing) -> bytes:
    kid = key_id_of(blob)
    if kid is None:
        raise MediaDecryptError("not a sealed file")
    key = ring.keys.get(kid)
    if key is None:
        raise MediaDecryptError(f"sealed with key {kid!r}, which is not in ALPR_MEDIA_KEYS")
    header_len = len(MAGIC) + 1 + len(kid.encode("ascii"))
    header, nonce = blob[:header_len], blob[header_len: header_len + NONCE_BYTES]
    body = blob[header_len + NONCE_BYTES:]
    if len(nonce) != NONCE_BYTES or len(body) < TAG_BYTES:
        raise MediaDecryptError("sealed file is truncated")
    try:
        return AESGCM(key).decrypt(nonce, body, header)
    except InvalidTag:
        raise MediaDecryptError("sealed file failed authentication (altered, or the wrong key)") from None


def overhead(kid: str) -> int:
    return len(_header(kid)) + NONCE_BYTES + TAG_BYTES

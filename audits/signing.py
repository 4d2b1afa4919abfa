"""The agency's Ed25519 key for the access log's exports and digests (AU-1; issue 19 part 4).

ALPR_LOG_SIGNING_KEY holds the private key: the base64 of its 32-byte seed, a PEM text, or
the path of a PEM file (PKCS#8, unencrypted). Required in production. In development and
tests, without it, one key is generated once and kept under the var dir (mode 0600), so
digests stay verifiable across restarts; a private key is never committed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENV_NAME = "ALPR_LOG_SIGNING_KEY"
DEV_KEY_FILE = "access-log-signing-key.pem"


def _base64(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _load(value: str):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    value = value.strip()
    try:
        if value.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(value.encode(), password=None)
        elif (seed := _base64(value)) is not None and len(seed) == 32:
            key = Ed25519PrivateKey.from_private_bytes(seed)
        elif Path(value).is_file():
            key = serialization.load_pem_private_key(Path(value).read_bytes(), password=None)
        elif seed is not None:
            raise ImproperlyConfigured(f"{ENV_NAME} must be 32 bytes in base64 (an Ed25519 seed), a PEM text "
                                       f"or a PEM file's path; got {len(seed)} bytes")
        else:
            raise ImproperlyConfigured(f"{ENV_NAME}: no key file at {value}")
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"{ENV_NAME} is not a readable Ed25519 private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{ENV_NAME} must be an Ed25519 key")
    return key


def _development_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(settings.VAR_DIR) / DEV_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        # O_EXCL: two processes starting together keep one key, not two.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    return _load(str(path))


def signing_key():
    value = getattr(settings, "ALPR_LOG_SIGNING_KEY", "") or ""
    if value.strip():
        return _load(value)
    if settings.PRODUCTION:
        raise ImproperlyConfigured(f"{ENV_NAME} must be set in production (the agency's Ed25519 key that signs "
                                   "access-log exports and digests)")
    return _development_key()


def public_key_bytes(private_key=None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = private_key or signing_key()
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem(private_key=None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = private_key or signing_key()
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw public key: what the agency publishes so verifiers can pin it."""
    return hashlib.sha256(public_key).hexdigest()


def sign(message: bytes, private_key=None) -> bytes:
    return (private_key or signing_key()).sign(message)


def verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True

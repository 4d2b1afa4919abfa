"""HL-2: pull a list over SFTP (paramiko) with a public key, the server's host key pinned
by its SHA-256 fingerprint. The fingerprint is checked before authenticating, so neither
the key's signature nor the request reaches a server that is not the one configured; an
unknown or changed host key is refused, never learned."""

from __future__ import annotations

import base64
import hashlib
import hmac
import posixpath
import socket

import paramiko
from django.conf import settings

from hotlists.sources.transport import Download, PullError, secret_from_env, too_large

CHUNK = 32 * 1024


def fingerprint(key: paramiko.PKey) -> str:
    """As `ssh-keygen -lf` prints it: SHA256:<base64 without padding>."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode().rstrip("=")


def _private_key(source) -> paramiko.PKey:
    passphrase = (secret_from_env(source.private_key_passphrase_env, "key passphrase")
                  if source.private_key_passphrase_env else None)
    try:
        return paramiko.PKey.from_path(source.private_key_path, passphrase)  # positional: renamed across versions
    except (OSError, paramiko.SSHException, ValueError) as exc:
        raise PullError(f"The private key {source.private_key_path} cannot be read: {exc}") from exc


def download(source) -> Download:
    limit = settings.ALPR_HOTLIST_MAX_FILE_BYTES
    timeout = settings.ALPR_HOTLIST_PULL_TIMEOUT
    key = _private_key(source)
    try:
        sock = socket.create_connection((source.host, source.port), timeout=settings.ALPR_HOTLIST_PULL_CONNECT_TIMEOUT)
    except OSError as exc:
        raise PullError(f"Cannot connect to {source.host}:{source.port}: {exc}") from exc
    transport = paramiko.Transport(sock)
    transport.banner_timeout = transport.handshake_timeout = transport.auth_timeout = timeout
    try:
        transport.start_client(timeout=timeout)
        seen = fingerprint(transport.get_remote_server_key())
        if not hmac.compare_digest(seen, source.host_key_fingerprint):
            raise PullError(f"Host key refused: {source.host}:{source.port} presented {seen}, the source pins "
                            f"{source.host_key_fingerprint}. Nothing was sent.")
        transport.auth_publickey(source.username, key)
        with paramiko.SFTPClient.from_transport(transport) as client:
            client.get_channel().settimeout(timeout)
            size = client.stat(source.path).st_size or 0
            if size > limit:
                raise too_large(limit)
            chunks, read = [], 0
            with client.open(source.path, "rb") as remote:
                remote.prefetch(size)
                while chunk := remote.read(CHUNK):
                    read += len(chunk)
                    if read > limit:
                        raise too_large(limit)
                    chunks.append(chunk)
    except PullError:
        raise
    except (paramiko.SSHException, OSError, EOFError) as exc:
        raise PullError(f"SFTP {source.host}:{source.port}{source.path}: {type(exc).__name__}: {exc}") from exc
    finally:
        transport.close()
    return Download(data=b"".join(chunks), file_name=posixpath.basename(source.path) or "download")

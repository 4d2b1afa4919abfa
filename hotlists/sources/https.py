"""HL-2: pull a list over HTTPS, authenticated by a bearer token (read from the
environment variable the source names) or a client certificate, the server verified with
the source's CA bundle (or the system's). The body is streamed and cut off past
ALPR_HOTLIST_MAX_FILE_BYTES; redirects are not followed (a redirect could carry the token
to another host or downgrade to plain HTTP)."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

import requests
from django.conf import settings

from hotlists.sources.transport import Download, PullError, secret_from_env, too_large

CHUNK = 64 * 1024


def download(source) -> Download:
    limit = settings.ALPR_HOTLIST_MAX_FILE_BYTES
    headers = {"Accept": "text/plain, text/csv, application/octet-stream, */*"}
    if source.token_env:
        headers["Authorization"] = f"Bearer {secret_from_env(source.token_env, 'bearer token')}"
    cert = (source.client_cert_path, source.client_key_path) if source.client_cert_path else None
    verify = source.ca_bundle_path or True
    timeout = (settings.ALPR_HOTLIST_PULL_CONNECT_TIMEOUT, settings.ALPR_HOTLIST_PULL_TIMEOUT)
    try:
        with requests.get(source.url, headers=headers, cert=cert, verify=verify, timeout=timeout, stream=True,
                          allow_redirects=False) as response:
            if response.status_code != 200:
                raise PullError(f"HTTP {response.status_code} {response.reason or ''} from {source.url}".strip())
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise too_large(limit)
            chunks, size = [], 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                chunks.append(chunk)
            # A body shorter than its Content-Length raises (urllib3 enforces it): a
            # transfer cut short is a failed pull, never a short list.
            data = b"".join(chunks)
    except requests.exceptions.SSLError as exc:
        raise PullError(f"TLS failed (server certificate not trusted, or client certificate refused): {exc}") from exc
    except requests.exceptions.RequestException as exc:
        raise PullError(f"{type(exc).__name__}: {exc}") from exc
    except OSError as exc:  # a certificate or key file that cannot be read
        raise PullError(f"{type(exc).__name__}: {exc}") from exc
    name = posixpath.basename(urlsplit(source.url).path) or "download"
    return Download(data=data, file_name=name)

"""What the transports share: the error they raise and how they read secrets."""

from __future__ import annotations

import os
from dataclasses import dataclass


class PullError(Exception):
    """A download that did not deliver the file; the message goes on the pull record."""


@dataclass
class Download:
    data: bytes
    file_name: str


def secret_from_env(name: str, what: str) -> str:
    """Secrets live in the worker's environment, never in the database."""
    value = os.environ.get(name, "")
    if not value:
        raise PullError(f"The {what} environment variable {name} is not set on this worker.")
    return value


def too_large(limit: int) -> PullError:
    return PullError(f"The file is larger than {limit:,} bytes (ALPR_HOTLIST_MAX_FILE_BYTES); download stopped.")

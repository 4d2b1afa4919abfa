"""Small typed readers for environment variables.

Each raises ImproperlyConfigured with the variable's name on a bad value, so a
misconfigured deployment fails at start-up with a message an operator can act on.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] = os.environ,
) -> int:
    value = environ.get(name)
    if value is None or value.strip() == "":
        result = default
    else:
        try:
            result = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and result < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {result}")
    if maximum is not None and result > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {result}")
    return result


def env_float(
    name: str,
    default: float,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    environ: Mapping[str, str] = os.environ,
) -> float:
    """A number such as a fraction. Bad text, NaN or infinity, or a value out of range
    stops the start with the variable's name (issue 17: float() raised a bare ValueError)."""
    value = environ.get(name)
    if value is None or value.strip() == "":
        result = float(default)
    else:
        try:
            result = float(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None
        if not math.isfinite(result):
            raise ImproperlyConfigured(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and result < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {result}")
    if maximum is not None and result > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {result}")
    return result


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] = os.environ) -> list[str]:
    value = environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] = os.environ) -> str:
    value = environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def env_pairs(name: str, default: list[tuple[str, str]], *,
              environ: Mapping[str, str] = os.environ) -> list[tuple[str, str]]:
    """A list of (code, label) pairs written `code=label;code=label` (labels may hold commas)."""
    value = environ.get(name)
    if value is None or not value.strip():
        return list(default)
    pairs = []
    for item in value.split(";"):
        if not item.strip():
            continue
        code, sep, label = item.partition("=")
        if not sep or not code.strip() or not label.strip():
            raise ImproperlyConfigured(f"{name} must be code=label pairs separated by ';', got {item.strip()!r}")
        pairs.append((code.strip()[:32], label.strip()))
    if len({code for code, _ in pairs}) != len(pairs):
        raise ImproperlyConfigured(f"{name} names a code twice")
    return pairs

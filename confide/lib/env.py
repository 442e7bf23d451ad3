"""Typed readers for settings that come from environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping


class ImproperlyConfiguredError(Exception):
    """Raised when an environment variable is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable's value with surrounding whitespace removed, or the default."""
    source = os.environ if environ is None else environ
    value = source.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """Return the variable read as a yes/no flag; anything unrecognised is an error."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfiguredError(f"{name} must be true or false, not {source[name]!r}")


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None) -> int:
    """Return the variable read as an integer."""
    source = os.environ if environ is None else environ
    raw = source.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfiguredError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Return the variable split on commas, blanks dropped."""
    source = os.environ if environ is None else environ
    raw = source.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Return the variable's value, failing loudly when it is missing or empty."""
    value = env_str(name, environ=environ)
    if not value:
        raise ImproperlyConfiguredError(f"{name} must be set in production")
    return value

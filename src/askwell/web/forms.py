"""Turning form posts into validated schemas, and validation errors into messages beside each field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import available_timezones

from pydantic import ValidationError

# The zones most people pick; the person's own zone is added when it is not among them.
COMMON_TIMEZONES: tuple[str, ...] = (
    "UTC",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Vienna",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Pacific/Auckland",
)
_KNOWN = frozenset(available_timezones())


def timezone_choices(current: str = "") -> list[str]:
    """The common zones, plus the current one so a select never silently changes someone's zone."""
    if current and current in _KNOWN and current not in COMMON_TIMEZONES:
        return [current, *COMMON_TIMEZONES]
    return list(COMMON_TIMEZONES)


def split_list(text: str) -> list[str]:
    """Skills typed as one field: commas or new lines separate them."""
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One readable message per form field (the first one pydantic reports for it)."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = err.get("loc", ())
        name = str(loc[0]) if loc else "__all__"
        ctx = err.get("ctx") or {}
        if err["type"] == "string_too_long":
            message = f"Use at most {ctx.get('max_length')} characters."
        elif err["type"] == "missing" or (err["type"] == "string_too_short" and ctx.get("min_length") == 1):
            message = "This is required."
        else:
            message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
            message = message[:1].upper() + message[1:]
        if len(loc) > 1 and isinstance(loc[1], int):
            message = f"Item {loc[1] + 1}: {message}"
        errors.setdefault(name, message)
    return errors


def blank_to_none(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """An empty optional input means 'not set', not an invalid value."""
    return {k: (None if k in names and v == "" else v) for k, v in values.items()}

"""Turning form posts into validated schemas, and validation errors into messages beside each field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import available_timezones

from pydantic import ValidationError

from askwell.asks import schemas as asks
from askwell.network import schemas as network
from askwell.people import schemas as people

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


# What a form calls a field when the schema's name is not already the words on the page.
FIELD_LABELS: dict[str, str] = {
    "can_help_with": "“I can help with”",
    "learning": "“I'm learning”",
    "away_until": "Away until",
    "effort_hours": "Effort",
    "due": "Due date",
    "team_id": "Team",
    "audience": "People",
    "own_guess": "Your guess",
    "introduce_id": "The person to introduce",
    "connector_id": "The connector",
    "target_id": "The person",
    "person_id": "The person",
    "ask_id": "The ask",
    "last_interaction": "Last worked together",
    "q": "Search",
}

_DATE = "a date, such as 2026-03-06"
_DATETIME = "a date and time, such as 2026-03-06 14:30"
# Pydantic's error types, as the rest of a sentence that starts with the field's label. Types not
# listed here fall back to "is not valid": pydantic's own wording never reaches a page.
_PHRASES: dict[str, str] = {
    "missing": "is required.",
    "string_too_long": "can be at most {max_length} characters.",
    "string_too_short": "needs at least {min_length} characters.",
    "too_long": "can have at most {max_length} entries.",
    "too_short": "needs at least {min_length} entries.",
    "string_type": "needs to be text.",
    "string_pattern_mismatch": "is not in the expected form.",
    "date_parsing": f"needs to be {_DATE}.",
    "date_from_datetime_parsing": f"needs to be {_DATE}.",
    "date_from_datetime_inexact": f"needs to be {_DATE}, without a time.",
    "date_type": f"needs to be {_DATE}.",
    "date_past": "needs to be a date in the past.",
    "date_future": "needs to be a date in the future.",
    "datetime_parsing": f"needs to be {_DATETIME}.",
    "datetime_from_date_parsing": f"needs to be {_DATETIME}.",
    "datetime_type": f"needs to be {_DATETIME}.",
    "datetime_object_invalid": f"needs to be {_DATETIME}.",
    "datetime_past": "needs to be in the past.",
    "datetime_future": "needs to be in the future.",
    "time_parsing": "needs to be a time, such as 14:30.",
    "timezone_aware": "needs a timezone.",
    "int_parsing": "needs to be a whole number.",
    "int_type": "needs to be a whole number.",
    "int_from_float": "needs to be a whole number.",
    "int_parsing_size": "is too large a number.",
    "float_parsing": "needs to be a number, such as 1.5.",
    "float_type": "needs to be a number, such as 1.5.",
    "finite_number": "needs to be a number, such as 1.5.",
    "decimal_parsing": "needs to be a number, such as 1.5.",
    "greater_than": "needs to be more than {gt}.",
    "greater_than_equal": "needs to be at least {ge}.",
    "less_than": "needs to be less than {lt}.",
    "less_than_equal": "can be at most {le}.",
    "multiple_of": "needs to be a multiple of {multiple_of}.",
    "bool_parsing": "needs to be yes or no.",
    "bool_type": "needs to be yes or no.",
    "enum": "needs to be one of {expected}.",
    "literal_error": "needs to be one of {expected}.",
    "list_type": "needs to be a list.",
    "extra_forbidden": "is not something this form takes.",
    "url_parsing": "needs to be a web address, such as https://example.com.",
    "url_scheme": "needs to be a web address, such as https://example.com.",
}


def field_label(name: str) -> str:
    """The field as a person knows it: ``effort_hours`` is "Effort", ``title`` is "Title"."""
    return FIELD_LABELS.get(name) or (name.replace("_", " ").strip().capitalize() or "This field")


def human_message(err: Mapping[str, Any], *, label: str) -> str:
    """One pydantic error as a sentence for a person, naming the field: "Title needs at least 3 characters."

    Our own validators (``value_error``) already speak to people; pydantic's built-in messages do
    not ("String should have at least 3 characters"), so every built-in type is worded here.
    """
    kind = str(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        kind = "missing"
    if kind in ("value_error", "assertion_error"):
        message = str(err.get("msg", ""))
        if message.startswith("value is not a valid email address"):
            return f"{label} needs to be an email address, such as name@example.com."
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ").strip()
        if not message:
            return f"{label} is not valid."
        message = message[:1].upper() + message[1:]
        return message if message.endswith((".", "!", "?")) else f"{message}."
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace("'", "")
    # Limits read as people write them: "more than 0", not "more than 0.0".
    ctx = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in ctx.items()}
    phrase = _PHRASES.get(kind, "is not valid.")
    try:
        phrase = phrase.format(**ctx)
    except (KeyError, IndexError, ValueError):
        phrase = "is not valid."
    if kind in ("string_too_long", "string_too_short", "too_long", "too_short"):
        phrase = phrase.replace(" 1 characters", " 1 character").replace(" 1 entries", " 1 entry")
    return f"{label} {phrase}"


def field_errors(exc: ValidationError | Iterable[Mapping[str, Any]], *, skip_loc: int = 0) -> dict[str, str]:
    """One message per form field (the first one pydantic reports for it), worded for people.

    This is the one place validation errors become what a page shows; ``skip_loc`` drops the
    leading parts of a location that FastAPI adds (``body``, ``query``).
    """
    errors: dict[str, str] = {}
    details = exc.errors() if isinstance(exc, ValidationError) else exc
    for err in details:
        loc = tuple(err.get("loc", ()))[skip_loc:]
        name = str(loc[0]) if loc else "__all__"
        label = field_label(name) if loc else "This form"
        if len(loc) > 1 and isinstance(loc[1], int):
            label = f"{label} (entry {loc[1] + 1})"
        errors.setdefault(name, human_message(err, label=label))
    return errors


def blank_to_none(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """An empty optional input means 'not set', not an invalid value."""
    return {k: (None if k in names and v == "" else v) for k, v in values.items()}


# --- length limits -----------------------------------------------------------------------------------

# The tags field holds every tag and the ", " between them.
TAGS_TEXT_MAX = asks.MAX_TAGS * (asks.TAG_MAX + 2)
SKILLS_TEXT_MAX = people.MAX_SKILLS * (people.SKILL_MAX + 2)

# Each text field's limit as the schema that checks it says; templates read them as
# ``limits.<name>`` (their ``maxlength``), routes through ``form_cap``. One source: the schemas.
LIMITS: Mapping[str, int] = {
    "ask_title": asks.TITLE_MAX,
    "ask_body": asks.BODY_MAX,
    "ask_part": asks.PART_MAX,
    "ask_tags": TAGS_TEXT_MAX,
    "ask_note": asks.NOTE_MAX,
    "offer_message": asks.OFFER_MESSAGE_MAX,
    "thanks": asks.THANKS_MAX,
    "person_name": people.NAME_MAX,
    "person_title": people.SHORT_TEXT_MAX,
    "person_skills": SKILLS_TEXT_MAX,
    "person_long": people.LONG_TEXT_MAX,
    "network_note": network.NOTE_MAX,
    "network_query": network.QUERY_MAX,
}


def form_cap(limit: int) -> int:
    """The most a form field may carry, refused before the route runs, for a schema limit of ``limit``.

    Twice the limit: text over the limit must still reach the schema, whose message appears beside
    the field with the text kept (a refusal before the route is an error page, and the typing is
    gone), and browsers send each line break as two characters where ``maxlength`` counted one.
    """
    return 2 * limit

"""Field rules every domain's schemas share at the edges, so bad input is a 422, never a driver error."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from askwell.core.db import MAX_ID

# An id sent in a body: past MAX_ID, SQLite raises OverflowError and PostgreSQL an out-of-range error.
EntityId = Annotated[int, Field(ge=1, le=MAX_ID)]

# Far enough for any real deadline; near enough that converting between timezones never overflows.
LATEST_YEAR = 2999


def _representable(value: date | datetime | None) -> date | datetime | None:
    if value is None:
        return None
    if value.year > LATEST_YEAR:
        raise ValueError(f"the date must be before the year {LATEST_YEAR + 1}")
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError as exc:  # year 1 with a positive offset, say
            raise ValueError("the date is out of range") from exc
    return value


# A date or time a person may give (a due date): any year up to LATEST_YEAR, convertible to UTC.
SaneDate = AfterValidator(_representable)


# Characters no person means to type but that change how text shows or is stored: C0/C1 controls
# (NUL is refused by PostgreSQL outright), zero-width characters that make two names look the same,
# and the bidirectional overrides and isolates that can make a name read backwards ("Trojan source").
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
_LINE_BREAKS = frozenset("\t\n\r")


def _single_line(value: str) -> str:
    if any(ch in _INVISIBLE or ch in _LINE_BREAKS for ch in value):
        raise ValueError("use visible characters only (no control, zero-width or direction characters)")
    return value


def _visible(value: str) -> str:
    if any(ch in _INVISIBLE for ch in value):
        raise ValueError("use visible characters only (no control, zero-width or direction characters)")
    return value


# For names and other one-line labels people recognise each other by.
SingleLine = AfterValidator(_single_line)
# For free text: line breaks and tabs allowed, invisible characters not.
VisibleText = AfterValidator(_visible)

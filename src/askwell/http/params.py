"""Path and query parameters shared by pages and API routes, with bounds that keep bad input a 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from askwell.core.db import MAX_ID

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="A person's id")]
TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="A team's id")]
TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="An API token's id")]
InvitationId = Annotated[int, Path(ge=1, le=MAX_ID, description="An invitation's id")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="How many results to skip")]
AskId = Annotated[int, Path(ge=1, le=MAX_ID, description="An ask's id")]
OfferId = Annotated[int, Path(ge=1, le=MAX_ID, description="An offer's id")]
IntroId = Annotated[int, Path(ge=1, le=MAX_ID, description="An introduction's id")]


def parse_id(raw: str) -> int | None:
    """An id typed into a form or a query string, or None when it cannot be one."""
    raw = raw.strip()
    # ASCII digits only: str.isdigit() also accepts "²" and other digits that int() refuses.
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


__all__ = [
    "MAX_ID",
    "AskId",
    "Id",
    "IntroId",
    "InvitationId",
    "Limit",
    "OfferId",
    "Offset",
    "PersonId",
    "TeamId",
    "TokenId",
    "parse_id",
]

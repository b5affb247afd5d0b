"""Path and query parameters shared by the API routes, with bounds that keep bad input a 422."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# Ids are bounded so that a huge number is a 422, not an integer overflow inside the database driver.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="A person's id")]
TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="A team's id")]
TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="An API token's id")]
InvitationId = Annotated[int, Path(ge=1, le=MAX_ID, description="An invitation's id")]
Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="How many results to skip")]

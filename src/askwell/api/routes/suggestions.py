"""Who can help with an ask: suggestions with their reasons."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from askwell.http.deps import ApiActor, Ctx, Db, Now
from askwell.http.params import Id
from askwell.matching import service
from askwell.matching.schemas import SuggestionsRead

router = APIRouter(tags=["asks"])


@router.get(
    "/asks/{ask_id}/suggestions",
    response_model=SuggestionsRead,
    summary="Who can help with your ask, and why",
    responses={503: {"description": "The embedding model package is not installed"}},
)
def suggestions(
    ask_id: Id,
    db: Db,
    actor: ApiActor,
    now: Now,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=20, description="How many people, 1 to 20")] = 5,
) -> SuggestionsRead:
    """Only the asker sees them. Never the asker, people who opted out, or people who cannot see the ask."""
    # A GET never writes: vectors of a new ask are computed in memory; the embed job stores them.
    return service.suggest(
        db,
        actor=actor,
        ask_id=ask_id,
        now=now,
        encode=service.encoder(ctx.edges),
        limit=limit,
        persist=False,
    )

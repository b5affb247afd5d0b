"""``matching.embed``: keep stored embeddings of profiles and asks current, on a schedule.

Stale rows are found by comparing timestamps and then text hashes, so a run after no change costs a few
queries per organization and embeds nothing; each run embeds at most ``BATCH`` texts per organization
and kind, so a large import is worked through over successive runs instead of one long transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry
from askwell.matching import repository, service

EMBED = "matching.embed"
EVERY = timedelta(minutes=2)


def embed_stale(
    db: Session, *, now: datetime, encode: service.Encode, org_ids: list[int] | None = None
) -> int:
    """Embed changed profiles and asks of every (or the given) organization; returns vectors written."""
    written = 0
    for org_id in org_ids if org_ids is not None else repository.organization_ids(db):
        written += service.refresh_people(db, org_id=org_id, now=now, encode=encode)
        written += service.refresh_asks(db, org_id=org_id, now=now, encode=encode)
    return written


def _handler(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    org_id = payload.get("org_id")
    embed_stale(
        db,
        now=ctx.clock.now(),
        encode=service.encoder(ctx.services),
        org_ids=[int(org_id)] if org_id is not None else None,
    )


def register(registry: JobRegistry) -> None:
    # Deferred: embedding takes seconds; on SQLite the write lock is taken only to store the vectors.
    registry.add(EMBED, _handler, deferred=True)
    registry.schedule(EMBED, EVERY)

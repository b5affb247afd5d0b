"""``matching.embed``: keep stored embeddings of profiles and asks current, on a schedule; and
``matching.train_ranker``: retrain each organization's "who can help" ranker as its history grows.

Stale rows are found by comparing timestamps and then text hashes, so a run after no change costs a few
queries per organization and embeds nothing; each run looks at most ``BATCH`` texts per organization
and kind, so a large import is worked through over successive runs.

The job never holds a write lock while it encodes. It works in chunks of ``CHUNK`` texts: read the
stale texts (a transaction that takes no write lock on SQLite), end that read, encode with no
transaction open, then store the vectors in a short write transaction that checks each text is still
current. On SQLite, where one writer at a time holds the whole database, a sign-in (which writes a
session row) therefore waits at most for one chunk's few row writes, never for the model. Each chunk
is correct on its own (vectors are keyed by their text's hash), so a chunk committed by a worker that
then lost its lease, or by two workers at once, leaves nothing wrong behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.db import begin_read
from askwell.core.jobs import JobContext, JobRegistry
from askwell.matching import repository, service

EMBED = "matching.embed"
EVERY = timedelta(minutes=2)
TRAIN = "matching.train_ranker"
# History grows by a few helped asks a day; retraining nightly-ish keeps the ranker current cheaply.
TRAIN_EVERY = timedelta(hours=6)
# Texts per write transaction: one batch of the model (``service._model_encode`` encodes 64 at a time),
# and a few milliseconds of row writes on SQLite.
CHUNK = 64
KINDS = (repository.PERSON, repository.ASK)


def embed_stale(
    db: Session, *, now: datetime, encode: service.Encode, org_ids: list[int] | None = None
) -> int:
    """Embed changed profiles and asks in the caller's one transaction; returns vectors written.

    For callers that own a short-lived transaction anyway (the CLI, tests); the job uses
    ``embed_in_steps``, which never encodes while holding a write lock.
    """
    written = 0
    for org_id in org_ids if org_ids is not None else repository.organization_ids(db):
        written += service.refresh_people(db, org_id=org_id, now=now, encode=encode)
        written += service.refresh_asks(db, org_id=org_id, now=now, encode=encode)
    return written


def embed_in_steps(
    db: Session,
    *,
    now: datetime,
    encode: service.Encode,
    org_ids: list[int] | None = None,
    limit: int = service.BATCH,
    chunk: int = CHUNK,
) -> int:
    """Embed changed profiles and asks chunk by chunk, committing each chunk; returns vectors written.

    ``db`` must have no write transaction open: this function commits it, chunk after chunk.
    """
    if org_ids is None:
        begin_read(db)
        org_ids = repository.organization_ids(db)
        db.rollback()
    written = 0
    for org_id in org_ids:
        for kind in KINDS:
            looked = 0
            while looked < limit:
                begin_read(db)
                ids = service.stale_ids(db, org_id=org_id, owner_kind=kind, limit=min(chunk, limit - looked))
                texts = service.current_texts(db, org_id=org_id, owner_kind=kind, ids=ids, now=now)
                changed = service.texts_to_embed(db, org_id=org_id, owner_kind=kind, texts=texts)
                # End the read before encoding: no snapshot kept, no lock of any kind held meanwhile.
                db.rollback()
                if not ids:
                    break
                looked += len(ids)
                vectors = service.encode_texts(changed, encode=encode)
                written += service.store_vectors(
                    db, org_id=org_id, owner_kind=kind, texts=texts, vectors=vectors, now=now
                )
                db.commit()
    return written


def _handler(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    org_id = payload.get("org_id")
    embed_in_steps(
        db,
        now=ctx.clock.now(),
        encode=service.encoder(ctx.edges),
        org_ids=[int(org_id)] if org_id is not None else None,
    )


def train_rankers(db: Session, *, now: datetime, org_ids: list[int] | None = None) -> int:
    """Retrain each organization's ranker from its history, one short write per organization; returns how
    many organizations now have their own (the others use the packaged prior).

    ``db`` must have no write transaction open: the examples are gathered in a read, the fit runs with
    no transaction open, and only storing the model takes the write lock.
    """
    if org_ids is None:
        begin_read(db)
        org_ids = repository.organization_ids(db)
        db.rollback()
    trained = 0
    for org_id in org_ids:
        trained += int(service.train_ranker(db, org_id=org_id, now=now) is not None)
        db.commit()
    return trained


def _train_handler(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    org_id = payload.get("org_id")
    train_rankers(db, now=ctx.clock.now(), org_ids=[int(org_id)] if org_id is not None else None)


def register(registry: JobRegistry) -> None:
    # Deferred: the handler begins without the write lock and commits its own short write steps.
    registry.add(EMBED, _handler, deferred=True)
    registry.schedule(EMBED, EVERY)
    registry.add(TRAIN, _train_handler, deferred=True)
    registry.schedule(TRAIN, TRAIN_EVERY)

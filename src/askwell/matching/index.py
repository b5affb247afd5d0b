"""Per-organization in-memory indexes for "who can help", kept in step with the database.

Each cache entry carries the fingerprint of what it was built from (count, latest update and latest id
of the stored vectors), read with one aggregate query per request, so a change written by another app
process or the worker is picked up on the next request. A changed fingerprint is applied
incrementally: only vectors written since the entry's latest update are re-read and upserted.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from askwell.matching import repository
from askwell.matching.embeddings import DIMENSION
from askwell.matching.lexical import LexicalIndex
from askwell.matching.profiles import expertise_text
from askwell.matching.vector_index import IVFVectorIndex, VectorIndex, build_vector_index


@dataclass
class PeopleIndex:
    """Dense vectors of people's profiles and a BM25 index over the same profile texts."""

    key: tuple[Any, ...]
    vectors: VectorIndex | IVFVectorIndex
    texts: dict[int, str]
    lexical: LexicalIndex
    built_size: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def latest(self) -> datetime | None:
        return self.key[1]  # type: ignore[no-any-return]  # the cache key is a plain tuple whose second item is the latest change


@dataclass(frozen=True)
class HelpedAsks:
    """Past asks that someone helped with, as vectors, for the evidence of past help on similar asks."""

    key: tuple[Any, ...]
    ask_ids: list[int]
    vectors: np.ndarray
    helpers: list[list[tuple[int, bool, datetime]]]
    tags: dict[int, tuple[str, ...]]


_lock = threading.Lock()
# Keyed by (database, organization): one process may serve several databases (the test suite, a CLI
# tool), where organization ids repeat; an index built from one must never answer for another.
_people: dict[tuple[str, int], PeopleIndex] = {}
_helped: dict[tuple[str, int], HelpedAsks] = {}


def _cache_key(db: Session, org_id: int) -> tuple[str, int]:
    bind = db.get_bind()
    return (bind.engine.url.render_as_string(hide_password=True), org_id)


def _lexical(texts: dict[int, str]) -> LexicalIndex:
    ids = sorted(texts)
    return LexicalIndex(ids, [texts[i] for i in ids])


def _texts(db: Session, *, org_id: int, now: datetime, person_ids: list[int] | None) -> dict[int, str]:
    sources = repository.profile_sources(db, org_id=org_id, person_ids=person_ids)
    return {source.person_id: expertise_text(source, now=now) for source in sources}


def _build(db: Session, *, org_id: int, key: tuple[Any, ...], now: datetime) -> PeopleIndex:
    rows = repository.embeddings(db, org_id=org_id, owner_kind=repository.PERSON)
    ids = [row.owner_id for row in rows]
    matrix = (
        np.stack([repository.vector_of(row) for row in rows])
        if rows
        else np.zeros((0, DIMENSION), np.float32)
    )
    texts = _texts(db, org_id=org_id, now=now, person_ids=None)
    return PeopleIndex(key, build_vector_index(ids, matrix, dim=DIMENSION), texts, _lexical(texts), len(ids))


def _update(db: Session, entry: PeopleIndex, *, org_id: int, key: tuple[Any, ...], now: datetime) -> bool:
    """Apply vectors written since ``entry`` was built; False when a full rebuild is the safer answer."""
    if entry.latest is None or key[0] < len(entry.vectors) or key[0] > 2 * entry.built_size + 1000:
        return False
    rows = repository.embeddings(db, org_id=org_id, owner_kind=repository.PERSON, since=entry.latest)
    if rows:
        entry.vectors.upsert(
            [row.owner_id for row in rows], np.stack([repository.vector_of(row) for row in rows])
        )
    if len(entry.vectors) != key[0]:
        return False
    changed = [row.owner_id for row in rows]
    entry.texts.update(_texts(db, org_id=org_id, now=now, person_ids=changed))
    entry.lexical = _lexical(entry.texts)
    entry.key = key
    return True


def people_index(db: Session, *, org_id: int, now: datetime) -> PeopleIndex:
    key = repository.embedding_key(db, org_id=org_id, owner_kind=repository.PERSON)
    slot = _cache_key(db, org_id)
    with _lock:
        entry = _people.get(slot)
    if entry is not None and entry.key == key:
        return entry
    if entry is not None:
        with entry.lock:
            if entry.key == key or _update(db, entry, org_id=org_id, key=key, now=now):
                return entry
    fresh = _build(db, org_id=org_id, key=key, now=now)
    with _lock:
        _people[slot] = fresh
    return fresh


def helped_asks(db: Session, *, org_id: int) -> HelpedAsks:
    key = repository.helped_asks_key(db, org_id=org_id)
    slot = _cache_key(db, org_id)
    with _lock:
        entry = _helped.get(slot)
    if entry is not None and entry.key == key:
        return entry
    by_ask: dict[int, list[tuple[int, bool, datetime]]] = defaultdict(list)
    for helper_id, records in repository.help_records(db, org_id=org_id).items():
        for ask_id, record in records:
            if record.helped_at is not None:
                by_ask[ask_id].append((helper_id, record.thanked, record.helped_at))
    rows = repository.embeddings(db, org_id=org_id, owner_kind=repository.ASK, owner_ids=by_ask)
    ask_ids = [row.owner_id for row in rows]
    vectors = (
        np.stack([repository.vector_of(row) for row in rows])
        if rows
        else np.zeros((0, DIMENSION), np.float32)
    )
    entry = HelpedAsks(
        key,
        ask_ids,
        vectors,
        [by_ask[a] for a in ask_ids],
        repository.tags_of(db, org_id=org_id, ask_ids=ask_ids),
    )
    with _lock:
        _helped[slot] = entry
    return entry


def forget(org_id: int | None = None) -> None:
    """Drop cached indexes (all of them, or one organization's): tests and imports use it."""
    with _lock:
        if org_id is None:
            _people.clear()
            _helped.clear()
        else:
            for cache in (_people, _helped):
                for slot in [slot for slot in cache if slot[1] == org_id]:
                    del cache[slot]

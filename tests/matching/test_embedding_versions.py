"""Vectors of two model versions are never compared: a version change re-embeds, it does not mix."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.matching import embeddings, repository, service
from askwell.matching.embeddings import Backend
from askwell.matching.models import Embedding
from tests.conftest import World
from tests.matching.conftest import FakeEncoder


def test_switching_precision_re_embeds_everyone_and_reads_only_the_new_version(
    db: Session, world: World, fake_encode: FakeEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = world.org()
    kim = world.person(org, "Kim", skills=["Kubernetes"])
    world.person(org, "Pat", skills=["Copywriting"])
    refresh = lambda: service.refresh_people(db, org_id=org.id, now=world.now, encode=fake_encode)  # noqa: E731
    fp32, bf16 = Backend("cpu", "fp32"), Backend("cpu", "bf16")

    monkeypatch.setattr(embeddings, "backend", lambda: fp32)
    assert refresh() == 2
    assert refresh() == 0
    assert len(repository.embeddings(db, org_id=org.id, owner_kind=repository.PERSON)) == 2

    monkeypatch.setattr(embeddings, "backend", lambda: bf16)
    # Before the refresh, the float32 rows are not handed out as if they were bf16 vectors.
    assert repository.embeddings(db, org_id=org.id, owner_kind=repository.PERSON) == []
    assert refresh() == 2
    rows = db.scalars(select(Embedding).where(Embedding.org_id == org.id)).all()
    assert {row.model_version for row in rows} == {bf16.version}
    assert kim.id in {row.owner_id for row in rows} and len(rows) == 2
    assert refresh() == 0

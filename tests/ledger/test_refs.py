"""Every ledger entry says what it is about as a typed reference, and every kind knows which."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from askwell.ledger import repository
from askwell.ledger.models import REF_OF, EntryKind, RefKind, entry_ref
from askwell.ledger.service import record
from askwell.network.jobs import LEARNED
from tests.conftest import World


def test_every_kind_has_its_reference_kind() -> None:
    assert set(REF_OF) == set(EntryKind)


def test_the_network_learns_from_kinds_the_ledger_defines() -> None:
    assert set(LEARNED) <= set(EntryKind)
    assert all(isinstance(kind, EntryKind) for kind in LEARNED)


@pytest.mark.parametrize(
    ("kind", "columns", "expected"),
    [
        (EntryKind.ASK_OPENED, {"ask_id": 4, "offer_id": None, "data": {}}, (RefKind.ASK, 4)),
        (EntryKind.HELP_GIVEN, {"ask_id": 4, "offer_id": 9, "data": {}}, (RefKind.OFFER, 9)),
        (
            EntryKind.INTRODUCTION,
            {"ask_id": 4, "offer_id": None, "data": {"introduction_id": 2}},
            (RefKind.INTRODUCTION, 2),
        ),
        (EntryKind.INTRODUCTION, {"ask_id": 4, "offer_id": None, "data": {"introduction_id": True}}, None),
        (EntryKind.THANKS, {"ask_id": 4, "offer_id": None, "data": {}}, None),
        # Rings and stand-ups pass their reference themselves: nothing to derive it from.
        (EntryKind.RING_MATCH, {"ask_id": None, "offer_id": None, "data": {}}, None),
    ],
)
def test_the_reference_comes_from_the_columns_the_kind_uses(
    kind: EntryKind, columns: dict, expected: tuple[RefKind, int] | None
) -> None:
    assert entry_ref(kind, **columns) == expected


class TestRecord:
    def test_an_entry_records_its_reference(self, db: Session, world: World) -> None:
        org = world.org()
        entry = record(
            db,
            org_id=org.id,
            kind=EntryKind.OFFER_MADE,
            actor_id=1,
            subject_id=2,
            ask_id=3,
            offer_id=4,
            at=world.now,
        )
        assert (entry.ref_kind, entry.ref_id) == ("offer", 4)

    def test_a_reference_passed_in_wins(self, db: Session, world: World) -> None:
        org = world.org()
        entry = record(
            db,
            org_id=org.id,
            kind=EntryKind.RING_MATCH,
            actor_id=1,
            subject_id=2,
            at=world.now,
            ref=(RefKind.RING, 12),
        )
        assert (entry.ref_kind, entry.ref_id) == ("ring", 12)

    def test_entries_about_one_thing_stay_in_its_organization(self, db: Session, world: World) -> None:
        acme, globex = world.org("Acme"), world.org("Globex")
        kinds = (EntryKind.OFFER_MADE, EntryKind.OFFER_ACCEPTED, EntryKind.HELP_GIVEN)
        mine = [
            record(db, org_id=acme.id, kind=k, actor_id=1, ask_id=3, offer_id=4, at=world.now) for k in kinds
        ]
        record(
            db, org_id=globex.id, kind=EntryKind.OFFER_MADE, actor_id=1, ask_id=3, offer_id=4, at=world.now
        )
        record(db, org_id=acme.id, kind=EntryKind.OFFER_MADE, actor_id=1, ask_id=3, offer_id=5, at=world.now)

        found = repository.entries_about(db, org_id=acme.id, ref_kind=RefKind.OFFER, ref_id=4)

        assert [e.id for e in found] == [e.id for e in mine]

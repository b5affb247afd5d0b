"""`erase_person`: what goes, what stays, and that counts and other organizations are untouched."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.accounts.models import ApiToken, WebSession
from askwell.asks import transfer as asks_transfer
from askwell.asks.models import Ask, AskStatus, AskTag, Offer, OfferStatus, Thanks
from askwell.asks.privacy import ERASED_TEXT
from askwell.core.db import Base
from askwell.core.errors import PermissionDenied
from askwell.core.jobs import DONE, Job, enqueue
from askwell.ledger.models import LedgerEntry
from askwell.matching.models import Embedding
from askwell.network import transfer as network_transfer
from askwell.network.models import Introduction, Tie
from askwell.notifications.models import Notification
from askwell.people import service as people_service
from askwell.people import transfer as people_transfer
from askwell.people.models import Person, PersonSkill, Role, TeamMembership
from askwell.people.privacy import FORMER_MEMBER, placeholder_email
from askwell.people.transfer import export_org, import_org
from askwell.privacy.service import erase_person
from tests.conftest import World, system_actor
from tests.notifications.support import texts
from tests.privacy.conftest import Scene


def _org_rows(db: Session, org_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that belongs to one organization, for before/after comparisons."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table in Base.metadata.sorted_tables:
        if "org_id" in table.c:
            found = db.execute(select(table).where(table.c.org_id == org_id)).all()
            rows[table.name] = sorted((tuple(r) for r in found), key=repr)
    return rows


def _aggregates(db: Session, org_id: int) -> dict[str, Any]:
    """What insights add up: row counts of the kept tables and the ledger per kind and person."""
    counts = {
        model.__tablename__: db.scalar(select(func.count()).select_from(model).where(model.org_id == org_id))
        for model in (Person, Ask, Offer, Thanks, LedgerEntry)
    }
    per_person = db.execute(
        select(LedgerEntry.kind, LedgerEntry.actor_id, LedgerEntry.subject_id, func.count())
        .where(LedgerEntry.org_id == org_id)
        .group_by(LedgerEntry.kind, LedgerEntry.actor_id, LedgerEntry.subject_id)
    ).all()
    hours = db.scalar(select(func.sum(Offer.hours)).where(Offer.org_id == org_id))
    return {**counts, "ledger": sorted(tuple(r) for r in per_person), "hours": hours}


def _erase(db: Session, scene: Scene, world: World, person: Person | None = None) -> Person:
    erased = erase_person(
        db, actor=system_actor(scene.org), person_id=(person or scene.alice).id, now=world.now
    )
    db.commit()
    return erased


class TestErasePerson:
    def test_profile_and_credentials_go(self, db: Session, scene: Scene, world: World) -> None:
        alice_id = scene.alice.id
        _erase(db, scene, world)
        person = db.get(Person, alice_id)
        assert person is not None
        assert (person.name, person.email, person.title) == (FORMER_MEMBER, placeholder_email(alice_id), "")
        assert (person.is_active, person.suggestible, person.password_hash) == (False, False, None)
        assert person.role == Role.MEMBER.value
        assert "alice" not in person.search_text
        for model in (PersonSkill, TeamMembership, WebSession, ApiToken):
            assert db.scalar(select(func.count()).select_from(model).where(model.person_id == alice_id)) == 0

    def test_their_words_are_replaced_and_others_words_stay(
        self, db: Session, scene: Scene, world: World
    ) -> None:
        _erase(db, scene, world)
        ask = db.get(Ask, scene.alice_ask.id)
        assert ask is not None
        assert (ask.title, ask.body, ask.status) == (ERASED_TEXT, "", AskStatus.WITHDRAWN.value)
        assert db.scalars(select(AskTag).where(AskTag.ask_id == ask.id)).all() == []
        offers = {o.helper_id: o for o in db.scalars(select(Offer).where(Offer.org_id == scene.org.id))}
        assert offers[scene.alice.id].message == ERASED_TEXT
        assert offers[scene.alice.id].status == OfferStatus.DONE.value  # history kept, only words go
        assert offers[scene.bob.id].message == "Happy to review it."
        notes = {t.from_id: t.note for t in db.scalars(select(Thanks).where(Thanks.org_id == scene.org.id))}
        assert notes == {scene.alice.id: ERASED_TEXT, scene.bob.id: "Thank you, the controls list is done."}
        bob_ask = db.get(Ask, scene.bob_ask.id)
        assert bob_ask is not None and bob_ask.title.startswith("Bob wants help")

    def test_notifications_ties_and_vectors(self, db: Session, scene: Scene, world: World) -> None:
        org, alice = scene.org.id, scene.alice.id
        mentioning = select(Notification).where(Notification.org_id == org, Notification.actor_id == alice)
        assert db.scalars(mentioning).all(), "the scene must notify Bob about Alice's offer"
        _erase(db, scene, world)
        assert db.scalars(select(Notification).where(Notification.person_id == alice)).all() == []
        recipients = set(db.scalars(select(Notification.person_id).where(Notification.org_id == org)))
        assert recipients, "someone must still have notifications about Alice"
        for person in db.scalars(select(Person).where(Person.id.in_(recipients))):
            for text in texts(db, world, person):  # as the inbox and the API render them now
                assert "Alice" not in text
                assert "Kafka retry" not in text
        assert [n.actor_id for n in db.scalars(mentioning)] != []  # the ids stay
        assert db.scalars(select(Tie).where(Tie.org_id == org)).all() == []
        assert db.scalars(select(Introduction).where(Introduction.org_id == org)).all() == []
        vectors = db.execute(
            select(Embedding.owner_kind, Embedding.owner_id).where(Embedding.org_id == org)
        ).all()
        assert sorted(vectors) == sorted([("person", scene.bob.id), ("ask", scene.bob_ask.id)])

    def test_aggregates_and_ledger_are_unchanged(self, db: Session, scene: Scene, world: World) -> None:
        before = _aggregates(db, scene.org.id)
        ledger = _org_rows(db, scene.org.id)["ledger_entries"]
        _erase(db, scene, world)
        assert _aggregates(db, scene.org.id) == before
        assert _org_rows(db, scene.org.id)["ledger_entries"] == ledger

    def test_other_organization_untouched(self, db: Session, scene: Scene, world: World) -> None:
        before = _org_rows(db, scene.other_org.id)
        _erase(db, scene, world)
        assert _org_rows(db, scene.other_org.id) == before

    def test_idempotent(self, db: Session, scene: Scene, world: World) -> None:
        _erase(db, scene, world)
        once = _org_rows(db, scene.org.id)
        _erase(db, scene, world)
        assert _org_rows(db, scene.org.id) == once

    def test_member_may_not_erase(self, db: Session, scene: Scene, world: World) -> None:
        with pytest.raises(PermissionDenied):
            erase_person(db, actor=world.actor(scene.bob), person_id=scene.alice.id, now=world.now)

    def test_person_of_another_org_not_found(self, db: Session, scene: Scene, world: World) -> None:
        before = _org_rows(db, scene.other_org.id)
        with pytest.raises(Exception, match="No such person"):
            erase_person(db, actor=system_actor(scene.org), person_id=scene.other_alice.id, now=world.now)
        db.rollback()
        assert _org_rows(db, scene.other_org.id) == before

    def test_last_admin_refused_and_nothing_changes(self, db: Session, scene: Scene, world: World) -> None:
        before = _org_rows(db, scene.org.id)
        with pytest.raises(PermissionDenied, match="last admin"):
            erase_person(db, actor=system_actor(scene.org), person_id=scene.admin.id, now=world.now)
        db.rollback()
        assert _org_rows(db, scene.org.id) == before

    def test_an_admin_with_another_admin_can_be_erased(self, db: Session, scene: Scene, world: World) -> None:
        people_service.change_role(
            db, actor=system_actor(scene.org), person_id=scene.bob.id, role=Role.ADMIN, now=world.now
        )
        erased = _erase(db, scene, world, scene.admin)
        assert (erased.name, erased.role, erased.is_active) == (FORMER_MEMBER, Role.MEMBER.value, False)


class TestEraseForgetsEmails:
    def test_emails_to_them_go_and_others_stay(self, db: Session, scene: Scene, world: World) -> None:
        alice, bob, other = scene.alice.email, scene.bob.email, scene.other_alice.email
        # The scene has queued notification emails already; these add a sent one and odd casing.
        for to, org in [
            (alice, scene.org.id),
            (alice.upper(), scene.org.id),
            (bob, scene.org.id),
            (other, scene.other_org.id),
        ]:
            enqueue(db, "email.send", {"to": to, "subject": "Hi", "body": "Hello"}, now=world.now, org_id=org)
        done = enqueue(db, "notifications.email", {"to": alice}, now=world.now, org_id=scene.org.id)
        assert done is not None
        done.status = DONE
        db.commit()
        _erase(db, scene, world)
        left = {j.payload["to"].lower() for j in db.scalars(select(Job)) if "to" in j.payload}
        assert alice not in left
        assert {bob, other} <= left


class TestErasedPersonTravels:
    def test_organization_export_and_import_keep_the_former_member(
        self, db: Session, scene: Scene, world: World
    ) -> None:
        """The placeholder address is not a deliverable email, yet an export must import again."""
        _erase(db, scene, world)
        sections = [*people_transfer.SECTIONS, *asks_transfer.SECTIONS, *network_transfer.SECTIONS]
        document = export_org(db, org_id=scene.org.id, sections=sections)
        copy = import_org(db, document=document, now=world.now, slug="copy", sections=sections)
        again = export_org(db, org_id=copy.id, sections=sections)
        assert {**again, "organization": None} == {**document, "organization": None}
        assert placeholder_email(scene.alice.id) in {p["email"] for p in again["people"]}

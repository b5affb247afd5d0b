"""Asks (with their edit history), offers, thanks, the ledger, ties, notifications and pending
invitations travel with an organization export, and come back identical; credentials do not."""

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from askwell.accounts.models import ApiToken, Invitation, InvitationTeam, PasswordReset, WebSession
from askwell.accounts.secrets import new_token, token_hash
from askwell.accounts.service import pending_invitation
from askwell.asks.models import Ask, AskRevision, Offer, Thanks
from askwell.cli.transfer import SECTIONS
from askwell.core.errors import InvalidInput
from askwell.demo.build import create_demo
from askwell.ledger.models import LedgerEntry
from askwell.network.models import Introduction, Tie
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Organization, Person, Team
from askwell.people.transfer import export_org, import_org
from tests.conftest import NOW


def test_export_import_export_is_identical_with_the_asks_history(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=20, slug="src", password_hash="x").org
    first = export_org(db, org_id=source.id, sections=SECTIONS)
    assert first["asks"]
    assert any(o["thanks"] for a in first["asks"] for o in a["offers"])
    copy = import_org(db, document=first, now=NOW, slug="copy", sections=SECTIONS)
    second = export_org(db, org_id=copy.id, sections=SECTIONS)
    assert {**second, "organization": None} == {**first, "organization": None}
    assert first["ties"]
    for model in (Ask, Thanks, LedgerEntry, Tie):
        counts = [
            db.scalar(select(func.count()).select_from(model).where(model.org_id == org.id))
            for org in (source, copy)
        ]
        assert counts[0] == counts[1] > 0


def test_an_ask_naming_an_unknown_person_is_refused_before_anything_is_written(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=10, slug="src2", password_hash="x").org
    document = export_org(db, org_id=source.id, sections=SECTIONS)
    document["asks"][0]["author"] = "ghost@example.com"
    before = db.scalar(select(func.count()).select_from(Ask))
    with pytest.raises(InvalidInput, match=r"ghost@example\.com"):
        import_org(db, document=document, now=NOW, slug="copy2", sections=SECTIONS)
    assert db.scalar(select(func.count()).select_from(Ask)) == before


def _seed_history(db: Session, org: Organization) -> dict[str, str]:
    """An edited ask, read and unread notifications linking to rows, invitations in every state and
    credentials; returns the secrets (raw tokens and hashes) the test looks for."""
    people = list(db.scalars(select(Person).where(Person.org_id == org.id).order_by(Person.email)))
    team = db.scalars(select(Team).where(Team.org_id == org.id).order_by(Team.slug)).first()
    ask = db.scalars(select(Ask).where(Ask.org_id == org.id).order_by(Ask.created_at, Ask.id)).first()
    assert team is not None
    assert ask is not None
    me, other = people[0], people[1]
    intro = Introduction(
        org_id=org.id, asker_id=me.id, connector_id=other.id, target_id=people[2].id, created_at=NOW
    )
    db.add(intro)
    db.flush()
    db.add(
        AskRevision(
            org_id=org.id,
            ask_id=ask.id,
            version=1,
            snapshot={"title": "Before the edit", "team_id": team.id, "tags": ["x"], "due_at": None},
            edited_by_id=ask.author_id,
            edited_at=NOW,
        )
    )
    offer = db.scalars(select(Offer).where(Offer.org_id == org.id).order_by(Offer.id)).first()
    assert offer is not None
    k = NotificationKind
    db.add_all(
        [
            # Rows with stored words (written before notifications kept ids), one per kind of row named.
            Notification(
                org_id=org.id,
                person_id=me.id,
                kind=k.NEW_OFFER.value,
                text="read one",
                ask_id=ask.id,
                actor_id=other.id,
                created_at=NOW,
                read_at=NOW + timedelta(hours=1),
            ),
            Notification(
                org_id=org.id,
                person_id=me.id,
                kind=k.INTRO_REQUESTED.value,
                text="unread intro",
                intro_id=intro.id,
                created_at=NOW + timedelta(minutes=1),
            ),
            Notification(
                org_id=org.id,
                person_id=other.id,
                kind=k.RECONNECT.value,
                text="a person",
                actor_id=me.id,
                note="coffee next week?",
                created_at=NOW + timedelta(minutes=2),
            ),
            Notification(
                org_id=org.id,
                person_id=other.id,
                kind=k.RECONNECT_NUDGE.value,
                text="plain",
                subject_id=me.id,
                created_at=NOW + timedelta(minutes=3),
            ),
            # A row of today: ids only, its words written when read.
            Notification(
                org_id=org.id,
                person_id=offer.helper_id,
                kind=k.OFFER_ACCEPTED.value,
                ask_id=offer.ask_id,
                offer_id=offer.id,
                actor_id=me.id,
                created_at=NOW + timedelta(minutes=4),
            ),
        ]
    )
    secrets = {"invite": new_token()}
    for label, accepted, revoked in (
        ("pending", None, None),
        ("accepted", NOW, None),
        ("revoked", None, NOW),
    ):
        token = secrets["invite"] if label == "pending" else new_token()
        inv = Invitation(
            org_id=org.id,
            email=f"{label}@invited.example",
            name=label.title(),
            role="member",
            token_hash=token_hash(token),
            invited_by_id=me.id,
            created_at=NOW,
            expires_at=NOW + timedelta(days=7),
            accepted_at=accepted,
            revoked_at=revoked,
        )
        db.add(inv)
        db.flush()
        db.add(InvitationTeam(org_id=org.id, invitation_id=inv.id, team_id=team.id))
    for name, row in (
        (
            "session",
            WebSession(
                org_id=org.id,
                person_id=me.id,
                token_hash=token_hash("s-" + new_token()),
                created_at=NOW,
                expires_at=NOW + timedelta(days=1),
            ),
        ),
        (
            "api",
            ApiToken(
                org_id=org.id,
                person_id=me.id,
                name="ci",
                prefix="aw_x",
                token_hash=token_hash("a-" + new_token()),
                created_at=NOW,
            ),
        ),
        (
            "reset",
            PasswordReset(
                org_id=org.id,
                person_id=me.id,
                token_hash=token_hash("r-" + new_token()),
                created_at=NOW,
                expires_at=NOW + timedelta(hours=1),
            ),
        ),
    ):
        db.add(row)
        secrets[name] = row.token_hash
    db.flush()
    return secrets


def test_notifications_revisions_and_pending_invitations_survive_export_import(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=20, slug="hist", password_hash="x").org
    secrets = _seed_history(db, source)
    first = export_org(db, org_id=source.id, sections=SECTIONS)

    # Credentials stay behind: no session, API token or reset hash, and no raw token, in the file.
    text = json.dumps(first)
    for name in ("session", "api", "reset", "invite"):
        assert secrets[name] not in text, name
    assert [i["email"] for i in first["invitations"]] == ["pending@invited.example"]

    copy = import_org(db, document=first, now=NOW, slug="hist-copy", sections=SECTIONS)
    second = export_org(db, org_id=copy.id, sections=SECTIONS)
    invitation_copy = second.pop("invitations")
    assert {k: v for k, v in second.items() if k != "organization"} == {
        k: v for k, v in first.items() if k not in ("organization", "invitations")
    }

    # The rows themselves, in the copy: read state and every id remapped to the copy's rows.
    def notes(org_id: int) -> list[Any]:
        return db.execute(
            select(
                Person.email,
                Notification.text,
                Notification.read_at,
                Notification.ask_id,
                Notification.intro_id,
                Notification.actor_id,
                Notification.subject_id,
                Notification.offer_id,
                Notification.note,
                Notification.created_at,
            )
            .join(Person, (Person.org_id == Notification.org_id) & (Person.id == Notification.person_id))
            .where(Notification.org_id == org_id)
            .order_by(Notification.created_at)
        ).all()

    src_notes = notes(source.id)
    copy_notes = notes(copy.id)
    assert len(copy_notes) == len(src_notes) > 0
    # Same people, texts and read state (notifications made in the same instant have no order).
    assert sorted((r[0], str(r[1]), str(r[2]), str(r[8])) for r in copy_notes) == sorted(
        (r[0], str(r[1]), str(r[2]), str(r[8])) for r in src_notes
    )
    copy_ask = db.scalars(select(Ask).where(Ask.org_id == copy.id).order_by(Ask.created_at, Ask.id)).first()
    assert copy_ask is not None
    read_one = next(r for r in copy_notes if r[1] == "read one")
    assert read_one[2] is not None
    assert read_one[3] == copy_ask.id
    copy_intro_ids = set(db.scalars(select(Introduction.id).where(Introduction.org_id == copy.id)))
    assert next(r[4] for r in copy_notes if r[1] == "unread intro") in copy_intro_ids
    first_person = db.scalars(select(Person).where(Person.org_id == copy.id).order_by(Person.email)).first()
    assert first_person is not None
    assert next(r[5] for r in copy_notes if r[1] == "a person") == first_person.id
    assert next(r[6] for r in copy_notes if r[1] == "plain") == first_person.id
    # The acceptance planted above (the demo's own history has others by the same person).
    [accepted] = [
        r
        for r in copy_notes
        if r[1] is None
        and r[7] is not None
        and r[5] == first_person.id
        and r[9] == NOW + timedelta(minutes=4)
    ]
    copy_offer = db.get(Offer, accepted[7])
    assert copy_offer is not None and (copy_offer.org_id, copy_offer.ask_id) == (copy.id, accepted[3])

    revision = db.scalars(select(AskRevision).where(AskRevision.org_id == copy.id)).one()
    copy_team = db.scalars(select(Team).where(Team.org_id == copy.id).order_by(Team.slug)).first()
    assert copy_team is not None
    assert (revision.ask_id, revision.version) == (copy_ask.id, 1)
    assert revision.snapshot["team_id"] == copy_team.id
    assert revision.snapshot["title"] == "Before the edit"

    # The original still holds the link, so the copy's invitation gets a token nobody has ...
    assert [{**i, "token_hash": None} for i in invitation_copy] == [
        {**i, "token_hash": None} for i in first["invitations"]
    ]
    assert invitation_copy[0]["token_hash"] != first["invitations"][0]["token_hash"]
    assert invitation_copy[0]["teams"] == [copy_team.slug]
    assert pending_invitation(db, token=secrets["invite"], now=NOW).org_id == source.id


def test_a_document_from_before_notifications_kept_ids_still_loads(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=10, slug="older", password_hash="x").org
    _seed_history(db, source)
    document = export_org(db, org_id=source.id, sections=SECTIONS)
    older = next(n for n in document["notifications"] if n["text"] == "unread intro")
    # The shape such documents had: words, and the row a link led to.
    older.pop("intro")
    older["target"] = {"kind": "introductions", "ref": "1", "rest": ""}

    copy = import_org(db, document=document, now=NOW, slug="older-copy", sections=SECTIONS)

    intro_id = db.scalar(
        select(Notification.intro_id).where(
            Notification.org_id == copy.id, Notification.text == "unread intro"
        )
    )
    first_intro = db.scalars(
        select(Introduction.id)
        .where(Introduction.org_id == copy.id)
        .order_by(Introduction.created_at, Introduction.id)
    ).first()
    assert intro_id is not None and intro_id == first_intro


def test_a_moved_organization_keeps_its_invitation_links_working(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=10, slug="moving", password_hash="x").org
    secrets = _seed_history(db, source)
    document = export_org(db, org_id=source.id, sections=SECTIONS)
    # Moved, not copied: the old installation's invitations are gone.
    db.execute(delete(Invitation).where(Invitation.org_id == source.id))

    moved = import_org(db, document=document, now=NOW, slug="moved", sections=SECTIONS)

    invitation = pending_invitation(db, token=secrets["invite"], now=NOW)
    assert (invitation.org_id, invitation.email) == (moved.id, "pending@invited.example")
    team_ids = set(
        db.scalars(select(InvitationTeam.team_id).where(InvitationTeam.invitation_id == invitation.id))
    )
    assert team_ids == set(
        db.scalars(
            select(Team.id).where(
                Team.org_id == moved.id, Team.slug == document["invitations"][0]["teams"][0]
            )
        )
    )


@pytest.mark.parametrize(
    ("section", "field", "value", "problem"),
    [
        ("invitations", "teams", ["no-such-team"], r"invitations\.0\.teams: no team 'no-such-team'"),
        ("notifications", "person", "ghost@example.com", r"notifications\.0: no person 'ghost@example\.com'"),
    ],
)
def test_new_sections_naming_unknown_rows_are_refused_before_anything_is_written(
    db: Session, section: str, field: str, value: object, problem: str
) -> None:
    source = create_demo(db, now=NOW, seed=4, size=10, slug="refs", password_hash="x").org
    _seed_history(db, source)
    document = export_org(db, org_id=source.id, sections=SECTIONS)
    document[section][0][field] = value
    before = db.scalar(select(func.count()).select_from(Organization))
    with pytest.raises(InvalidInput, match=problem):
        import_org(db, document=document, now=NOW, slug="refs-copy", sections=SECTIONS)
    assert db.scalar(select(func.count()).select_from(Organization)) == before

"""Notification settings decide what is queued for email, and the digest job gathers the rest once a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.core.jobs import Job
from askwell.http.links import path_for
from askwell.notifications import repository
from askwell.notifications.jobs import send_digests
from askwell.notifications.models import NotificationKind
from askwell.notifications.preferences import Channel, Event
from askwell.notifications.service import mark_read
from askwell.people.models import Person
from tests.conftest import World
from tests.notifications.support import choose, tell


def emails(db: Session) -> list[Job]:
    db.expire_all()
    return list(db.scalars(select(Job).where(Job.kind == "notifications.email").order_by(Job.id)))


class TestSingleEmails:
    def test_by_default_each_notification_is_queued_for_email(self, db: Session, world: World) -> None:
        ada = world.person(world.org(), "Ada")
        note_id = tell(db, world, ada, NotificationKind.THANKS, "Grace thanked you")
        [job] = emails(db)
        # Only the id: the email is written when it is sent, as the reader may see it then.
        assert job.payload == {"notification_id": note_id}

    def test_an_event_set_to_inbox_only_queues_no_email(self, db: Session, world: World) -> None:
        ada = world.person(world.org(), "Ada")
        choose(db, world, ada, events={"thanks": "inbox"})
        tell(db, world, ada, NotificationKind.THANKS, "Grace thanked you")
        assert emails(db) == []
        assert [n.text for n in repository.inbox(db, org_id=ada.org_id, person_id=ada.id)] == [
            "Grace thanked you"
        ]

    def test_with_the_digest_nothing_is_queued_at_once(self, db: Session, world: World) -> None:
        ada = world.person(world.org(), "Ada")
        choose(db, world, ada, digest=True)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Grace offered to help")
        assert emails(db) == []


class TestUpdate:
    def test_only_what_is_sent_changes(self, db: Session, world: World) -> None:
        ada = world.person(world.org(), "Ada")
        choose(db, world, ada, events={"thanks": "inbox", "offers": "inbox"})
        choose(db, world, ada, events={"offers": "email"}, digest=True)
        prefs = repository.preferences(db, org_id=ada.org_id, person_id=ada.id)
        assert prefs.channel(Event.THANKS) is Channel.INBOX
        assert prefs.channel(Event.OFFERS) is Channel.EMAIL
        assert prefs.digest

    def test_one_persons_settings_are_theirs_alone(self, db: Session, world: World) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        choose(db, world, ada, events={"thanks": "inbox"}, digest=True)
        prefs = repository.preferences(db, org_id=org.id, person_id=grace.id)
        assert prefs.channel(Event.THANKS) is Channel.EMAIL
        assert not prefs.digest


class TestDigest:
    """world.now is Monday 2 March, 09:30 UTC: 10:30 in Berlin, within the morning digest hours."""

    def berliner(self, db: Session, world: World, name: str = "Ada") -> Person:
        person = world.person(world.org(), name)
        person.timezone = "Europe/Berlin"
        db.commit()
        return person

    def test_one_digest_with_the_unread_items_wanted_by_email(self, db: Session, world: World) -> None:
        ada = self.berliner(db, world)
        choose(db, world, ada, at_hours_ago=24, digest=True, events={"thanks": "inbox"})
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Grace offered to help", hours_ago=3)
        tell(db, world, ada, NotificationKind.OFFER_DONE, "Grace marked her help done", hours_ago=2)
        tell(db, world, ada, NotificationKind.THANKS, "Linus thanked you", hours_ago=2)  # inbox only
        read = tell(db, world, ada, NotificationKind.ASKED_DIRECTLY, "Hank asked you", hours_ago=1)
        mark_read(db, org_id=ada.org_id, person_id=ada.id, now=world.now, notification_id=read)

        assert send_digests(db, now=world.now, base_url="https://askwell.example", path_for=path_for) == 1
        db.commit()

        [job] = emails(db)
        body = job.payload["body"]
        assert job.payload["to"] == ada.email
        assert job.payload["subject"] == "Askwell: 2 unread notifications today"
        assert "Grace offered to help" in body and "Grace marked her help done" in body
        assert "Linus thanked you" not in body  # opted out of email
        assert "Hank asked you" not in body  # already read
        assert "- 2 Mar, 07:30  Grace offered to help" in body  # 06:30 UTC on a Berlin clock

    def test_runs_once_a_day_however_often_the_job_runs(self, db: Session, world: World) -> None:
        ada = self.berliner(db, world)
        choose(db, world, ada, at_hours_ago=24, digest=True)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Grace offered to help", hours_ago=1)
        assert send_digests(db, now=world.now, base_url="", path_for=path_for) == 1
        assert send_digests(db, now=world.now + timedelta(minutes=15), base_url="", path_for=path_for) == 0
        db.commit()
        assert len(emails(db)) == 1

    def test_the_next_digest_covers_only_what_came_after(self, db: Session, world: World) -> None:
        ada = self.berliner(db, world)
        choose(db, world, ada, at_hours_ago=24, digest=True)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "First offer", hours_ago=1)
        send_digests(db, now=world.now, base_url="", path_for=path_for)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Second offer", hours_ago=-3)
        assert send_digests(db, now=world.now + timedelta(days=1), base_url="", path_for=path_for) == 1
        db.commit()
        first, second = emails(db)
        assert "First offer" in first.payload["body"]
        assert "Second offer" in second.payload["body"]
        assert "First offer" not in second.payload["body"]

    def test_not_before_eight_on_their_own_clock(self, db: Session, world: World) -> None:
        ada = world.person(world.org(), "Ada")
        ada.timezone = "America/New_York"  # 04:30 there
        db.commit()
        choose(db, world, ada, at_hours_ago=24, digest=True)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Grace offered to help", hours_ago=1)
        assert send_digests(db, now=world.now, base_url="", path_for=path_for) == 0
        assert send_digests(db, now=world.now + timedelta(hours=4), base_url="", path_for=path_for) == 1

    def test_nothing_unread_sends_nothing(self, db: Session, world: World) -> None:
        ada = self.berliner(db, world)
        choose(db, world, ada, at_hours_ago=24, digest=True)
        assert send_digests(db, now=world.now, base_url="", path_for=path_for) == 0
        assert emails(db) == []

    def test_turning_the_digest_on_starts_it_tomorrow(self, db: Session, world: World) -> None:
        """What came before was already emailed one by one; the first digest must not repeat it."""
        ada = self.berliner(db, world)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Grace offered to help", hours_ago=1)
        choose(db, world, ada, digest=True)
        assert send_digests(db, now=world.now, base_url="", path_for=path_for) == 0
        assert len(emails(db)) == 1  # the single email sent before the switch

    def test_people_without_the_digest_get_none(self, db: Session, world: World) -> None:
        ada = self.berliner(db, world)
        tell(db, world, ada, NotificationKind.NEW_OFFER, "Grace offered to help", hours_ago=1)
        assert send_digests(db, now=world.now, base_url="", path_for=path_for) == 0

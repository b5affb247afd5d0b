"""The 30–45-day practice: starting one (with its stored baseline), one at a time, the report before
vs during, the lead's private line, the retro, the weekly job exactly once, a deleted team, and the
API's permissions and isolation. Runs on SQLite and, with ASKWELL_TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import OfferKind
from askwell.asks.schemas import AskCreate, AskFinish, OfferCreate
from askwell.core.errors import NotFound, PermissionDenied
from askwell.insights import service as insights
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Person
from askwell.standups import service
from askwell.standups.errors import (
    NoStandupForPractice,
    PracticeAlreadyActive,
    PracticeNotFound,
    PracticeStartTooFar,
    RetroClosed,
    UnknownQuestion,
)
from askwell.standups.models import StandupPractice
from askwell.standups.schemas import (
    CheckinWrite,
    NeedConfirm,
    PracticeStart,
    RetroWrite,
    StandupSettingsWrite,
)
from tests.conftest import World, csrf
from tests.standups.conftest import Scene
from tests.standups.test_api import bearer

NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def _ask(db: Session, world: World, author: Person, *, at: datetime, helper: Person | None = None) -> int:
    """An opened ask of ``author`` at ``at``; with ``helper``, an offer two hours later, marked done."""
    ask = asks_service.create_ask(
        db,
        actor=world.actor(author),
        data=AskCreate(
            title="Review the retry logic in PR 4412", body="Backoff maths.", due=at + timedelta(days=5)
        ),
        now=at,
    )
    if helper is not None:
        offer = asks_service.offer_help(
            db,
            actor=world.actor(helper),
            ask_id=ask.id,
            data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to pair on it."),
            now=at + timedelta(hours=2),
        )
        asks_service.accept_offer(
            db, actor=world.actor(author), offer_id=offer.id, now=at + timedelta(hours=3)
        )
        asks_service.finish_ask(
            db,
            actor=world.actor(author),
            ask_id=ask.id,
            data=AskFinish(note="Thanks!"),
            now=at + timedelta(days=1),
        )
    db.commit()
    return ask.id


def _start(db: Session, world: World, who: Person, scene: Scene, **kw: object) -> StandupPractice:
    row = service.start_practice(
        db,
        actor=world.actor(who),
        team_id=scene.team.id,
        data=PracticeStart.model_validate(kw),
        now=world.now,
    )
    db.commit()
    return row


def _kinds(db: Session, kind: NotificationKind) -> list[int]:
    return list(db.scalars(select(Notification.person_id).where(Notification.kind == kind.value)))


class TestStart:
    def test_a_lead_starts_one_with_a_stored_baseline(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        # Two weeks before: Ada asks, Bob helps (inside the team); the stranger is helped by Bob (across).
        _ask(db, world, standup.ada, at=world.now - timedelta(days=14), helper=standup.bob)
        _ask(db, world, standup.stranger, at=world.now - timedelta(days=10), helper=standup.bob)
        _ask(db, world, standup.lead, at=world.now - timedelta(days=9))
        # Outside the window (7 weeks back): not counted.
        _ask(db, world, standup.ada, at=world.now - timedelta(weeks=7))
        row = _start(db, world, standup.lead, standup, days=30)
        assert (row.starts_on, row.ends_on) == (world.now.date(), world.now.date() + timedelta(days=29))
        b = row.baseline
        assert b["people"] == 3 and b["weeks"] == 6 and b["asks"] == 2
        assert b["asks_per_person_week"] == round(2 / 18, 3)
        assert b["helped_share"] == 0.5
        assert b["median_hours_to_first_offer"] == 2.0
        assert b["help_given"] == 2 and b["across_teams_share"] == 0.5
        assert b["has_data"] is True

    def test_a_team_with_no_history_has_no_data_and_no_division_by_zero(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        row = _start(db, world, standup.lead, standup, days=45)
        b = row.baseline
        assert b["asks"] == 0 and b["has_data"] is False
        assert b["asks_per_person_week"] == 0.0
        assert b["helped_share"] is None and b["median_hours_to_first_offer"] is None
        assert b["across_teams_share"] is None
        report = service.report(db, actor=world.actor(standup.lead), practice_id=row.id, now=world.now)
        assert report.standup.standup_days == 0 and report.standup.participation is None
        assert report.recommendation.verdict == "keep" and not report.final

    def test_a_second_one_while_one_is_on_is_refused(self, standup: Scene, world: World, db: Session) -> None:
        _start(db, world, standup.lead, standup)
        with pytest.raises(PracticeAlreadyActive) as caught:
            _start(db, world, standup.lead, standup, days=45)
        assert "already" in caught.value.message
        assert db.scalar(select(func.count()).select_from(StandupPractice)) == 1

    def test_after_one_ended_another_may_start(self, standup: Scene, world: World, db: Session) -> None:
        first = _start(db, world, standup.lead, standup, starts_on=(world.now - timedelta(days=7)).date())
        first.ends_on = world.now.date() - timedelta(days=1)  # over; the worker has not said so yet
        db.commit()
        second = _start(db, world, standup.lead, standup)
        db.refresh(first)
        assert second.active and not first.active

    def test_members_may_not_start_one(self, standup: Scene, world: World, db: Session) -> None:
        with pytest.raises(PermissionDenied):
            _start(db, world, standup.ada, standup)

    def test_another_organization_gets_not_found(self, standup: Scene, world: World, db: Session) -> None:
        with pytest.raises(NotFound):
            _start(db, world, standup.other_admin, standup)

    def test_needs_a_stand_up_and_a_sane_start(self, scene: Scene, world: World, db: Session) -> None:
        with pytest.raises(NoStandupForPractice):
            _start(db, world, scene.lead, scene)
        service.configure(
            db,
            actor=world.actor(scene.lead),
            team_id=scene.team.id,
            data=StandupSettingsWrite(),
            now=world.now,
        )
        with pytest.raises(PracticeStartTooFar):
            _start(db, world, scene.lead, scene, starts_on=(world.now + timedelta(days=90)).date())


def _checkin(db: Session, world: World, who: Person, day: date, *, need: bool = False) -> int:
    answers = {"worked_on": "the deploy"}
    if need:
        answers["help_needed"] = NEED
    at = datetime.combine(day, datetime.min.time(), tzinfo=world.now.tzinfo) + timedelta(hours=12)
    checkin = service.answer(
        db, actor=world.actor(who), data=CheckinWrite(answers=answers, local_date=day), now=at
    )
    db.commit()
    return checkin.id


class TestReport:
    def test_before_vs_during_and_the_leads_own_line(self, standup: Scene, world: World, db: Session) -> None:
        start = world.now - timedelta(days=30)  # a Saturday, 2026-01-31
        row = service.start_practice(
            db,
            actor=world.actor(standup.lead),
            team_id=standup.team.id,
            data=PracticeStart(days=30),
            now=start,
        )
        db.commit()
        first_monday = date(2026, 2, 2)
        for i in range(4):  # four Mondays: Ada always, the lead twice (once with a need), Bob never
            day = first_monday + timedelta(weeks=i)
            _checkin(db, world, standup.ada, day, need=i == 0)
            if i < 2:
                _checkin(db, world, standup.lead, day, need=i == 1)
        lead = world.actor(standup.lead)
        report = service.report(db, actor=lead, practice_id=row.id, now=world.now)
        assert report.final and report.practice.status == "finished"
        s = report.standup
        assert s.standup_days == 20  # weekdays from Mon 2 Feb to Fri 27 Feb (as_of: the last day, Sat 1 Mar)
        assert s.answered == 6 and s.possible == 60 and s.participation == 0.1
        assert s.needs_raised == 2
        assert report.you == "You raised help needed on 1 of 20 stand-up days (you answered on 2)."
        # Only the lead sees their own line; members see the same report without it.
        assert (
            service.report(db, actor=world.actor(standup.ada), practice_id=row.id, now=world.now).you is None
        )
        # Participation 10% but needs raised: not "stop" but "adjust".
        assert report.recommendation.verdict == "adjust"
        assert [w.week for w in report.weeks] == [1, 2, 3, 4, 5]

    def test_resolved_needs_count(self, standup: Scene, world: World, db: Session) -> None:
        row = _start(db, world, standup.lead, standup, starts_on=(world.now - timedelta(days=7)).date())
        checkin_id = _checkin(db, world, standup.ada, world.now.date() - timedelta(days=7), need=True)
        ask = service.confirm_need(
            db, actor=world.actor(standup.ada), checkin_id=checkin_id, data=NeedConfirm(), now=world.now
        )
        offer = asks_service.offer_help(
            db,
            actor=world.actor(standup.bob),
            ask_id=ask.id,
            data=OfferCreate(kind=OfferKind.ADVISE, message="Did this last month, happy to pair."),
            now=world.now,
        )
        asks_service.accept_offer(db, actor=world.actor(standup.ada), offer_id=offer.id, now=world.now)
        asks_service.finish_ask(
            db, actor=world.actor(standup.ada), ask_id=ask.id, data=AskFinish(note="Thanks"), now=world.now
        )
        db.commit()
        report = service.report(db, actor=world.actor(standup.bob), practice_id=row.id, now=world.now)
        assert report.standup.needs_raised == 1 and report.standup.needs_resolved == 1
        assert report.standup.resolved_share == 1.0 and not report.final

    def test_before_any_stand_up(self, standup: Scene, world: World, db: Session) -> None:
        row = _start(db, world, standup.lead, standup, starts_on=(world.now + timedelta(days=3)).date())
        report = service.report(db, actor=world.actor(standup.ada), practice_id=row.id, now=world.now)
        assert report.practice.status == "upcoming" and report.practice.day == 0
        assert report.standup.standup_days == 0 and report.weeks == []
        assert report.during.asks == 0 and report.during.asks_per_person_week is None

    def test_strangers_in_the_organization_are_refused(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        row = _start(db, world, standup.lead, standup)
        with pytest.raises(PermissionDenied):
            service.report(db, actor=world.actor(standup.stranger), practice_id=row.id, now=world.now)
        with pytest.raises(PracticeNotFound):
            service.report(db, actor=world.actor(standup.other_admin), practice_id=row.id, now=world.now)


class TestRetro:
    def test_opens_at_the_mid_point_and_shows_counts_only(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        row = _start(db, world, standup.lead, standup, starts_on=world.now.date())
        ada, bob = world.actor(standup.ada), world.actor(standup.bob)
        with pytest.raises(RetroClosed):
            service.vote_retro(
                db, actor=ada, practice_id=row.id, data=RetroWrite(votes={"worked_on": "keep"}), now=world.now
            )
        mid = world.now + timedelta(days=15)
        service.vote_retro(
            db, actor=ada, practice_id=row.id, data=RetroWrite(votes={"worked_on": "drop"}), now=mid
        )
        service.vote_retro(
            db, actor=ada, practice_id=row.id, data=RetroWrite(votes={"worked_on": "keep"}), now=mid
        )  # changed her mind: replaces
        service.vote_retro(
            db,
            actor=bob,
            practice_id=row.id,
            data=RetroWrite(votes={"worked_on": "keep", "help_needed": "change"}),
            now=mid,
        )
        db.commit()
        report = service.report(db, actor=world.actor(standup.lead), practice_id=row.id, now=mid)
        tallies = {t.key: (t.keep, t.change, t.drop) for t in report.retro}
        assert tallies["worked_on"] == (2, 0, 0) and tallies["help_needed"] == (0, 1, 0)
        assert report.retro_voters == 2
        assert "Ada" not in report.model_dump_json() and "Bob" not in report.model_dump_json()

    def test_an_unknown_question_is_refused(self, standup: Scene, world: World, db: Session) -> None:
        row = _start(db, world, standup.lead, standup)
        with pytest.raises(UnknownQuestion):
            service.vote_retro(
                db,
                actor=world.actor(standup.ada),
                practice_id=row.id,
                data=RetroWrite(votes={"nope": "keep"}),
                now=world.now + timedelta(days=20),
            )


class TestWeeklyJob:
    def test_each_week_once_the_retro_once_the_end_once(
        self, standup: Scene, world: World, db: Session
    ) -> None:
        row = _start(db, world, standup.lead, standup)
        members = {standup.lead.id, standup.ada.id, standup.bob.id}
        for _ in range(3):  # the same tick three times (two workers, a re-run): once
            service.practice_tick(db, now=world.now)
        db.commit()
        assert sorted(_kinds(db, NotificationKind.PRACTICE_REMINDER)) == sorted(members)
        # Day 3 of week 1: nothing new. Day 8 (week 2): one more each.
        service.practice_tick(db, now=world.now + timedelta(days=3))
        service.practice_tick(db, now=world.now + timedelta(days=8))
        service.practice_tick(db, now=world.now + timedelta(days=8, hours=1))
        db.commit()
        assert len(_kinds(db, NotificationKind.PRACTICE_REMINDER)) == 2 * len(members)
        assert _kinds(db, NotificationKind.PRACTICE_RETRO) == []
        # The worker was down from day 8 to day 16: week 3's reminder (the current one) and the retro.
        for _ in range(2):
            service.practice_tick(db, now=world.now + timedelta(days=16))
        db.commit()
        assert len(_kinds(db, NotificationKind.PRACTICE_REMINDER)) == 3 * len(members)
        assert sorted(_kinds(db, NotificationKind.PRACTICE_RETRO)) == sorted(members)
        # After the last day: ended once, the lead told once; no more reminders.
        for _ in range(2):
            service.practice_tick(db, now=world.now + timedelta(days=31))
        db.commit()
        assert _kinds(db, NotificationKind.PRACTICE_REPORT) == [standup.lead.id]
        assert len(_kinds(db, NotificationKind.PRACTICE_REMINDER)) == 3 * len(members)
        db.refresh(row)
        assert not row.active and row.ended_at is not None and row.stopped_at is None

    def test_reminders_name_nobody(
        self, standup: Scene, world: World, db: Session, client: TestClient
    ) -> None:
        _start(db, world, standup.lead, standup)
        service.practice_tick(db, now=world.now)
        db.commit()
        inbox = client.get("/api/v1/notifications", headers=bearer(world, standup.ada)).json()
        items = inbox["items"] if isinstance(inbox, dict) else inbox
        texts = [i["text"] for i in items if i["kind"] == "practice_reminder"]
        assert texts and all(n not in t for t in texts for n in ("Ada", "Bob", "Lea"))

    def test_a_stopped_practice_sends_nothing(self, standup: Scene, world: World, db: Session) -> None:
        row = _start(db, world, standup.lead, standup)
        service.stop_practice(db, actor=world.actor(standup.lead), practice_id=row.id, now=world.now)
        service.practice_tick(db, now=world.now)
        db.commit()
        assert _kinds(db, NotificationKind.PRACTICE_REMINDER) == []
        report = service.report(db, actor=world.actor(standup.ada), practice_id=row.id, now=world.now)
        assert report.practice.status == "stopped" and report.final


class TestDeletedTeam:
    def test_the_practice_goes_with_its_team(self, standup: Scene, world: World, db: Session) -> None:
        """Documented choice: a practice goes with its team, like its settings and check-ins; the job
        carries on for the others and the report answers 404, not 500."""
        row = _start(db, world, standup.lead, standup)
        practice_id = row.id
        service.practice_tick(db, now=world.now)
        db.commit()
        db.delete(standup.team)
        db.commit()
        assert service.practice_tick(db, now=world.now + timedelta(days=8)).reminded == 0
        db.commit()
        with pytest.raises(PracticeNotFound):
            service.report(db, actor=world.actor(standup.lead), practice_id=practice_id, now=world.now)


class TestMarkers:
    def test_practices_appear_on_insights_trends(self, standup: Scene, world: World, db: Session) -> None:
        from askwell import wiring

        wiring.register_marker_sources()
        wiring.register_marker_sources()  # idempotent
        assert insights.MARKER_SOURCES.count(wiring.practice_markers) == 1
        row = _start(db, world, standup.lead, standup, starts_on=(world.now - timedelta(days=5)).date())
        view = insights.team_insight(
            db, actor=world.actor(standup.lead), team_id=standup.team.id, now=world.now
        )
        labels = [m.label for m in view.markers if m.kind == "standup_practice"]
        assert labels == ["Stand-up practice starts: Platform (30 days)"]  # under way: no end yet
        service.stop_practice(db, actor=world.actor(standup.lead), practice_id=row.id, now=world.now)
        db.commit()
        view = insights.team_insight(
            db, actor=world.actor(standup.lead), team_id=standup.team.id, now=world.now
        )
        stopped = [(m.at.date(), m.label) for m in view.markers if m.kind == "standup_practice"]
        assert stopped == [
            (row.starts_on, "Stand-up practice starts: Platform (30 days)"),
            (world.now.date(), "Stand-up practice stopped: Platform"),
        ]


class TestApi:
    def test_start_read_report_retro_stop(self, standup: Scene, world: World, client: TestClient) -> None:
        lead, ada = bearer(world, standup.lead), bearer(world, standup.ada)
        team = standup.team.id
        assert client.get(f"/api/v1/standups/teams/{team}/practice", headers=ada).status_code == 404
        made = client.post(f"/api/v1/standups/teams/{team}/practices", json={"days": 45}, headers=lead)
        assert made.status_code == 201, made.text
        pid = made.json()["id"]
        assert made.json()["status"] == "running" and made.json()["days"] == 45
        again = client.post(f"/api/v1/standups/teams/{team}/practices", json={"days": 30}, headers=lead)
        assert again.status_code == 409 and again.json()["error"] == "PracticeAlreadyActive"
        assert client.get(f"/api/v1/standups/teams/{team}/practice", headers=ada).json()["id"] == pid
        got = client.get(f"/api/v1/standups/practices/{pid}/report", headers=ada)
        assert got.status_code == 200 and got.json()["recommendation"]["verdict"] in (
            "keep",
            "adjust",
            "stop",
        )
        early = client.post(
            f"/api/v1/standups/practices/{pid}/retro", json={"votes": {"worked_on": "keep"}}, headers=ada
        )
        assert early.status_code == 409 and early.json()["error"] == "RetroClosed"
        assert client.post(f"/api/v1/standups/practices/{pid}/stop", headers=ada).status_code == 403
        stopped = client.post(f"/api/v1/standups/practices/{pid}/stop", headers=lead)
        assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
        assert client.post(f"/api/v1/standups/practices/{pid}/stop", headers=lead).status_code == 409

    def test_bad_input(self, standup: Scene, world: World, client: TestClient) -> None:
        lead = bearer(world, standup.lead)
        team = standup.team.id
        for body in ({"days": 31}, {"days": "x"}, {"days": 30, "starts_on": "2026-13-01"}, {"extra": 1}):
            got = client.post(f"/api/v1/standups/teams/{team}/practices", json=body, headers=lead)
            assert got.status_code == 422, body

    def test_other_organization_gets_404(self, standup: Scene, world: World, client: TestClient) -> None:
        made = client.post(
            f"/api/v1/standups/teams/{standup.team.id}/practices",
            json={},
            headers=bearer(world, standup.lead),
        )
        pid = made.json()["id"]
        other = bearer(world, standup.other_admin)
        for method, url in (
            ("GET", f"/api/v1/standups/practices/{pid}"),
            ("GET", f"/api/v1/standups/practices/{pid}/report"),
            ("POST", f"/api/v1/standups/practices/{pid}/stop"),
            ("GET", f"/api/v1/standups/teams/{standup.team.id}/practice"),
        ):
            assert client.request(method, url, headers=other).status_code == 404, url
        got = client.post(
            f"/api/v1/standups/practices/{pid}/retro", json={"votes": {"worked_on": "keep"}}, headers=other
        )
        assert got.status_code == 404


class TestPage:
    def test_report_page_draws_its_charts(self, standup: Scene, world: World, db: Session, signed_in) -> None:  # type: ignore[no-untyped-def]
        row = _start(db, world, standup.lead, standup, starts_on=(world.now - timedelta(days=7)).date())
        _checkin(db, world, standup.ada, world.now.date() - timedelta(days=7), need=True)
        client = signed_in(standup.lead)
        page = client.get(f"/standups/practices/{row.id}")
        assert page.status_code == 200
        assert (
            "<svg" in page.text and "Before vs during" in page.text and "You raised help needed" in page.text
        )
        assert "cdn" not in page.text.lower()
        member = signed_in(standup.ada).get(f"/standups/teams/{standup.team.id}/practice")
        assert member.status_code == 200 and "You raised help needed" not in member.text

    def test_start_vote_and_stop_through_the_forms(
        self,
        standup: Scene,
        world: World,
        db: Session,
        signed_in,  # type: ignore[no-untyped-def]
    ) -> None:
        lead = signed_in(standup.lead)
        started = lead.post(
            f"/standups/teams/{standup.team.id}/practice",
            data={"days": "30", "starts_on": ""},
            headers=csrf(lead),
            follow_redirects=False,
        )
        assert started.status_code == 303, started.text
        row = db.scalars(select(StandupPractice)).one()
        assert started.headers["location"].startswith(f"/standups/practices/{row.id}")
        twice = lead.post(
            f"/standups/teams/{standup.team.id}/practice",
            data={"days": "30"},
            headers=csrf(lead),
            follow_redirects=False,
        )
        assert twice.status_code == 303 and "already" in twice.headers["location"]
        ada = signed_in(standup.ada)
        refused = ada.post(f"/standups/practices/{row.id}/stop", headers=csrf(ada), follow_redirects=False)
        assert refused.status_code == 403
        lead = signed_in(standup.lead)
        stopped = lead.post(f"/standups/practices/{row.id}/stop", headers=csrf(lead), follow_redirects=False)
        assert stopped.status_code == 303
        db.refresh(row)
        assert row.stopped_at is not None and not row.active
        # Another one, started 16 days ago: past its mid-point, so the retro form is there.
        older = service.start_practice(
            db,
            actor=world.actor(standup.lead),
            team_id=standup.team.id,
            data=PracticeStart(),
            now=world.now - timedelta(days=16),
        )
        db.commit()
        ada = signed_in(standup.ada)
        page = ada.get(f"/standups/practices/{older.id}")
        assert 'name="vote_help_needed"' in page.text
        voted = ada.post(
            f"/standups/practices/{older.id}/retro",
            data={"vote_help_needed": "keep", "vote_worked_on": "drop"},
            headers=csrf(ada),
            follow_redirects=False,
        )
        assert voted.status_code == 303
        bad = ada.post(
            f"/standups/practices/{older.id}/retro",
            data={"vote_help_needed": "maybe"},
            headers=csrf(ada),
            follow_redirects=False,
        )
        assert bad.status_code == 303 and "keep" in bad.headers["location"]
        report = service.report(db, actor=world.actor(standup.lead), practice_id=older.id, now=world.now)
        assert report.retro_voters == 1

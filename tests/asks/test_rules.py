"""The lifecycle and visibility rules, without a database."""

from datetime import UTC, date, datetime
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from askwell.asks.models import AskStatus, OfferStatus
from askwell.asks.rules import AskAccess, can_offer_transition, can_transition, can_view, resolve_due

S = AskStatus


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.DRAFT, S.OPEN, True),
        (S.DRAFT, S.FULFILLED, False),
        (S.OPEN, S.IN_PROGRESS, True),
        (S.IN_PROGRESS, S.PARTLY_FULFILLED, True),
        (S.OPEN, S.EXPIRED, True),
        (S.EXPIRED, S.OPEN, True),
        (S.FULFILLED, S.OPEN, False),
        (S.WITHDRAWN, S.OPEN, False),
        (S.UNFULFILLED, S.FULFILLED, False),
    ],
)
def test_only_the_allowed_transitions(current: S, target: S, allowed: bool) -> None:
    assert can_transition(current, target) is allowed


def test_closed_outcomes_are_final() -> None:
    for closed, target in product([S.FULFILLED, S.PARTLY_FULFILLED, S.UNFULFILLED, S.WITHDRAWN], list(S)):
        assert not can_transition(closed, target)


def test_an_offer_is_accepted_before_it_is_done() -> None:
    assert not can_offer_transition(OfferStatus.PROPOSED, OfferStatus.DONE)
    assert can_offer_transition(OfferStatus.ACCEPTED, OfferStatus.DONE)


class TestCanView:
    def access(self, **kw: object) -> AskAccess:
        base = dict(author_id=1, status="open", visibility="org", team_id=None, audience=frozenset())
        return AskAccess(**{**base, **kw})  # type: ignore[arg-type]

    def test_drafts_are_private_to_their_author(self) -> None:
        draft = self.access(status="draft")
        assert can_view(draft, viewer_id=1, viewer_teams=frozenset())
        assert not can_view(draft, viewer_id=2, viewer_teams=frozenset())

    def test_private_asks_are_for_the_named_and_helpers(self) -> None:
        private = self.access(visibility="people", audience=frozenset({3}), helpers=frozenset({4}))
        assert can_view(private, viewer_id=3, viewer_teams=frozenset())
        assert can_view(private, viewer_id=4, viewer_teams=frozenset())
        assert not can_view(private, viewer_id=5, viewer_teams=frozenset())

    def test_team_asks_are_for_the_team(self) -> None:
        team = self.access(visibility="team", team_id=9)
        assert can_view(team, viewer_id=5, viewer_teams=frozenset({9}))
        assert not can_view(team, viewer_id=5, viewer_teams=frozenset({8}))


def test_a_bare_due_date_is_5pm_local_and_stored_in_utc() -> None:
    due = resolve_due(date(2026, 3, 6), tz=ZoneInfo("America/New_York"))
    assert due == datetime(2026, 3, 6, 22, 0, tzinfo=UTC)


def test_a_naive_time_is_read_in_the_authors_timezone() -> None:
    due = resolve_due(datetime(2026, 3, 6, 9, 0), tz=ZoneInfo("Europe/Berlin"))
    assert due == datetime(2026, 3, 6, 8, 0, tzinfo=UTC)

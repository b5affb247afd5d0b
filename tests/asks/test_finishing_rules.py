"""Finishing, overdue and posting-on-purpose rules, and how a due moment reads, without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from askwell.asks.due_text import describe_due, possessive
from askwell.asks.models import AskStatus, OfferStatus
from askwell.asks.rules import LOW_SCORE, default_outcome, help_received, is_overdue, publish_concerns

OS = OfferStatus
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
# Wednesday 9 December 2026, 17:00 in Lisbon (UTC+0 in winter) = Thursday 04:00 in Sydney (UTC+11).
DUE = datetime(2026, 12, 9, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("statuses", "received"),
    [
        ([], False),
        ([OS.PROPOSED], False),
        ([OS.DONE], True),
        ([OS.DONE, OS.DECLINED, OS.PROPOSED], True),
        ([OS.DONE, OS.ACCEPTED], False),  # someone is still helping
        ([OS.ACCEPTED], False),
    ],
)
def test_help_received_once_done_and_nothing_accepted_is_pending(statuses: list[OS], received: bool) -> None:
    assert help_received(s.value for s in statuses) is received


def test_default_outcome_is_fulfilled_only_after_help() -> None:
    assert default_outcome([OS.ACCEPTED.value]) == AskStatus.FULFILLED
    assert default_outcome([OS.DONE.value, OS.DECLINED.value]) == AskStatus.FULFILLED
    assert default_outcome([OS.PROPOSED.value, OS.DECLINED.value]) is None
    assert default_outcome([]) is None


def test_overdue_only_while_still_waiting() -> None:
    past = NOW - timedelta(minutes=1)
    assert is_overdue(AskStatus.OPEN.value, past, now=NOW)
    assert is_overdue(AskStatus.IN_PROGRESS.value, past, now=NOW)
    assert not is_overdue(AskStatus.FULFILLED.value, past, now=NOW)
    assert not is_overdue(AskStatus.OPEN.value, NOW + timedelta(minutes=1), now=NOW)
    assert not is_overdue(AskStatus.OPEN.value, None, now=NOW)


def test_publish_concerns() -> None:
    assert publish_concerns(body="", score=80) == [
        "It has no text beyond the title, so helpers cannot tell what you need."
    ]
    low = publish_concerns(body="Can someone help?", score=LOW_SCORE - 1)
    assert len(low) == 1 and f"{LOW_SCORE - 1}/100" in low[0]
    assert publish_concerns(body="A full ask", score=LOW_SCORE) == []
    assert len(publish_concerns(body="  ", score=10)) == 2


def test_due_for_a_viewer_in_another_timezone_names_both_clocks() -> None:
    text = describe_due(
        DUE,
        viewer_tz="Australia/Sydney",
        author_tz="Europe/Lisbon",
        author_name="Ana Lima",
        viewer_is_author=False,
        now=NOW,
    )
    assert text.text == "Wed 9 Dec, 17:00 Ana's time (Thu 10 Dec, 04:00 yours)"
    assert text.short == "Thu 10 Dec"
    assert text.iso == "2026-12-09T17:00:00+00:00"


def test_due_reads_once_for_the_author_and_for_viewers_on_the_same_clock() -> None:
    for viewer, is_author in (("Europe/Lisbon", True), ("Europe/London", False)):
        text = describe_due(
            DUE,
            viewer_tz=viewer,
            author_tz="Europe/Lisbon",
            author_name="Ana",
            viewer_is_author=is_author,
            now=NOW,
        )
        assert text.text == "Wed 9 Dec, 17:00"


def test_due_in_another_year_says_the_year() -> None:
    text = describe_due(
        DUE + timedelta(days=40),
        viewer_tz="UTC",
        author_tz="UTC",
        author_name="Ana",
        viewer_is_author=True,
        now=NOW,
    )
    assert text.text == "Mon 18 Jan 2027, 17:00"


def test_possessive() -> None:
    assert possessive("Ana Lima") == "Ana's"
    assert possessive("  ") == "the author's"

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from askwell.asks.deadlines import find_deadline

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 3 March 2025, 09:00 in Berlin.
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=BERLIN)


def when(text: str) -> datetime:
    deadline = find_deadline(text, now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.when is not None, text
    return deadline.when


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could you review it by Friday?", datetime(2025, 3, 7, 17, 0)),
        ("need the numbers EOD tomorrow", datetime(2025, 3, 4, 17, 0)),
        ("send it before the 12th please", datetime(2025, 3, 12, 17, 0)),
        ("can the team take this on by end of next week", datetime(2025, 3, 14, 17, 0)),
        ("we launch in two weeks", datetime(2025, 3, 17, 17, 0)),
        ("by 4pm tomorrow if you can", datetime(2025, 3, 4, 16, 0)),
        ("let's pair next Tuesday", datetime(2025, 3, 11, 17, 0)),
        ("comments by Wednesday the 12th", datetime(2025, 3, 12, 17, 0)),
        ("due 2025-04-01", datetime(2025, 4, 1, 17, 0)),
        ("before March 14 works", datetime(2025, 3, 14, 17, 0)),
        ("before 8:30am Monday", datetime(2025, 3, 10, 8, 30)),
        ("cover my shift on Sat 3/22", datetime(2025, 3, 22, 17, 0)),
        ("could you pair with me this afternoon", datetime(2025, 3, 3, 17, 0)),
        ("send it this evening", datetime(2025, 3, 3, 19, 0)),
    ],
)
def test_phrases_resolve_in_the_authors_timezone(text: str, expected: datetime) -> None:
    assert when(text) == expected.replace(tzinfo=BERLIN)


def test_the_span_points_at_the_words_in_the_text() -> None:
    text = "Could someone review PR #4412 by 4pm tomorrow? It blocks Thursday's release."
    deadline = find_deadline(text, now=NOW, tz=BERLIN)
    assert deadline is not None
    assert text[deadline.start : deadline.end] == "by 4pm tomorrow"


def test_the_same_moment_is_a_different_utc_instant_in_another_timezone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    deadline = find_deadline("by Friday", now=NOW, tz=tokyo)
    assert deadline is not None and deadline.when is not None
    assert deadline.when.utcoffset() == tokyo.utcoffset(deadline.when)
    assert deadline.when.hour == 17


def test_earliest_of_several_dates_is_the_deadline() -> None:
    text = "I present on the 14th, so could you get comments to me by Wednesday the 12th?"
    deadline = find_deadline(text, now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.text == "by Wednesday the 12th"


@pytest.mark.parametrize("word", ["ASAP", "soon", "sometime", "at some point"])
def test_vague_words_are_weak_not_dates(word: str) -> None:
    deadline = find_deadline(f"Can you send it {word}?", now=NOW, tz=BERLIN)
    assert deadline is not None
    assert deadline.kind == "vague" and deadline.when is None


def test_an_iso_date_after_by_is_that_day_not_the_year() -> None:
    assert when("timesheets submitted by 2025-03-28 so we can invoice") == datetime(
        2025, 3, 28, 17, 0, tzinfo=BERLIN
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send me the batch record before 10. thx", datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN)),
        ("review it by 3 today", datetime(2025, 3, 3, 15, 0, tzinfo=BERLIN)),
        (
            "take over the infra on-call for the rest of the quarter",
            datetime(2025, 3, 31, 17, 0, tzinfo=BERLIN),
        ),
        ("replace the belt during Saturday's planned shutdown", datetime(2025, 3, 8, 17, 0, tzinfo=BERLIN)),
        ("re-key the locks in the next hour", datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN)),
        ("send the headcount before the end of Q1", datetime(2025, 3, 31, 17, 0, tzinfo=BERLIN)),
        ("fix my laptop before my 11am with Corvel", datetime(2025, 3, 3, 11, 0, tzinfo=BERLIN)),
        ("the next dose is due at 14:00", datetime(2025, 3, 3, 14, 0, tzinfo=BERLIN)),
        ("update the UAT scripts before wed EOD", datetime(2025, 3, 5, 17, 0, tzinfo=BERLIN)),
        ("lead the move through end of September", datetime(2025, 9, 30, 17, 0, tzinfo=BERLIN)),
        ("interpret for us at Thursday's parent-teacher night", datetime(2025, 3, 6, 17, 0, tzinfo=BERLIN)),
        ("borrow an adapter for the board meeting at 10?", datetime(2025, 3, 3, 10, 0, tzinfo=BERLIN)),
    ],
)
def test_more_ways_to_say_when(text: str, expected: datetime) -> None:
    assert when(text) == expected


@pytest.mark.parametrize("text", ["we split 3 people by 5 teams", "before 10 people arrive"])
def test_a_count_after_by_is_not_an_hour(text: str) -> None:
    assert find_deadline(text, now=NOW, tz=BERLIN) is None


def test_a_clock_time_after_at_is_an_event_time_not_a_deadline_word() -> None:
    deadline = find_deadline("join the incident review at 2:15 today", now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.when == datetime(2025, 3, 3, 14, 15, tzinfo=BERLIN)
    assert not deadline.prefixed


def test_a_calendar_date_beside_a_weekday_wins() -> None:
    assert when("please approve it by Friday, Feb 28") == datetime(2025, 2, 28, 17, 0, tzinfo=BERLIN)


def test_an_ordinal_in_a_compound_is_not_a_date() -> None:
    assert find_deadline("funding for the 5th-grade trip", now=NOW, tz=BERLIN) is None


@pytest.mark.parametrize(
    ("text", "prefixed"), [("the report is due on March 14", True), ("certs expire on March 14", False)]
)
def test_a_deadline_word_is_told_from_an_event_date(text: str, prefixed: bool) -> None:
    deadline = find_deadline(text, now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.prefixed is prefixed


def test_a_date_that_has_passed_is_flagged() -> None:
    deadline = find_deadline("please send it by 2025-02-20", now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.past


def test_a_time_earlier_today_is_flagged() -> None:
    deadline = find_deadline("can you do it by 8am today", now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.past


@pytest.mark.parametrize("word", ["tonight", "today"])
def test_tonight_said_late_in_the_day_runs_to_midnight(word: str) -> None:
    late = datetime(2025, 3, 3, 21, 30, tzinfo=BERLIN)
    deadline = find_deadline(f"can someone cover my shift {word}?", now=late, tz=BERLIN)
    assert deadline is not None and not deadline.past
    assert deadline.when == datetime(2025, 3, 3, 23, 59, tzinfo=BERLIN)


def test_this_morning_said_in_the_afternoon_is_flagged() -> None:
    afternoon = datetime(2025, 3, 3, 15, 0, tzinfo=BERLIN)
    deadline = find_deadline("can you send it this morning", now=afternoon, tz=BERLIN)
    assert deadline is not None and deadline.past


@pytest.mark.parametrize("text", ["review it before Thursday's planning", "in time for Thursday's demo"])
def test_a_possessive_weekday_after_a_deadline_word_is_a_deadline(text: str) -> None:
    assert when(text) == datetime(2025, 3, 6, 17, 0, tzinfo=BERLIN)


def test_a_bare_possessive_weekday_is_not_a_deadline() -> None:
    assert find_deadline("Friday's offsite went well; notes attached", now=NOW, tz=BERLIN) is None


def test_backward_references_are_not_deadlines() -> None:
    text = "We lost the deal last Friday and it has been broken since yesterday."
    assert find_deadline(text, now=NOW, tz=BERLIN) is None


def test_ordinal_floors_are_not_dates() -> None:
    assert find_deadline("her desk is on the 5th floor", now=NOW, tz=BERLIN) is None


def test_known_team_milestone_counts_without_a_date() -> None:
    deadline = find_deadline("review it before sprint planning", now=NOW, tz=BERLIN)
    assert deadline is not None and deadline.kind == "milestone"


class TestDeadlinesAreWholeNumbers:
    """A date or time never starts or ends inside another number: what the review quotes is what was typed."""

    def test_a_clock_time_with_minutes_is_read_whole(self) -> None:
        # "at 10" of "at 10:30pm" used to win: the deadline read 10:00 and was quoted cut.
        deadline = find_deadline("Tomorrow at 10:30pm please", now=NOW, tz=BERLIN)
        assert deadline is not None and deadline.text == "Tomorrow at 10:30pm"
        assert deadline.when == datetime(2025, 3, 4, 22, 30, tzinfo=BERLIN)

    def test_at_an_hour_is_not_cut_from_a_longer_time(self) -> None:
        # "at 6" of "at 6:00 pm" was read as 6pm today; the whole phrase dates a past event.
        deadline = find_deadline("She was born at 6:00 pm on 7/30/11.", now=NOW, tz=BERLIN)
        assert deadline is not None and deadline.text.startswith("6:00 pm")

    @pytest.mark.parametrize(
        "text",
        [
            "The error rate went from 0.3/4 to nothing.",
            "See jagerbacon.wordpress.com/2012/05/11/essay for the draft.",
            "Totals were 1,15 March and then some.",
        ],
    )
    def test_the_tail_of_another_number_is_no_date(self, text: str) -> None:
        assert find_deadline(text, now=NOW, tz=BERLIN) is None

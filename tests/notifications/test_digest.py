"""When a daily digest is due and what it says: pure rules with ``now`` passed in."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from askwell.notifications.digest import DigestItem, compose, due, start_of_day

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


class TestDue:
    @pytest.mark.parametrize(
        ("now", "expected"),
        [
            (utc(4, 6, 59), False),  # 07:59 in Berlin: too early
            (utc(4, 7), True),  # 08:00 in Berlin
            (utc(4, 10, 59), True),  # 11:59: a late worker still catches up
            (utc(4, 11), False),  # noon: the day is skipped, tomorrow's covers it
        ],
    )
    def test_at_eight_on_the_persons_own_clock(self, now: datetime, expected: bool) -> None:
        assert due(now=now, tz=BERLIN, last_sent_at=None) is expected

    def test_the_hour_follows_the_persons_zone(self) -> None:
        # 23:00 UTC on the 3rd is 08:00 on the 4th in Tokyo.
        assert due(now=utc(3, 23), tz=TOKYO, last_sent_at=None)
        assert not due(now=utc(3, 23), tz=BERLIN, last_sent_at=None)

    def test_once_a_local_day(self) -> None:
        sent = utc(4, 7, 5)
        assert not due(now=utc(4, 8), tz=BERLIN, last_sent_at=sent)
        assert due(now=utc(5, 7), tz=BERLIN, last_sent_at=sent)

    def test_a_digest_sent_late_yesterday_does_not_stop_todays(self) -> None:
        assert due(now=utc(4, 7), tz=BERLIN, last_sent_at=utc(3, 22, 59))  # 23:59 on the 3rd in Berlin

    def test_start_of_day_is_local_midnight(self) -> None:
        assert start_of_day(utc(4, 7), BERLIN) == utc(3, 23)


class TestCompose:
    def test_one_email_lists_every_item_on_the_readers_clock_with_its_link(self) -> None:
        items = [
            DigestItem("Grace offered to help with “Kafka retries”", "/asks/7", utc(3, 16, 5)),
            DigestItem("Linus thanked you", "/asks/9", utc(4, 6, 30)),
        ]
        subject, body = compose(
            name="Ada Lovelace", items=items, tz=BERLIN, base_url="https://askwell.example"
        )
        assert subject == "Askwell: 2 unread notifications today"
        assert body.startswith("Hello Ada,\n")
        assert "(times in Europe/Berlin)" in body
        assert (
            "- 3 Dec, 17:05  Grace offered to help with “Kafka retries”\n  https://askwell.example/asks/7\n"
            in body
        )
        assert "- 4 Dec, 07:30  Linus thanked you\n  https://askwell.example/asks/9\n" in body
        assert "https://askwell.example/settings/notifications" in body

    def test_one_item_is_one_notification(self) -> None:
        subject, _ = compose(name="", items=[DigestItem("x", "", utc(4, 6))], tz=BERLIN, base_url="")
        assert subject == "Askwell: 1 unread notification today"

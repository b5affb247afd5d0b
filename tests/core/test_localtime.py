"""The one formatter for times people read: their own clock, the zone named where people differ."""

from datetime import UTC, datetime

from askwell.core.localtime import local_time, zone, zone_label

WINTER = datetime(2026, 12, 4, 16, 10, tzinfo=UTC)
SUMMER = datetime(2026, 7, 4, 16, 10, tzinfo=UTC)


def test_on_the_readers_clock() -> None:
    assert local_time(WINTER, "Europe/Berlin") == "4 Dec, 17:10"
    assert local_time(WINTER, "America/New_York") == "4 Dec, 11:10"


def test_the_zone_is_named_only_when_someone_else_is_on_another_clock() -> None:
    assert local_time(WINTER, "Europe/Berlin", others=["UTC"]) == "4 Dec, 17:10 CET"
    assert local_time(SUMMER, "Europe/Berlin", others=["UTC"]) == "4 Jul, 18:10 CEST"
    assert local_time(WINTER, "Europe/Berlin", others=["Europe/Paris", None]) == "4 Dec, 17:10 CET"
    assert local_time(WINTER, "Europe/Berlin", others=["Europe/Paris"]) == "4 Dec, 17:10"


def test_zones_without_an_abbreviation_read_as_an_offset() -> None:
    assert zone_label(WINTER, "Asia/Dubai") == "UTC+04"
    assert zone_label(WINTER, "UTC") == "UTC"


def test_an_unknown_zone_reads_as_utc_instead_of_failing() -> None:
    assert zone("Mars/Olympus_Mons").key == "UTC"
    assert zone("").key == "UTC"
    assert local_time(WINTER, "not a zone", label=True) == "4 Dec, 16:10 UTC"

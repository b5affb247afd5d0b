"""Events, channels and the choice between single emails and the digest: pure rules, no database."""

from askwell.notifications.models import NotificationKind
from askwell.notifications.preferences import (
    DEFAULTS,
    EVENT_OF,
    EVENTS,
    Channel,
    Event,
    Preferences,
    event_of,
)


def test_every_notification_kind_belongs_to_an_event() -> None:
    assert set(EVENT_OF) == set(NotificationKind)
    assert set(EVENTS) == set(Event)


def test_every_event_is_reached_by_some_kind() -> None:
    assert set(EVENT_OF.values()) == set(Event)


def test_by_default_everything_is_emailed_one_by_one() -> None:
    assert all(DEFAULTS.emails_at_once(kind) for kind in NotificationKind)


def test_an_event_set_to_inbox_is_not_emailed() -> None:
    prefs = Preferences(channels={Event.THANKS: Channel.INBOX})
    assert not prefs.emails(NotificationKind.THANKS)
    assert prefs.emails(NotificationKind.NEW_OFFER)


def test_one_choice_covers_every_kind_of_its_event() -> None:
    prefs = Preferences(channels={Event.OFFER_ANSWERS: Channel.INBOX})
    assert not prefs.emails(NotificationKind.OFFER_ACCEPTED)
    assert not prefs.emails(NotificationKind.OFFER_DECLINED)


def test_with_the_digest_nothing_is_emailed_at_once_but_the_digest_still_carries_it() -> None:
    prefs = Preferences(channels={}, digest=True)
    assert not prefs.emails_at_once(NotificationKind.THANKS)
    assert prefs.emails(NotificationKind.THANKS)


def test_a_kind_this_version_no_longer_knows_is_not_emailed() -> None:
    assert event_of("retired_kind") is None
    assert not DEFAULTS.emails("retired_kind")

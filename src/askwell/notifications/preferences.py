"""What each person hears about, and how: the events people choose between and their channels.

Pure rules over plain data. A person does not choose among the eighteen notification kinds the code
knows; they choose among a handful of *events* as they think of them ("offers on my asks",
"reminders"). Each kind belongs to exactly one event, so a new kind is one line in ``EVENT_OF`` (a
test fails until it is placed).

| event | kinds | default |
|---|---|---|
| offers | someone offered help on my ask (or, asked about it, cannot) | email |
| offer_answers | my offer was accepted or declined | email |
| help_done | help on my ask was marked done | email |
| thanks | someone thanked me | email |
| direct_asks | someone asked me directly, routed a help need to me, or invited me to a huddle | email |
| introductions | introductions asked of me, and answers to mine | email |
| reminders | due soon, expired, accepted offer not done, pending introduction | email |
| reconnect | a colleague got back in touch | email |
| nudges | a weekly suggestion to reconnect with someone | email |
| rings | invited to a ring, a nudge to prepare, new requests in an async ring, follow-ups | email |

Every default is email, as before people could choose. The inbox always has everything; the channel
only says whether email comes too. A digest replaces single emails with one email a day or one a
week (see ``notifications.digest``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from askwell.notifications.models import NotificationKind as K


class Event(StrEnum):
    OFFERS = "offers"
    OFFER_ANSWERS = "offer_answers"
    HELP_DONE = "help_done"
    THANKS = "thanks"
    DIRECT_ASKS = "direct_asks"
    INTRODUCTIONS = "introductions"
    REMINDERS = "reminders"
    RECONNECT = "reconnect"
    NUDGES = "nudges"
    RINGS = "rings"
    STANDUPS = "standups"


class DigestFrequency(StrEnum):
    """How notification emails are grouped: one each as they happen ("off"), or one digest a day or week."""

    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"


@dataclass(frozen=True)
class EventInfo:
    label: str
    description: str
    default: Channel


EVENTS: dict[Event, EventInfo] = {
    Event.OFFERS: EventInfo(
        "Offers on my asks", "Someone offers to help with an ask of yours.", Channel.EMAIL
    ),
    Event.OFFER_ANSWERS: EventInfo(
        "Answers to my offers", "The author accepts or declines your offer to help.", Channel.EMAIL
    ),
    Event.HELP_DONE: EventInfo(
        "Help marked done", "A helper marks their help on your ask as done.", Channel.EMAIL
    ),
    Event.THANKS: EventInfo("Thanks", "Someone thanks you for your help.", Channel.EMAIL),
    Event.DIRECT_ASKS: EventInfo(
        "Asks made to me",
        "Someone asks you directly for help, a stand-up's help need is routed to you, or you are "
        "invited to a huddle.",
        Channel.EMAIL,
    ),
    Event.INTRODUCTIONS: EventInfo(
        "Introductions", "Someone asks you for an introduction, or answers one you asked for.", Channel.EMAIL
    ),
    Event.REMINDERS: EventInfo(
        "Reminders",
        "An ask of yours is due or has passed its date; an accepted offer or an introduction is waiting.",
        Channel.EMAIL,
    ),
    Event.RECONNECT: EventInfo(
        "Colleagues reconnecting", "Someone you know gets back in touch.", Channel.EMAIL
    ),
    Event.NUDGES: EventInfo(
        "Suggestions to reconnect",
        "At most once a week: someone you lost touch with may help.",
        Channel.EMAIL,
    ),
    Event.RINGS: EventInfo(
        "Reciprocity rings",
        "An invitation to a ring, a nudge to prepare your request, new requests in a ring that runs over "
        "days, and the follow-ups a week and a month after.",
        Channel.EMAIL,
    ),
    Event.STANDUPS: EventInfo(
        "Stand-ups",
        "Your team's stand-up prompt at your local time, a private reminder if you have not answered, "
        "and the day's digest once the window closes.",
        Channel.EMAIL,
    ),
}

EVENT_OF: dict[K, Event] = {
    K.NEW_OFFER: Event.OFFERS,
    K.OFFER_ACCEPTED: Event.OFFER_ANSWERS,
    K.OFFER_DECLINED: Event.OFFER_ANSWERS,
    K.OFFER_DONE: Event.HELP_DONE,
    K.THANKS: Event.THANKS,
    K.ASKED_DIRECTLY: Event.DIRECT_ASKS,
    K.INTRO_REQUESTED: Event.INTRODUCTIONS,
    K.INTRO_ACCEPTED: Event.INTRODUCTIONS,
    K.INTRO_REDIRECTED: Event.INTRODUCTIONS,
    K.INTRO_DECLINED: Event.INTRODUCTIONS,
    K.INTRO_TARGET_ACCEPTED: Event.INTRODUCTIONS,
    K.INTRO_TARGET_DECLINED: Event.INTRODUCTIONS,
    K.ASK_DUE_SOON: Event.REMINDERS,
    K.ASK_EXPIRED: Event.REMINDERS,
    K.OFFER_REMINDER: Event.REMINDERS,
    K.INTRO_REMINDER: Event.REMINDERS,
    K.RECONNECT: Event.RECONNECT,
    K.RECONNECT_NUDGE: Event.NUDGES,
    K.RING_INVITED: Event.RINGS,
    K.RING_NUDGE: Event.RINGS,
    K.RING_DIGEST: Event.RINGS,
    K.RING_FOLLOW_UP: Event.RINGS,
    # An admin must look at a switched-off webhook endpoint: a reminder of work waiting for them.
    K.WEBHOOK_DISABLED: Event.REMINDERS,
    K.STANDUP_PROMPT: Event.STANDUPS,
    K.STANDUP_REMINDER: Event.STANDUPS,
    K.STANDUP_DIGEST: Event.STANDUPS,
    K.PRACTICE_REMINDER: Event.STANDUPS,
    K.PRACTICE_RETRO: Event.STANDUPS,
    K.PRACTICE_REPORT: Event.STANDUPS,
    K.ROUTE_REQUESTED: Event.DIRECT_ASKS,
    K.ROUTE_DECLINED: Event.OFFERS,
    K.HUDDLE_INVITED: Event.DIRECT_ASKS,
    K.HUDDLE_CANCELLED: Event.DIRECT_ASKS,
}


def event_of(kind: str) -> Event | None:
    """The event a stored kind belongs to; None for a kind this version no longer knows."""
    try:
        return EVENT_OF[K(kind)]
    except ValueError:
        return None


@dataclass(frozen=True)
class Preferences:
    """A person's choices; events they never touched keep their default."""

    channels: Mapping[Event, Channel]
    digest: bool = False
    digest_weekly: bool = False

    @property
    def frequency(self) -> DigestFrequency:
        if not self.digest:
            return DigestFrequency.OFF
        return DigestFrequency.WEEKLY if self.digest_weekly else DigestFrequency.DAILY

    def channel(self, event: Event) -> Channel:
        return self.channels.get(event, EVENTS[event].default)

    def emails(self, kind: str) -> bool:
        """Whether this kind of notification reaches the person by email at all (single or digest)."""
        event = event_of(kind)
        return event is not None and self.channel(event) is Channel.EMAIL

    def emails_at_once(self, kind: str) -> bool:
        """Whether this notification is emailed on its own, now (not gathered into a digest)."""
        return self.emails(kind) and not self.digest


DEFAULTS = Preferences(channels={})

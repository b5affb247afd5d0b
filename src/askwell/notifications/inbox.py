"""Inbox items as their reader may see them now: words written at read time from the ids stored.

One function, ``render``, serves the inbox page, the home page's summary, ``GET
/api/v1/notifications``, the notification email and the daily digest, so none can show what another
hides. An item about an ask the reader can no longer see (``asks.repository.visible_asks``: an edit
took them off its audience, it became private) shows neither the ask's title nor anything else about
it, and leads nowhere but the inbox. Names and titles are read now, so a renamed ask or an erased
person reads as they are today.

Where an item leads is a ``Target`` (a kind of page and an id); the web layer turns it into a path
(``askwell.http.links``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from askwell.network.models import Introduction
from askwell.notifications import repository
from askwell.notifications.models import Notification
from askwell.notifications.models import NotificationKind as Kind
from askwell.people.policy import Actor

HIDDEN_TEXT = "An ask that is no longer shared with you."
HIDDEN_RING_TEXT = "A ring that is no longer shared with you."
SOMEONE = "Someone"
AN_ASK = "an ask"


class TargetKind(StrEnum):
    ASK = "ask"
    INTRO = "intro"
    PERSON = "person"
    DORMANT = "dormant"
    RING = "ring"
    STANDUP = "standup"
    ROUTING = "routing"  # the "Asked of me" page
    HUDDLES = "huddles"
    INBOX = "inbox"


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    id: int | None = None


INBOX = Target(TargetKind.INBOX)


@dataclass(frozen=True)
class InboxItem:
    id: int
    kind: str
    text: str
    target: Target
    # True when the item is about an ask the reader may no longer see: ``text`` then says only that.
    hidden: bool
    ask_id: int | None
    created_at: datetime
    read_at: datetime | None
    # The timezones of the other people in the item (who acted, whose ask), to label times.
    others: tuple[str, ...] = ()

    @property
    def unread(self) -> bool:
        return self.read_at is None


_INTRO_KINDS = frozenset(
    {
        Kind.INTRO_REQUESTED,
        Kind.INTRO_ACCEPTED,
        Kind.INTRO_REDIRECTED,
        Kind.INTRO_DECLINED,
        Kind.INTRO_TARGET_ACCEPTED,
        Kind.INTRO_TARGET_DECLINED,
        Kind.INTRO_REMINDER,
    }
)


@dataclass
class _Loaded:
    asks: dict[int, repository.AskLine]
    people: dict[int, repository.PersonLine]
    thanks: dict[int, str]
    helpers: dict[int, int]
    intros: dict[int, Introduction]
    rings: dict[int, repository.RingLine]


def render(db: Session, *, actor: Actor, rows: Sequence[Notification]) -> list[InboxItem]:
    """The reader's own notifications (``rows`` must be theirs), as they may see them now."""
    org_id = actor.org_id
    intros = repository.intros_of(db, actor=actor, intro_ids={n.intro_id for n in rows if n.intro_id})
    ask_ids = {n.ask_id for n in rows if n.ask_id} | {i.ask_id for i in intros.values() if i.ask_id}
    asks = repository.visible_ask_lines(db, actor=actor, ask_ids=ask_ids)
    offer_ids = {n.offer_id for n in rows if n.offer_id}
    helpers = repository.offer_helpers(db, org_id=org_id, offer_ids=offer_ids)
    thanks = repository.thanks_notes(
        db, org_id=org_id, offer_ids={n.offer_id for n in rows if n.offer_id and n.kind == Kind.THANKS}
    )
    person_ids = {p for n in rows for p in (n.actor_id, n.subject_id) if p}
    person_ids |= {a.author_id for a in asks.values()} | set(helpers.values())
    for intro in intros.values():
        person_ids |= {intro.asker_id, intro.connector_id, intro.target_id}
        if intro.suggested_target_id:
            person_ids.add(intro.suggested_target_id)
    people = repository.people_lines(db, org_id=org_id, person_ids=person_ids)
    rings = repository.visible_ring_lines(db, actor=actor, ring_ids={n.ring_id for n in rows if n.ring_id})
    loaded = _Loaded(asks, people, thanks, helpers, intros, rings)
    return [_item(n, actor=actor, loaded=loaded) for n in rows]


def _item(n: Notification, *, actor: Actor, loaded: _Loaded) -> InboxItem:
    hidden = n.ask_id is not None and n.ask_id not in loaded.asks
    others = tuple(
        loaded.people[p].timezone
        for p in dict.fromkeys(
            (n.actor_id, loaded.asks[n.ask_id].author_id if n.ask_id in loaded.asks else None)
        )
        if p is not None and p != actor.person_id and p in loaded.people
    )
    if hidden:
        return InboxItem(n.id, n.kind, HIDDEN_TEXT, INBOX, True, None, n.created_at, n.read_at, others)
    if n.ring_id is not None and n.ring_id not in loaded.rings:
        return InboxItem(n.id, n.kind, HIDDEN_RING_TEXT, INBOX, True, None, n.created_at, n.read_at, others)
    text = n.text if n.text is not None else _words(n, me=actor.person_id, loaded=loaded)
    return InboxItem(n.id, n.kind, text, _target(n), False, n.ask_id, n.created_at, n.read_at, others)


def _target(n: Notification) -> Target:
    if n.kind == Kind.ROUTE_REQUESTED:
        return Target(TargetKind.ROUTING)
    if n.kind in (Kind.HUDDLE_INVITED, Kind.HUDDLE_CANCELLED):
        return Target(TargetKind.HUDDLES)
    if n.kind == Kind.RECONNECT and n.actor_id:
        return Target(TargetKind.PERSON, n.actor_id)
    if n.kind == Kind.RECONNECT_NUDGE:
        return Target(TargetKind.DORMANT)
    if n.intro_id:
        return Target(TargetKind.INTRO, n.intro_id)
    if n.ask_id:
        return Target(TargetKind.ASK, n.ask_id)
    if n.ring_id:
        return Target(TargetKind.RING, n.ring_id)
    if n.kind in (
        Kind.STANDUP_PROMPT,
        Kind.STANDUP_REMINDER,
        Kind.STANDUP_DIGEST,
        Kind.PRACTICE_REMINDER,
        Kind.PRACTICE_RETRO,
        Kind.PRACTICE_REPORT,
    ):
        return Target(TargetKind.STANDUP)
    return INBOX


def _words(n: Notification, *, me: int, loaded: _Loaded) -> str:
    def name(person_id: int | None) -> str:
        line = loaded.people.get(person_id) if person_id else None
        return line.name if line is not None else SOMEONE

    ask = loaded.asks.get(n.ask_id) if n.ask_id else None
    title = f"“{ask.title}”" if ask is not None else AN_ASK
    author = name(ask.author_id) if ask is not None else SOMEONE
    kind = Kind(n.kind) if n.kind in Kind._value2member_map_ else None
    if kind == Kind.NEW_OFFER:
        return f"{name(n.actor_id)} offered to help with {title}"
    if kind == Kind.OFFER_ACCEPTED:
        return f"{author} accepted your offer on {title}"
    if kind == Kind.OFFER_DECLINED:
        return f"{author} went another way on {title}; thank you for offering"
    if kind == Kind.OFFER_DONE:
        if ask is not None and ask.author_id == me:
            helper = loaded.helpers.get(n.offer_id or 0, n.actor_id)
            return f"{name(helper)} marked their help on {title} as done — say thanks?"
        return f"{author} marked your help on {title} as done. Thank you for helping."
    if kind == Kind.THANKS:
        note = loaded.thanks.get(n.offer_id or 0)
        return f"{author} thanked you: “{note[:140]}”" if note else f"{author} thanked you"
    if kind == Kind.ASKED_DIRECTLY:
        return f"{name(n.actor_id)} asked you directly: {title}"
    if kind == Kind.ASK_DUE_SOON:
        return f"Your ask {title} is due within a day: close it, or extend it if you still need help"
    if kind == Kind.ASK_EXPIRED:
        return f"Your ask {title} has passed its due date: did you get the help? Close or extend it"
    if kind == Kind.OFFER_REMINDER:
        return "You offered to help and the offer was accepted: mark it done when you have helped"
    if kind in _INTRO_KINDS:
        return _intro_words(kind, n, me=me, loaded=loaded, name=name)
    if kind == Kind.RECONNECT:
        return f"{name(n.actor_id)} would like to reconnect: {n.note or ''}".rstrip(": ")
    if kind == Kind.RECONNECT_NUDGE:
        return f"{name(n.subject_id)} may know what your circle does not about {title}: reconnect?"
    if kind in _RING_KINDS:
        return _ring_words(kind, n, me=me, loaded=loaded, name=name)
    if kind == Kind.WEBHOOK_DISABLED:
        return "A webhook endpoint kept failing and was switched off: see Administration → Webhooks"
    if kind == Kind.STANDUP_PROMPT:
        return "Time for today's stand-up: what you worked on, what's next, and where help would make a difference"
    if kind == Kind.STANDUP_DIGEST:
        return "Today's stand-up is in: see who on your team needs help, and what was resolved"
    if kind == Kind.STANDUP_REMINDER:
        return "Your stand-up is still open: a line or two is enough, and it is only for your team"
    if kind == Kind.PRACTICE_REMINDER:
        return "A new week of your team's stand-up practice: saying what help you need is what makes it work"
    if kind == Kind.PRACTICE_RETRO:
        return (
            "Halfway through your team's stand-up practice: which questions would you keep, change or drop?"
        )
    if kind == Kind.PRACTICE_REPORT:
        return "Your team's stand-up practice has ended: its report is ready"
    if kind == Kind.ROUTE_REQUESTED:
        if n.actor_id != n.subject_id and n.subject_id is not None:
            return f"{name(n.actor_id)} thinks you could help {name(n.subject_id)} with {title}: claim it?"
        return f"{author} needs help with {title}: can you take it?"
    if kind == Kind.ROUTE_DECLINED:
        return f"{name(n.actor_id)} cannot help with {title} this time"
    if kind == Kind.HUDDLE_INVITED:
        return f"{name(n.actor_id)} called a short huddle and would like you there: join or say you can't"
    if kind == Kind.HUDDLE_CANCELLED:
        return f"{name(n.actor_id)} cancelled the huddle they called"
    return "Something happened that this version of Askwell cannot describe."


_RING_KINDS = frozenset({Kind.RING_INVITED, Kind.RING_NUDGE, Kind.RING_DIGEST, Kind.RING_FOLLOW_UP})


def _ring_words(
    kind: Kind, n: Notification, *, me: int, loaded: _Loaded, name: Callable[[int | None], str]
) -> str:
    # ``_item`` has already hidden items about a ring the reader can no longer see.
    ring = loaded.rings.get(n.ring_id or 0)
    called = f"the ring “{ring.name}”" if ring is not None else "a ring"
    if kind == Kind.RING_INVITED:
        named = f"the reciprocity ring “{ring.name}”" if ring is not None else "a reciprocity ring"
        return f"{name(n.actor_id)} invited you to {named}"
    if kind == Kind.RING_NUDGE:
        if ring is not None and ring.my_status == "joined":
            return f"The ring “{ring.name}” is coming up: bring your one request"
        return f"You are invited to {called}: join and bring one request"
    if kind == Kind.RING_DIGEST:
        return f"Others brought new requests to {called}: see whether you can help"
    ask = loaded.asks.get(n.ask_id) if n.ask_id else None
    title = f"“{ask.title}”" if ask is not None else AN_ASK
    when = "After"
    if ring is not None and ring.closed_at is not None and n.created_at >= ring.closed_at:
        when = f"{(n.created_at - ring.closed_at).days} days after"
    if ask is not None and ask.author_id == me:
        return f"{when} {called}: was {title} fulfilled? Mark it done and thank {name(n.actor_id)}"
    return (
        f"{when} {called}: did you follow through on helping {name(n.actor_id)} with {title}? "
        "Mark it done when you have"
    )


def _intro_words(
    kind: Kind, n: Notification, *, me: int, loaded: _Loaded, name: Callable[[int | None], str]
) -> str:
    named = name
    intro = loaded.intros.get(n.intro_id or 0)
    if kind == Kind.INTRO_REMINDER:
        return "An introduction is waiting for your answer"
    if intro is None:
        return "An introduction you took part in"
    asker, connector, target = named(intro.asker_id), named(intro.connector_id), named(intro.target_id)
    if kind == Kind.INTRO_REQUESTED:
        ask = loaded.asks.get(intro.ask_id) if intro.ask_id else None
        need = ask.title if ask is not None else intro.query
        return f"{asker} asks you to introduce them to {target}, about “{need[:80]}”"
    if kind == Kind.INTRO_ACCEPTED:
        if me == intro.asker_id:
            return f"{connector} agreed to introduce you to {target}"
        return f"{connector} would like to introduce you to {asker}"
    if kind == Kind.INTRO_REDIRECTED:
        return f"{connector} suggests you talk to {named(intro.suggested_target_id)} instead"
    if kind == Kind.INTRO_DECLINED:
        return f"{connector} cannot make this introduction"
    if kind == Kind.INTRO_TARGET_ACCEPTED:
        return f"{target} accepted the introduction"
    return f"{target} declined the introduction"

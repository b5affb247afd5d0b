"""Domain events: what happened, recorded by services into the unit of work, handed to subscribers.

A service says what happened (``emit(db, OfferMade(...))``) and nothing else: it does not know who
listens. The composition root registers the subscribers (``askwell.wiring``) on an ``EventBus`` and
attaches the bus to the session factory. Two kinds of subscriber:

* ``bus.on(Event, handler)``: runs *inside the transaction*, when the event is emitted, with the
  session: the inbox rows and the outbox jobs (email, later Slack). They commit or roll back with
  the change they describe, savepoints included, so the inbox is never ahead of or behind the data.
* ``bus.after_commit(Event, handler)``: runs once the outermost transaction has committed, without
  a session: live fan-out through the ``Broadcaster``. Events emitted in a transaction (or a
  savepoint) that rolls back are dropped, so nothing is announced that did not happen. A failing
  handler is logged, never raised: the change is already committed.

Events carry ids and the organization, never words: whoever renders them reads the rows through
the reader's own access functions (see ``notifications.inbox``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

log = logging.getLogger(__name__)

_BUS = "askwell.events.bus"
_PENDING = "askwell.events.after_commit"


@dataclass(frozen=True, kw_only=True)
class Event:
    org_id: int
    at: datetime


# --- asks --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AskOpened(Event):
    ask_id: int
    author_id: int


@dataclass(frozen=True, kw_only=True)
class AskedDirectly(Event):
    """The author shared the ask with ``person_id`` (named in its audience, or asked from a suggestion)."""

    ask_id: int
    author_id: int
    person_id: int


@dataclass(frozen=True, kw_only=True)
class OfferEvent(Event):
    ask_id: int
    offer_id: int
    author_id: int
    helper_id: int


@dataclass(frozen=True, kw_only=True)
class OfferMade(OfferEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class OfferAccepted(OfferEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class OfferDeclined(OfferEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class HelpGiven(OfferEvent):
    #: Who said so: the asker ("it was done") or the helper ("I did it"); the other one is told.
    by_asker: bool


@dataclass(frozen=True, kw_only=True)
class ThanksGiven(OfferEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class AskClosed(Event):
    """The author closed the ask with an outcome (``asks.rules`` outcome value: fulfilled, ...)."""

    ask_id: int
    author_id: int
    outcome: str


@dataclass(frozen=True, kw_only=True)
class AskDueSoon(Event):
    ask_id: int
    author_id: int


@dataclass(frozen=True, kw_only=True)
class AskExpired(Event):
    ask_id: int
    author_id: int


@dataclass(frozen=True, kw_only=True)
class AcceptedOfferStale(Event):
    """An accepted offer still not marked done after a few days: the helper is reminded once."""

    ask_id: int
    offer_id: int
    helper_id: int


# --- network -----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IntroEvent(Event):
    intro_id: int
    ask_id: int | None
    asker_id: int
    connector_id: int
    target_id: int


@dataclass(frozen=True, kw_only=True)
class IntroductionRequested(IntroEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class IntroductionAgreed(IntroEvent):
    """The connector agreed: the asker and the target hear of it."""


@dataclass(frozen=True, kw_only=True)
class IntroductionRedirected(IntroEvent):
    suggested_id: int


@dataclass(frozen=True, kw_only=True)
class IntroductionRefused(IntroEvent):
    """The connector cannot make it."""


@dataclass(frozen=True, kw_only=True)
class IntroductionAnswered(IntroEvent):
    """The target's answer, which closes the introduction."""

    accepted: bool


@dataclass(frozen=True, kw_only=True)
class IntroductionWaiting(Event):
    """An introduction has waited days for ``person_id`` (the connector or the target)."""

    intro_id: int
    ask_id: int | None
    person_id: int


@dataclass(frozen=True, kw_only=True)
class ReconnectRequested(Event):
    from_id: int
    to_id: int
    ask_id: int | None
    #: The words the sender chose (or accepted from the suggestion); they exist nowhere else.
    message: str


@dataclass(frozen=True, kw_only=True)
class ReconnectSuggested(Event):
    """A weekly nudge: ``tie_person_id`` is a dormant tie who may help with ``ask_id``."""

    person_id: int
    tie_person_id: int
    ask_id: int


# --- rings -------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RingEvent(Event):
    ring_id: int
    #: Who is told.
    person_id: int


@dataclass(frozen=True, kw_only=True)
class RingInvited(RingEvent):
    inviter_id: int


@dataclass(frozen=True, kw_only=True)
class RingNudged(RingEvent):
    """A facilitator's reminder to someone not ready: join, or bring a request."""


@dataclass(frozen=True, kw_only=True)
class RingDigest(RingEvent):
    """Others brought new requests to an open async ring since this person's last digest."""


@dataclass(frozen=True, kw_only=True)
class RingFollowUp(RingEvent):
    """Days after the ring: the requester (was it fulfilled?) or the helper (did you follow through?)."""

    ask_id: int
    #: The other side of the pairing: the helper for the requester, the requester for the helper.
    other_id: int


@dataclass(frozen=True, kw_only=True)
class RingUpdated(Event):
    """Something visible on a ring's board changed (its event log moved on): live pages look again."""

    ring_id: int


@dataclass(frozen=True, kw_only=True)
class RingFinished(Event):
    """A facilitator closed the ring: its session (or its open call) is over."""

    ring_id: int


# --- stand-ups and routing ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HelpNeededConfirmed(Event):
    """A member confirmed the ask drafted from their stand-up's "help needed": route it sideways.

    Emitted by ``standups`` when the draft becomes an open ask; ``routing`` listens (in the
    transaction) and asks two or three peers, so the stand-up never imports the router.
    """

    ask_id: int
    author_id: int
    team_id: int
    checkin_id: int


# --- webhooks -----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WebhookEndpointDisabled(Event):
    """An endpoint kept failing until its retries ran out: it was switched off; the admins are told."""

    endpoint_id: int


@dataclass(frozen=True, kw_only=True)
class StandupPrompted(Event):
    """A person's one stand-up prompt of the day (covering all their teams) was created."""

    person_id: int
    prompt_id: int


@dataclass(frozen=True, kw_only=True)
class StandupDigested(Event):
    """A person's stand-up window closed: the day's digest of their teams, for them."""

    person_id: int
    prompt_id: int


@dataclass(frozen=True, kw_only=True)
class StandupReminded(Event):
    """A person has not answered their stand-up yet: a reminder for them alone, never for the team."""

    person_id: int
    prompt_id: int


@dataclass(frozen=True, kw_only=True)
class PracticeReminded(Event):
    """A new week of a team's stand-up practice: a gentle reminder to one member, naming nobody."""

    person_id: int
    practice_id: int
    week: int


@dataclass(frozen=True, kw_only=True)
class PracticeRetroOpened(Event):
    """A practice reached its mid-point: a member is invited to say keep / change / drop."""

    person_id: int
    practice_id: int


@dataclass(frozen=True, kw_only=True)
class PracticeEnded(Event):
    """A practice ran its course: its report is ready (told to the team's leads)."""

    person_id: int
    practice_id: int


@dataclass(frozen=True, kw_only=True)
class RouteRequested(Event):
    """``person_id`` is asked to help with a routed ask (a peer, the next one, a suggestion or the lead)."""

    route_id: int
    ask_id: int
    author_id: int
    person_id: int
    #: Who named them, when someone asked suggested them.
    suggested_by_id: int | None = None
    lead: bool = False


@dataclass(frozen=True, kw_only=True)
class RouteDeclined(Event):
    """Someone asked about a routed ask cannot help (the author hears of it, without blame)."""

    route_id: int
    ask_id: int
    author_id: int
    person_id: int


# --- huddles -----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class HuddleEvent(Event):
    huddle_id: int
    caller_id: int
    #: Who is told.
    person_id: int


@dataclass(frozen=True, kw_only=True)
class HuddleInvited(HuddleEvent):
    pass


@dataclass(frozen=True, kw_only=True)
class HuddleCancelled(HuddleEvent):
    pass


# --- the inbox ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InboxChanged(Event):
    """Someone's inbox gained an item or had items read: their badge should update."""

    person_id: int


# --- the bus -----------------------------------------------------------------------------------------

E = TypeVar("E", bound=Event)
InTransaction = Callable[[Session, Any], None]
AfterCommit = Callable[[Any], None]


class EventBus:
    """Subscribers by event type; a handler registered for a base class receives its subclasses."""

    def __init__(self) -> None:
        self._in_transaction: dict[type[Event], list[InTransaction]] = {}
        self._after_commit: dict[type[Event], list[AfterCommit]] = {}

    def on(self, kind: type[E], handler: Callable[[Session, E], None]) -> None:
        self._in_transaction.setdefault(kind, []).append(handler)

    def after_commit(self, kind: type[E], handler: Callable[[E], None]) -> None:
        self._after_commit.setdefault(kind, []).append(handler)

    def in_transaction_handlers(self, event: Event) -> list[InTransaction]:
        return [h for cls in type(event).__mro__ for h in self._in_transaction.get(cls, [])]

    def after_commit_handlers(self, event: Event) -> list[AfterCommit]:
        return [h for cls in type(event).__mro__ for h in self._after_commit.get(cls, [])]


class NoEventBus(RuntimeError):
    """A service emitted an event on a session whose factory was not attached to a bus: its
    notifications would be lost silently, so this is a wiring mistake, raised loudly."""


def attach(factory: sessionmaker[Session], bus: EventBus) -> sessionmaker[Session]:
    """Give every session of ``factory`` this bus; idempotent for the same factory."""
    info = dict(factory.kw.get("info") or {})
    if info.get(_BUS) is bus:
        return factory
    already = _BUS in info
    info[_BUS] = bus
    factory.configure(info=info)
    if not already:
        sa_event.listen(factory, "after_commit", _after_commit)
        sa_event.listen(factory, "after_soft_rollback", _after_rollback)
    return factory


def bus_of(factory: sessionmaker[Session]) -> EventBus | None:
    found = (factory.kw.get("info") or {}).get(_BUS)
    return found if isinstance(found, EventBus) else None


def emit(db: Session, event: Event) -> None:
    """Record what happened: in-transaction subscribers run now, after-commit ones after the commit."""
    bus = db.info.get(_BUS)
    if not isinstance(bus, EventBus):
        raise NoEventBus(f"{type(event).__name__} emitted on a session without an event bus")
    if bus.after_commit_handlers(event):
        # Remember the innermost transaction, so that rolling back a savepoint drops what it emitted.
        db.info.setdefault(_PENDING, []).append((_innermost(db), event))
    for handler in bus.in_transaction_handlers(event):
        handler(db, event)


def _innermost(db: Session) -> SessionTransaction:
    # An event can come before any SQL: begin the transaction now, so that its rollback is seen.
    return db.get_nested_transaction() or db.get_transaction() or db.begin()


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [(t, e) for t, e in pending if not _within(t, previous_transaction)]


def _after_commit(session: Session) -> None:
    # Only the outermost commit ends the unit of work; releasing a savepoint (which SQLAlchemy also
    # reports as a commit, while the savepoint is still the session's current transaction) is not.
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_PENDING, None)
    bus = session.info.get(_BUS)
    if not pending or not isinstance(bus, EventBus):
        return
    for _transaction, event in pending:
        for handler in bus.after_commit_handlers(event):
            try:
                handler(event)
            except Exception:
                log.exception("after-commit subscriber failed for %s", type(event).__name__)

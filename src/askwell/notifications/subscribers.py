"""What the inbox does with each domain event: who is told, as which kind, naming which ids.

Registered on the event bus by the composition root (``askwell.wiring``). The inbox handlers run
inside the transaction that emitted the event (the notification row and its email job commit or roll
back with the change); the live badge is told after the commit, through the ``Broadcaster``.
A new domain plugs in by emitting its events and adding its handlers here (and a kind to
``NotificationKind`` with its place in ``preferences.EVENT_OF``).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from askwell.core import events as ev
from askwell.core.broadcast import Broadcaster
from askwell.core.events import EventBus
from askwell.notifications import repository
from askwell.notifications.models import NotificationKind as Kind
from askwell.notifications.service import Notice, deliver

#: What the badge's stream is told: "look again" (it reads the count itself, see ``live_channel``).
CHANGED = "changed"


def live_channel(org_id: int, person_id: int) -> str:
    """The broadcast channel of one person's inbox."""
    return f"inbox:{org_id}:{person_id}"


def _tell(db: Session, event: ev.Event, person_id: int, notice: Notice) -> None:
    deliver(db, org_id=event.org_id, person_id=person_id, notice=notice, now=event.at)


def _offer_notice(kind: Kind, event: ev.OfferEvent, *, actor_id: int) -> Notice:
    return Notice(kind=kind, actor_id=actor_id, ask_id=event.ask_id, offer_id=event.offer_id)


def offer_made(db: Session, e: ev.OfferMade) -> None:
    _tell(db, e, e.author_id, _offer_notice(Kind.NEW_OFFER, e, actor_id=e.helper_id))


def offer_accepted(db: Session, e: ev.OfferAccepted) -> None:
    _tell(db, e, e.helper_id, _offer_notice(Kind.OFFER_ACCEPTED, e, actor_id=e.author_id))


def offer_declined(db: Session, e: ev.OfferDeclined) -> None:
    _tell(db, e, e.helper_id, _offer_notice(Kind.OFFER_DECLINED, e, actor_id=e.author_id))


def help_given(db: Session, e: ev.HelpGiven) -> None:
    # Whoever recorded it, the other one hears of it.
    if e.by_asker:
        _tell(db, e, e.helper_id, _offer_notice(Kind.OFFER_DONE, e, actor_id=e.author_id))
    else:
        _tell(db, e, e.author_id, _offer_notice(Kind.OFFER_DONE, e, actor_id=e.helper_id))


def thanks_given(db: Session, e: ev.ThanksGiven) -> None:
    _tell(db, e, e.helper_id, _offer_notice(Kind.THANKS, e, actor_id=e.author_id))


def asked_directly(db: Session, e: ev.AskedDirectly) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.ASKED_DIRECTLY, actor_id=e.author_id, ask_id=e.ask_id))


def ask_due_soon(db: Session, e: ev.AskDueSoon) -> None:
    _tell(db, e, e.author_id, Notice(kind=Kind.ASK_DUE_SOON, ask_id=e.ask_id))


def ask_expired(db: Session, e: ev.AskExpired) -> None:
    _tell(db, e, e.author_id, Notice(kind=Kind.ASK_EXPIRED, ask_id=e.ask_id))


def accepted_offer_stale(db: Session, e: ev.AcceptedOfferStale) -> None:
    _tell(db, e, e.helper_id, Notice(kind=Kind.OFFER_REMINDER, ask_id=e.ask_id, offer_id=e.offer_id))


def _intro_notice(kind: Kind, e: ev.IntroEvent, *, actor_id: int) -> Notice:
    return Notice(kind=kind, actor_id=actor_id, ask_id=e.ask_id, intro_id=e.intro_id)


def intro_requested(db: Session, e: ev.IntroductionRequested) -> None:
    _tell(db, e, e.connector_id, _intro_notice(Kind.INTRO_REQUESTED, e, actor_id=e.asker_id))


def intro_agreed(db: Session, e: ev.IntroductionAgreed) -> None:
    notice = _intro_notice(Kind.INTRO_ACCEPTED, e, actor_id=e.connector_id)
    for person_id in (e.asker_id, e.target_id):
        _tell(db, e, person_id, notice)


def intro_redirected(db: Session, e: ev.IntroductionRedirected) -> None:
    notice = _intro_notice(Kind.INTRO_REDIRECTED, e, actor_id=e.connector_id)
    _tell(db, e, e.asker_id, replace(notice, subject_id=e.suggested_id))


def intro_refused(db: Session, e: ev.IntroductionRefused) -> None:
    _tell(db, e, e.asker_id, _intro_notice(Kind.INTRO_DECLINED, e, actor_id=e.connector_id))


def intro_answered(db: Session, e: ev.IntroductionAnswered) -> None:
    kind = Kind.INTRO_TARGET_ACCEPTED if e.accepted else Kind.INTRO_TARGET_DECLINED
    for person_id in (e.asker_id, e.connector_id):
        _tell(db, e, person_id, _intro_notice(kind, e, actor_id=e.target_id))


def intro_waiting(db: Session, e: ev.IntroductionWaiting) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.INTRO_REMINDER, ask_id=e.ask_id, intro_id=e.intro_id))


def reconnect_requested(db: Session, e: ev.ReconnectRequested) -> None:
    notice = Notice(kind=Kind.RECONNECT, actor_id=e.from_id, ask_id=e.ask_id, note=e.message)
    _tell(db, e, e.to_id, notice)


def reconnect_suggested(db: Session, e: ev.ReconnectSuggested) -> None:
    notice = Notice(kind=Kind.RECONNECT_NUDGE, ask_id=e.ask_id, subject_id=e.tie_person_id)
    _tell(db, e, e.person_id, notice)


def ring_invited(db: Session, e: ev.RingInvited) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.RING_INVITED, actor_id=e.inviter_id, ring_id=e.ring_id))


def ring_nudged(db: Session, e: ev.RingNudged) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.RING_NUDGE, ring_id=e.ring_id))


def ring_digest(db: Session, e: ev.RingDigest) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.RING_DIGEST, ring_id=e.ring_id))


def ring_follow_up(db: Session, e: ev.RingFollowUp) -> None:
    notice = Notice(kind=Kind.RING_FOLLOW_UP, actor_id=e.other_id, ask_id=e.ask_id, ring_id=e.ring_id)
    _tell(db, e, e.person_id, notice)


def webhook_disabled(db: Session, e: ev.WebhookEndpointDisabled) -> None:
    for admin_id in repository.active_admin_ids(db, org_id=e.org_id):
        _tell(db, e, admin_id, Notice(kind=Kind.WEBHOOK_DISABLED))


def standup_prompted(db: Session, e: ev.StandupPrompted) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.STANDUP_PROMPT))


def standup_reminded(db: Session, e: ev.StandupReminded) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.STANDUP_REMINDER))


def standup_digested(db: Session, e: ev.StandupDigested) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.STANDUP_DIGEST))


def practice_reminded(db: Session, e: ev.PracticeReminded) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.PRACTICE_REMINDER))


def practice_retro_opened(db: Session, e: ev.PracticeRetroOpened) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.PRACTICE_RETRO))


def practice_ended(db: Session, e: ev.PracticeEnded) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.PRACTICE_REPORT))


def route_requested(db: Session, e: ev.RouteRequested) -> None:
    # The one who named them, for a suggestion; otherwise the author, whose ask it is.
    actor = e.suggested_by_id or e.author_id
    notice = Notice(kind=Kind.ROUTE_REQUESTED, actor_id=actor, ask_id=e.ask_id, subject_id=e.author_id)
    _tell(db, e, e.person_id, notice)


def route_declined(db: Session, e: ev.RouteDeclined) -> None:
    _tell(db, e, e.author_id, Notice(kind=Kind.ROUTE_DECLINED, actor_id=e.person_id, ask_id=e.ask_id))


def huddle_invited(db: Session, e: ev.HuddleInvited) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.HUDDLE_INVITED, actor_id=e.caller_id))


def huddle_cancelled(db: Session, e: ev.HuddleCancelled) -> None:
    _tell(db, e, e.person_id, Notice(kind=Kind.HUDDLE_CANCELLED, actor_id=e.caller_id))


def register(bus: EventBus, *, broadcaster: Broadcaster) -> None:
    bus.on(ev.WebhookEndpointDisabled, webhook_disabled)
    bus.on(ev.OfferMade, offer_made)
    bus.on(ev.OfferAccepted, offer_accepted)
    bus.on(ev.OfferDeclined, offer_declined)
    bus.on(ev.HelpGiven, help_given)
    bus.on(ev.ThanksGiven, thanks_given)
    bus.on(ev.AskedDirectly, asked_directly)
    bus.on(ev.AskDueSoon, ask_due_soon)
    bus.on(ev.AskExpired, ask_expired)
    bus.on(ev.AcceptedOfferStale, accepted_offer_stale)
    bus.on(ev.IntroductionRequested, intro_requested)
    bus.on(ev.IntroductionAgreed, intro_agreed)
    bus.on(ev.IntroductionRedirected, intro_redirected)
    bus.on(ev.IntroductionRefused, intro_refused)
    bus.on(ev.IntroductionAnswered, intro_answered)
    bus.on(ev.IntroductionWaiting, intro_waiting)
    bus.on(ev.ReconnectRequested, reconnect_requested)
    bus.on(ev.ReconnectSuggested, reconnect_suggested)
    bus.on(ev.RingInvited, ring_invited)
    bus.on(ev.RingNudged, ring_nudged)
    bus.on(ev.RingDigest, ring_digest)
    bus.on(ev.RingFollowUp, ring_follow_up)
    bus.on(ev.StandupPrompted, standup_prompted)
    bus.on(ev.StandupReminded, standup_reminded)
    bus.on(ev.StandupDigested, standup_digested)
    bus.on(ev.PracticeReminded, practice_reminded)
    bus.on(ev.PracticeRetroOpened, practice_retro_opened)
    bus.on(ev.PracticeEnded, practice_ended)
    bus.on(ev.RouteRequested, route_requested)
    bus.on(ev.RouteDeclined, route_declined)
    bus.on(ev.HuddleInvited, huddle_invited)
    bus.on(ev.HuddleCancelled, huddle_cancelled)

    def badge(e: ev.InboxChanged) -> None:
        broadcaster.publish(live_channel(e.org_id, e.person_id), CHANGED)

    bus.after_commit(ev.InboxChanged, badge)

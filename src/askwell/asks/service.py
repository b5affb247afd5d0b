"""Use cases of the asks domain: write, coach, open, offer, accept, finish, thank, close.

Each use case checks the rules, changes rows, appends to the ledger and notifies; it flushes and
never commits (the route, job or command owns the transaction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete
from sqlalchemy.orm import Session

from askwell.asks import repository, rules
from askwell.asks.coaching import AskDraft, Review, review
from askwell.asks.errors import (
    AlreadyOffered,
    AlreadyThanked,
    AskClosed,
    DueInPast,
    NothingToThankYet,
    NotYourAsk,
    NotYourOffer,
    OfferTransitionNotAllowed,
    OwnAsk,
    TransitionNotAllowed,
)
from askwell.asks.models import (
    Ask,
    AskAudience,
    AskRevision,
    AskStatus,
    AskTag,
    AudienceReason,
    Offer,
    OfferKind,
    OfferStatus,
    Thanks,
    Visibility,
)
from askwell.asks.schemas import (
    AskClose,
    AskCreate,
    AskExtend,
    AskFinish,
    AskWrite,
    CoachRequest,
    OfferCreate,
    ThanksCreate,
)
from askwell.core.errors import InvalidInput
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.notifications.models import NotificationKind
from askwell.notifications.service import notify
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor


def _tell(
    db: Session, *, ask: Ask, to: Person, kind: NotificationKind, text: str, now: datetime, actor_id: int
) -> None:
    """Notify someone about an ask; the notification leads to the ask's page."""
    notify(
        db,
        recipient=to,
        kind=kind,
        text=text,
        link=f"/asks/{ask.id}",
        now=now,
        ask_id=ask.id,
        actor_id=actor_id,
    )


def _offer_event(
    db: Session,
    *,
    ask: Ask,
    offer: Offer,
    entry: tuple[EntryKind, int, int],
    notice: tuple[NotificationKind, Person, str],
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """What happened to an offer: a ledger entry (kind, actor, subject) and a notification (kind, to, text)."""
    kind, actor_id, subject_id = entry
    record(
        db,
        org_id=ask.org_id,
        kind=kind,
        actor_id=actor_id,
        subject_id=subject_id,
        ask_id=ask.id,
        offer_id=offer.id,
        at=now,
        data=data,
    )
    notice_kind, to, text = notice
    _tell(db, ask=ask, to=to, kind=notice_kind, text=text, now=now, actor_id=actor_id)


def _me(db: Session, actor: Actor) -> Person:
    return people_repo.get_person(db, actor=actor, person_id=actor.person_id)


def _tz(person: Person) -> ZoneInfo:
    return ZoneInfo(person.timezone)


def coach(data: AskWrite, *, tz: ZoneInfo, now: datetime) -> Review:
    """The SMART review of what the author wrote (pure; also used live while typing)."""
    due = rules.resolve_due(data.due, tz=tz)
    text = "\n".join(part for part in (data.title, data.body) if part)
    draft = AskDraft(
        text=text,
        what=data.what or None,
        why=data.why or None,
        action=data.action or None,
        effort_hours=data.effort_hours,
        due=due,
    )
    guess = data.own_guess / 100 if data.own_guess is not None else None
    return review(draft, now=now, tz=tz, own_guess=guess)


def _check_audience(db: Session, actor: Actor, data: AskWrite) -> list[int]:
    """Named people and the team must be of the author's organization (else they do not exist)."""
    if data.visibility == Visibility.TEAM and data.team_id is not None:
        people_repo.get_team(db, actor=actor, team_id=data.team_id)
    ids = list(dict.fromkeys(i for i in data.audience if i != actor.person_id))
    for person_id in ids:
        people_repo.get_person(db, actor=actor, person_id=person_id)
    return ids


def _apply(db: Session, ask: Ask, data: AskWrite, *, actor: Actor, tz: ZoneInfo, now: datetime) -> None:
    due = rules.resolve_due(data.due, tz=tz)
    if due is not None and due <= now:
        raise DueInPast()
    audience = _check_audience(db, actor, data)
    ask.title = data.title
    ask.body = data.body
    ask.what = data.what
    ask.why = data.why
    ask.action = data.action
    ask.effort_hours = data.effort_hours
    ask.due_at = due
    ask.due_reminded_at = None
    ask.visibility = data.visibility.value
    ask.team_id = data.team_id if data.visibility == Visibility.TEAM else None
    ask.own_guess = data.own_guess
    ask.coaching_score = coach(data, tz=tz, now=now).score
    ask.updated_at = now
    db.flush()
    db.execute(delete(AskTag).where(AskTag.org_id == ask.org_id, AskTag.ask_id == ask.id))
    db.add_all(
        AskTag(org_id=ask.org_id, ask_id=ask.id, name=name, key=name.casefold(), position=i)
        for i, name in enumerate(data.tags)
    )
    existing = repository.audience_ids(db, ask=ask)
    db.add_all(
        AskAudience(org_id=ask.org_id, ask_id=ask.id, person_id=p) for p in audience if p not in existing
    )
    db.flush()


def create_ask(db: Session, *, actor: Actor, data: AskCreate, now: datetime) -> Ask:
    """Save a draft, or (``publish``) open the ask at once."""
    me = _me(db, actor)
    ask = Ask(
        org_id=actor.org_id,
        author_id=actor.person_id,
        status=AskStatus.DRAFT.value,
        title=data.title,
        created_at=now,
        updated_at=now,
    )
    db.add(ask)
    db.flush()
    _apply(db, ask, data, actor=actor, tz=_tz(me), now=now)
    if data.publish:
        _open(db, ask, actor=actor, me=me, now=now)
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def _open(db: Session, ask: Ask, *, actor: Actor, me: Person, now: datetime) -> None:
    ask.status = AskStatus.OPEN.value
    ask.opened_at = now
    db.flush()
    record(db, org_id=ask.org_id, kind=EntryKind.ASK_OPENED, actor_id=me.id, ask_id=ask.id, at=now)
    _notify_audience(db, ask=ask, me=me, actor=actor, now=now)


def publish_ask(db: Session, *, actor: Actor, ask_id: int, now: datetime) -> Ask:
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "publish it")
    _transition(ask, AskStatus.OPEN)
    if ask.due_at is not None and ask.due_at <= now:
        raise DueInPast()
    _open(db, ask, actor=actor, me=_me(db, actor), now=now)
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def update_ask(db: Session, *, actor: Actor, ask_id: int, data: AskWrite, now: datetime) -> Ask:
    """Edit an ask; the previous version is kept in its history."""
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "edit it")
    if AskStatus(ask.status) in rules.CLOSED:
        raise AskClosed()
    db.add(
        AskRevision(
            org_id=ask.org_id,
            ask_id=ask.id,
            version=ask.version,
            snapshot=_snapshot(ask),
            edited_by_id=actor.person_id,
            edited_at=now,
        )
    )
    ask.version += 1
    me = _me(db, actor)
    _apply(db, ask, data, actor=actor, tz=_tz(me), now=now)
    if ask.status != AskStatus.DRAFT.value:
        _notify_audience(db, ask=ask, me=me, actor=actor, now=now)
    db.expire(ask)
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def _snapshot(ask: Ask) -> dict[str, Any]:
    return {
        "title": ask.title,
        "body": ask.body,
        "what": ask.what,
        "why": ask.why,
        "action": ask.action,
        "effort_hours": ask.effort_hours,
        "due_at": ask.due_at.isoformat() if ask.due_at else None,
        "visibility": ask.visibility,
        "team_id": ask.team_id,
        "tags": ask.tag_names,
        "coaching_score": ask.coaching_score,
    }


def history(db: Session, *, actor: Actor, ask_id: int) -> list[AskRevision]:
    return repository.revisions(db, ask=repository.get_ask(db, actor=actor, ask_id=ask_id))


def _require_author(ask: Ask, actor: Actor, action: str) -> None:
    if ask.author_id != actor.person_id:
        raise NotYourAsk(action)


def _transition(ask: Ask, target: AskStatus) -> None:
    if not rules.can_transition(ask.status, target):
        raise TransitionNotAllowed(ask.status, target)
    ask.status = target.value


def withdraw_ask(db: Session, *, actor: Actor, ask_id: int, now: datetime) -> Ask:
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "withdraw it")
    _transition(ask, AskStatus.WITHDRAWN)
    ask.closed_at = now
    for offer in ask.offers:
        if offer.status in (OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value):
            offer.status = OfferStatus.WITHDRAWN.value
            offer.responded_at = now
    record(
        db,
        org_id=ask.org_id,
        kind=EntryKind.ASK_CLOSED,
        actor_id=actor.person_id,
        ask_id=ask.id,
        at=now,
        data={"outcome": "withdrawn"},
    )
    db.flush()
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def close_ask(db: Session, *, actor: Actor, ask_id: int, data: AskClose, now: datetime) -> Ask:
    """Close with the outcome; helpers whose work is done and not yet thanked are listed for thanks."""
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "close it")
    _transition(ask, data.outcome)
    ask.closed_at = now
    ask.outcome_note = data.note
    for offer in ask.offers:
        if offer.status == OfferStatus.PROPOSED.value:
            offer.status = OfferStatus.DECLINED.value
            offer.responded_at = now
    record(
        db,
        org_id=ask.org_id,
        kind=EntryKind.ASK_CLOSED,
        actor_id=actor.person_id,
        ask_id=ask.id,
        at=now,
        data={"outcome": data.outcome.value},
    )
    db.flush()
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def extend_ask(db: Session, *, actor: Actor, ask_id: int, data: AskExtend, now: datetime) -> Ask:
    """Give an ask a new due date; an expired ask opens again."""
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "extend it")
    if AskStatus(ask.status) in rules.CLOSED or ask.status == AskStatus.DRAFT.value:
        raise TransitionNotAllowed(ask.status, AskStatus.OPEN)
    due = rules.resolve_due(data.due, tz=_tz(_me(db, actor)))
    if due is None or due <= now:
        raise DueInPast()
    if ask.status == AskStatus.EXPIRED.value:
        has_accepted = any(o.status == OfferStatus.ACCEPTED.value for o in ask.offers)
        _transition(ask, AskStatus.IN_PROGRESS if has_accepted else AskStatus.OPEN)
    ask.due_at = due
    ask.due_reminded_at = None
    ask.updated_at = now
    db.flush()
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


# --- offers and thanks -------------------------------------------------------------------------


def offer_help(db: Session, *, actor: Actor, ask_id: int, data: OfferCreate, now: datetime) -> Offer:
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    if ask.author_id == actor.person_id:
        raise OwnAsk()
    if not rules.accepts_offers(ask.status):
        raise AskClosed()
    if any(
        o.helper_id == actor.person_id
        and o.status in (OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value)
        for o in ask.offers
    ):
        raise AlreadyOffered()
    if data.kind == OfferKind.INTRODUCE and data.introduce_id is not None:
        if data.introduce_id in (actor.person_id, ask.author_id):
            raise InvalidInput(
                "Introduce someone other than yourself or the asker.", fields={"introduce_id": "invalid"}
            )
        people_repo.get_person(db, actor=actor, person_id=data.introduce_id)
    offer = Offer(
        org_id=ask.org_id,
        ask_id=ask.id,
        helper_id=actor.person_id,
        kind=data.kind.value,
        message=data.message,
        hours=data.hours,
        introduce_id=data.introduce_id if data.kind == OfferKind.INTRODUCE else None,
        status=OfferStatus.PROPOSED.value,
        created_at=now,
    )
    db.add(offer)
    db.flush()
    me = _me(db, actor)
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        entry=(EntryKind.OFFER_MADE, me.id, ask.author_id),
        notice=(NotificationKind.NEW_OFFER, ask.author, f"{me.name} offered to help with “{ask.title}”"),
        now=now,
        data={"kind": data.kind.value},
    )
    return offer


def _offer_for_author(db: Session, actor: Actor, offer_id: int) -> tuple[Offer, Ask]:
    offer, ask = repository.get_offer(db, actor=actor, offer_id=offer_id)
    _require_author(ask, actor, "respond to offers")
    return offer, ask


def _offer_transition(offer: Offer, target: OfferStatus) -> None:
    if not rules.can_offer_transition(offer.status, target):
        raise OfferTransitionNotAllowed(offer.status, target)
    offer.status = target.value


def accept_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    offer, ask = _offer_for_author(db, actor, offer_id)
    if not rules.accepts_offers(ask.status):
        raise AskClosed()
    _offer_transition(offer, OfferStatus.ACCEPTED)
    offer.responded_at = now
    if ask.status == AskStatus.OPEN.value:
        _transition(ask, AskStatus.IN_PROGRESS)
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        entry=(EntryKind.OFFER_ACCEPTED, actor.person_id, offer.helper_id),
        notice=(
            NotificationKind.OFFER_ACCEPTED,
            offer.helper,
            f"{ask.author.name} accepted your offer on “{ask.title}”",
        ),
        now=now,
    )
    db.flush()
    return offer


def decline_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    offer, ask = _offer_for_author(db, actor, offer_id)
    _offer_transition(offer, OfferStatus.DECLINED)
    offer.responded_at = now
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        entry=(EntryKind.OFFER_DECLINED, actor.person_id, offer.helper_id),
        notice=(
            NotificationKind.OFFER_DECLINED,
            offer.helper,
            f"{ask.author.name} went another way on “{ask.title}”; thank you for offering",
        ),
        now=now,
    )
    db.flush()
    return offer


def withdraw_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    offer, _ask = repository.get_offer(db, actor=actor, offer_id=offer_id)
    if offer.helper_id != actor.person_id:
        raise NotYourOffer("withdraw it")
    _offer_transition(offer, OfferStatus.WITHDRAWN)
    offer.responded_at = now
    db.flush()
    return offer


def complete_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    """The helper marks the help given, or the asker confirms they received it; the other side is told."""
    offer, ask = repository.get_offer(db, actor=actor, offer_id=offer_id)
    if actor.person_id not in (offer.helper_id, ask.author_id):
        raise NotYourOffer("mark it done")
    _mark_done(db, ask=ask, offer=offer, by_asker=actor.person_id == ask.author_id, now=now)
    db.flush()
    return offer


def _mark_done(db: Session, *, ask: Ask, offer: Offer, by_asker: bool, now: datetime) -> None:
    """Help given: the ledger credits the helper whoever records it (the asker knows it was done too)."""
    _offer_transition(offer, OfferStatus.DONE)
    offer.done_at = now
    if by_asker:
        notice = (
            NotificationKind.OFFER_DONE,
            offer.helper,
            f"{ask.author.name} marked your help on “{ask.title}” as done. Thank you for helping.",
        )
    else:
        notice = (
            NotificationKind.OFFER_DONE,
            ask.author,
            f"{offer.helper.name} marked their help on “{ask.title}” as done — say thanks?",
        )
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        entry=(EntryKind.HELP_GIVEN, offer.helper_id, ask.author_id),
        notice=notice,
        now=now,
        data={"hours": offer.hours, "kind": offer.kind, "recorded_by": "asker" if by_asker else "helper"},
    )


def thank(db: Session, *, actor: Actor, offer_id: int, data: ThanksCreate, now: datetime) -> Thanks:
    offer, ask = _offer_for_author(db, actor, offer_id)
    if offer.thanks:
        raise AlreadyThanked()
    if offer.status != OfferStatus.DONE.value:
        raise NothingToThankYet()
    return _thank(db, ask=ask, offer=offer, note=data.note, now=now)


def _thank(db: Session, *, ask: Ask, offer: Offer, note: str, now: datetime) -> Thanks:
    thanks = Thanks(
        org_id=ask.org_id,
        offer_id=offer.id,
        from_id=ask.author_id,
        to_id=offer.helper_id,
        note=note,
        created_at=now,
    )
    db.add(thanks)
    db.flush()
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        entry=(EntryKind.THANKS, ask.author_id, offer.helper_id),
        notice=(NotificationKind.THANKS, offer.helper, f"{ask.author.name} thanked you: “{note[:140]}”"),
        now=now,
    )
    return thanks


DEFAULT_THANKS = "Thank you: I got what I needed."


def finish_ask(db: Session, *, actor: Actor, ask_id: int, data: AskFinish, now: datetime) -> Ask:
    """ "I got what I needed": help accepted is marked done, every helper not yet thanked is thanked
    (with the author's note, or a plain thank-you), and the ask closes as fulfilled.

    One step, because finishing in four (mark done, thank, choose an outcome, close) left asks saying
    "in progress" long after the help had arrived.
    """
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "close it")
    if not rules.can_transition(ask.status, AskStatus.FULFILLED):
        raise TransitionNotAllowed(ask.status, AskStatus.FULFILLED)
    note = data.note or DEFAULT_THANKS
    for offer in ask.offers:
        if offer.status == OfferStatus.ACCEPTED.value:
            _mark_done(db, ask=ask, offer=offer, by_asker=True, now=now)
        if offer.status == OfferStatus.DONE.value and not offer.thanks:
            _thank(db, ask=ask, offer=offer, note=note, now=now)
    db.flush()
    return close_ask(db, actor=actor, ask_id=ask_id, data=AskClose(outcome=AskStatus.FULFILLED), now=now)


def ask_directly(db: Session, *, actor: Actor, ask_id: int, person_id: int, now: datetime) -> None:
    """Ask one person directly: they can see the ask (even a private one) and are notified once."""
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require_author(ask, actor, "ask someone directly")
    if not rules.accepts_offers(ask.status):
        raise AskClosed()
    if person_id == actor.person_id:
        raise InvalidInput("You cannot ask yourself.")
    target = people_repo.get_person(db, actor=actor, person_id=person_id)
    if target.id not in repository.audience_ids(db, ask=ask):
        db.add(AskAudience(org_id=ask.org_id, ask_id=ask.id, person_id=target.id))
        db.flush()
    else:
        # Someone who sees the ask through a ring, now asked directly: told once, like anyone asked.
        for row in ask.audience:
            if row.person_id == target.id and row.reason != AudienceReason.DIRECT.value:
                row.reason = AudienceReason.DIRECT.value
        db.flush()
    _notify_audience(db, ask=ask, me=_me(db, actor), actor=actor, now=now)


def _notify_audience(db: Session, *, ask: Ask, me: Person, actor: Actor, now: datetime) -> None:
    """Tell everyone the ask is shared with and not yet told; each person is told once."""
    for row in repository.audience_not_told(db, ask=ask):
        row.asked_directly_at = now
        _ask_directly_notify(db, ask=ask, me=me, person_id=row.person_id, actor=actor, now=now)
    db.flush()


def _ask_directly_notify(
    db: Session, *, ask: Ask, me: Person, person_id: int, actor: Actor, now: datetime
) -> None:
    target = people_repo.get_person(db, actor=actor, person_id=person_id)
    record(
        db,
        org_id=ask.org_id,
        kind=EntryKind.ASKED_DIRECTLY,
        actor_id=me.id,
        subject_id=target.id,
        ask_id=ask.id,
        at=now,
    )
    _tell(
        db,
        ask=ask,
        to=target,
        kind=NotificationKind.ASKED_DIRECTLY,
        text=f"{me.name} asked you directly: “{ask.title}”",
        now=now,
        actor_id=me.id,
    )


def coach_request(data: CoachRequest, *, tz: ZoneInfo, now: datetime) -> Review:
    """Live coaching of free text or of the ask form's fields (nothing is stored)."""
    if data.timezone:
        try:
            tz = ZoneInfo(data.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(
                "Unknown timezone.", fields={"timezone": "use an IANA name such as Europe/Berlin"}
            ) from None
    text = "\n".join(part for part in (data.title, data.text) if part.strip())
    if not text.strip() and not (data.what or data.why or data.action):
        raise InvalidInput("Write the ask first: there is nothing to coach yet.", fields={"text": "empty"})
    draft = AskDraft(
        text=text,
        what=data.what or None,
        why=data.why or None,
        action=data.action or None,
        effort_hours=data.effort_hours,
        due=rules.resolve_due(data.due, tz=tz),
    )
    guess = data.own_guess / 100 if data.own_guess is not None else None
    return review(draft, now=now, tz=tz, own_guess=guess)


def share_quietly(db: Session, *, ask: Ask, person_ids: list[int], reason: AudienceReason) -> int:
    """Let these people see the ask without telling anyone "asked you directly" (a ring shares each of
    its requests with its members this way); they never count toward responsiveness. Returns rows added."""
    existing = repository.audience_ids(db, ask=ask)
    new = [p for p in dict.fromkeys(person_ids) if p not in existing and p != ask.author_id]
    db.add_all(AskAudience(org_id=ask.org_id, ask_id=ask.id, person_id=p, reason=reason.value) for p in new)
    db.flush()
    return len(new)

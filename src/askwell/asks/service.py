"""Use cases of the asks domain: write, coach, open, offer, accept, finish, thank, close.

Each use case checks the rules, changes rows, appends to the ledger and emits what happened
(``core.events``: the inbox and live pages listen); it flushes and never commits (the route, job or command owns the transaction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from askwell.asks import repository, rules
from askwell.asks.actions import (
    AskAction,
    OfferAction,
    ask_facts,
    offer_facts,
    require_ask_action,
    require_offer_action,
)
from askwell.asks.coaching import AskDraft, Review, review
from askwell.asks.coaching.judge import Judge
from askwell.asks.errors import DueInPast, OfferTransitionNotAllowed, TransitionNotAllowed
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
from askwell.core.events import (
    AskClosed,
    AskedDirectly,
    AskOpened,
    HelpGiven,
    OfferAccepted,
    OfferDeclined,
    OfferEvent,
    OfferMade,
    ThanksGiven,
    emit,
)
from askwell.core.localtime import zone
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor


def _offer_event(
    db: Session,
    *,
    ask: Ask,
    offer: Offer,
    kind: EntryKind,
    actor_id: int,
    subject_id: int,
    event: OfferEvent,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    """What happened to an offer: appended to the ledger (the domain's own record, in the same
    transaction) and emitted for whoever listens (the inbox, live pages)."""
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
    emit(db, event)


def _ids(ask: Ask, offer: Offer, now: datetime) -> dict[str, Any]:
    """The fields every offer event carries."""
    return {
        "org_id": ask.org_id,
        "at": now,
        "ask_id": ask.id,
        "offer_id": offer.id,
        "author_id": ask.author_id,
        "helper_id": offer.helper_id,
    }


def _me(db: Session, actor: Actor) -> Person:
    return people_repo.get_person(db, actor=actor, person_id=actor.person_id)


def _tz(person: Person) -> ZoneInfo:
    return zone(person.timezone)


def coach(data: AskWrite, *, tz: ZoneInfo, now: datetime, judge: Judge | None = None) -> Review:
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
    return review(draft, now=now, tz=tz, own_guess=guess, judge=judge)


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
    repository.delete_tags(db, ask=ask)
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
    emit(db, AskOpened(org_id=ask.org_id, at=now, ask_id=ask.id, author_id=ask.author_id))
    _notify_audience(db, ask=ask, me=me, actor=actor, now=now)


def publish_ask(db: Session, *, actor: Actor, ask_id: int, now: datetime) -> Ask:
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require(ask, actor, AskAction.PUBLISH)
    _transition(ask, AskStatus.OPEN)
    if ask.due_at is not None and ask.due_at <= now:
        raise DueInPast()
    _open(db, ask, actor=actor, me=_me(db, actor), now=now)
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def update_ask(db: Session, *, actor: Actor, ask_id: int, data: AskWrite, now: datetime) -> Ask:
    """Edit an ask; the previous version is kept in its history."""
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require(ask, actor, AskAction.EDIT)
    db.add(
        AskRevision(
            org_id=ask.org_id,
            ask_id=ask.id,
            version=ask.version,
            snapshot=snapshot(ask),
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


def snapshot(ask: Ask) -> dict[str, Any]:
    """An ask's words and settings as its history keeps them (and its history page compares them)."""
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


def _require(ask: Ask, actor: Actor, action: AskAction) -> None:
    """The one check of who may do what to an ask (``asks.actions``, which pages read too)."""
    require_ask_action(ask_facts(ask), action, viewer_id=actor.person_id)


def _require_on_offer(ask: Ask, offer: Offer, actor: Actor, action: OfferAction) -> None:
    require_offer_action(ask_facts(ask), offer_facts(offer), action, viewer_id=actor.person_id)


def _transition(ask: Ask, target: AskStatus) -> None:
    if not rules.can_transition(ask.status, target):
        raise TransitionNotAllowed(ask.status, target)
    ask.status = target.value


def withdraw_ask(db: Session, *, actor: Actor, ask_id: int, now: datetime) -> Ask:
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require(ask, actor, AskAction.WITHDRAW)
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
    _require(ask, actor, AskAction.CLOSE)
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
    emit(
        db,
        AskClosed(
            org_id=ask.org_id, at=now, ask_id=ask.id, author_id=ask.author_id, outcome=data.outcome.value
        ),
    )
    return repository.get_ask(db, actor=actor, ask_id=ask.id)


def extend_ask(db: Session, *, actor: Actor, ask_id: int, data: AskExtend, now: datetime) -> Ask:
    """Give an ask a new due date; an expired ask opens again."""
    ask = repository.get_ask_for_update(db, actor=actor, ask_id=ask_id)
    _require(ask, actor, AskAction.EXTEND)
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
    _require(ask, actor, AskAction.OFFER)
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
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        kind=EntryKind.OFFER_MADE,
        actor_id=actor.person_id,
        subject_id=ask.author_id,
        event=OfferMade(**_ids(ask, offer, now)),
        now=now,
        data={"kind": data.kind.value},
    )
    return offer


def _offer_for(db: Session, actor: Actor, offer_id: int, action: OfferAction) -> tuple[Offer, Ask]:
    offer, ask = repository.get_offer(db, actor=actor, offer_id=offer_id)
    _require_on_offer(ask, offer, actor, action)
    return offer, ask


def _offer_transition(offer: Offer, target: OfferStatus) -> None:
    if not rules.can_offer_transition(offer.status, target):
        raise OfferTransitionNotAllowed(offer.status, target)
    offer.status = target.value


def accept_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    offer, ask = _offer_for(db, actor, offer_id, OfferAction.ACCEPT)
    _offer_transition(offer, OfferStatus.ACCEPTED)
    offer.responded_at = now
    if ask.status == AskStatus.OPEN.value:
        _transition(ask, AskStatus.IN_PROGRESS)
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        kind=EntryKind.OFFER_ACCEPTED,
        actor_id=actor.person_id,
        subject_id=offer.helper_id,
        event=OfferAccepted(**_ids(ask, offer, now)),
        now=now,
    )
    db.flush()
    return offer


def decline_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    offer, ask = _offer_for(db, actor, offer_id, OfferAction.DECLINE)
    _offer_transition(offer, OfferStatus.DECLINED)
    offer.responded_at = now
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        kind=EntryKind.OFFER_DECLINED,
        actor_id=actor.person_id,
        subject_id=offer.helper_id,
        event=OfferDeclined(**_ids(ask, offer, now)),
        now=now,
    )
    db.flush()
    return offer


def withdraw_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    offer, _ask = _offer_for(db, actor, offer_id, OfferAction.WITHDRAW)
    _offer_transition(offer, OfferStatus.WITHDRAWN)
    offer.responded_at = now
    db.flush()
    return offer


def complete_offer(db: Session, *, actor: Actor, offer_id: int, now: datetime) -> Offer:
    """The helper marks the help given, or the asker confirms they received it; the other side is told."""
    offer, ask = _offer_for(db, actor, offer_id, OfferAction.DONE)
    _mark_done(db, ask=ask, offer=offer, by_asker=actor.person_id == ask.author_id, now=now)
    db.flush()
    return offer


def _mark_done(db: Session, *, ask: Ask, offer: Offer, by_asker: bool, now: datetime) -> None:
    """Help given: the ledger credits the helper whoever records it (the asker knows it was done too)."""
    _offer_transition(offer, OfferStatus.DONE)
    offer.done_at = now
    _offer_event(
        db,
        ask=ask,
        offer=offer,
        kind=EntryKind.HELP_GIVEN,
        actor_id=offer.helper_id,
        subject_id=ask.author_id,
        event=HelpGiven(**_ids(ask, offer, now), by_asker=by_asker),
        now=now,
        data={"hours": offer.hours, "kind": offer.kind, "recorded_by": "asker" if by_asker else "helper"},
    )


def thank(db: Session, *, actor: Actor, offer_id: int, data: ThanksCreate, now: datetime) -> Thanks:
    offer, ask = _offer_for(db, actor, offer_id, OfferAction.THANK)
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
        kind=EntryKind.THANKS,
        actor_id=ask.author_id,
        subject_id=offer.helper_id,
        event=ThanksGiven(**_ids(ask, offer, now)),
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
    _require(ask, actor, AskAction.FINISH)
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
    _require(ask, actor, AskAction.ASK_DIRECTLY)
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
        _asked_directly(db, ask=ask, me=me, person_id=row.person_id, actor=actor, now=now)
    db.flush()


def _asked_directly(
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
    emit(db, AskedDirectly(org_id=ask.org_id, at=now, ask_id=ask.id, author_id=me.id, person_id=target.id))


def coach_request(data: CoachRequest, *, tz: ZoneInfo, now: datetime, judge: Judge | None = None) -> Review:
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
    return review(draft, now=now, tz=tz, own_guess=guess, judge=judge)


def share_quietly(db: Session, *, ask: Ask, person_ids: list[int], reason: AudienceReason) -> int:
    """Let these people see the ask without telling anyone "asked you directly" (a ring shares each of
    its requests with its members this way); they never count toward responsiveness. Returns rows added."""
    existing = repository.audience_ids(db, ask=ask)
    new = [p for p in dict.fromkeys(person_ids) if p not in existing and p != ask.author_id]
    db.add_all(AskAudience(org_id=ask.org_id, ask_id=ask.id, person_id=p, reason=reason.value) for p in new)
    db.flush()
    return len(new)

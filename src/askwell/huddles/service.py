"""Use cases of huddles: call one (helpers working now, a slot, an invitation), answer, cancel, record
the outcome (thanks go to the ledger like any thanks).

Invitations reach people twice: an inbox item (through the events, like everything else) and an email
with the calendar invitation attached (``.ics``, METHOD:REQUEST), queued on the outbox so that it
leaves only if the huddle is committed. A cancellation sends METHOD:CANCEL with the same UID and the
next SEQUENCE. Services flush and never commit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.edges import Attachment, Encode
from askwell.core.errors import InvalidInput
from askwell.core.events import HuddleCancelled, HuddleInvited, emit
from askwell.core.jobs import enqueue
from askwell.core.localtime import local_time, zone
from askwell.huddles import repository, rules
from askwell.huddles.errors import (
    HuddleOver,
    InvalidThanks,
    NobodyInWorkingHours,
    NotInvited,
    NotTheCaller,
    TooEarlyForOutcome,
)
from askwell.huddles.models import Huddle, HuddleInvite, HuddleStatus, InviteState
from askwell.huddles.schemas import (
    HuddleAnswer,
    HuddleCreate,
    HuddleOutcome,
    HuddleRead,
    HuddleReschedule,
    InviteRead,
)
from askwell.integrations import ics
from askwell.integrations.email import attachments_to_payload
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.matching import service as matching
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor

#: The calendar identity's domain part (RFC 5545 recommends a globally unique UID).
UID_DOMAIN = "askwell.invalid"
ICS_NAME = "huddle.ics"


def _person(p: Person) -> rules.Person:
    return rules.Person(p.id, zone(p.timezone), p.working_hours)


def _link(template: str, huddle_id: int) -> str:
    """The meeting link from the configured template; a template without ``{huddle_id}`` is used as is."""
    try:
        return template.format(huddle_id=huddle_id)
    except (KeyError, IndexError, ValueError):
        return template


def call_huddle(
    db: Session,
    *,
    actor: Actor,
    data: HuddleCreate,
    now: datetime,
    encode: Encode | None,
    link_template: str,
) -> Huddle:
    """Invite the best helpers who are working now to a short slot everyone's hours share.

    Nothing is written when nobody is in working hours (``NobodyInWorkingHours``, a clear message).
    """
    caller = people_repo.get_person(db, actor=actor, person_id=actor.person_id)
    if data.team_id is not None:
        people_repo.get_team(db, actor=actor, team_id=data.team_id)
    fit = matching.text_fit(db, org_id=actor.org_id, text=data.topic, now=now, encode=encode)
    teammates = repository.teammate_ids(db, actor=actor)
    people = repository.candidates(db, org_id=actor.org_id, team_id=data.team_id)
    today = now.astimezone(zone(caller.timezone)).date()
    candidates = [
        rules.HelperCandidate(
            person=_person(p),
            score=fit.get(p.id, 0.0),
            active=p.is_active,
            away=p.away_until is not None and p.away_until >= today,
            teammate=p.id in teammates,
        )
        for p in people
    ]
    chosen = rules.choose_helpers(candidates, caller_id=caller.id, now=now)
    found = rules.plan(_person(caller), [c.person for c in chosen], now=now, minutes=data.minutes)
    if found is None:
        raise NobodyInWorkingHours()
    huddle = Huddle(
        org_id=actor.org_id,
        caller_id=caller.id,
        topic=data.topic,
        starts_at=found.starts_at,
        ends_at=found.ends_at,
        uid="pending",
        link="",
        created_at=now,
        updated_at=now,
    )
    db.add(huddle)
    db.flush()
    huddle.uid = f"huddle-{huddle.org_id}-{huddle.id}@{UID_DOMAIN}"
    huddle.link = _link(link_template, huddle.id)[:500]
    invites = [HuddleInvite(org_id=actor.org_id, huddle_id=huddle.id, person_id=pid) for pid in found.helpers]
    db.add_all(invites)
    db.flush()
    for invite in invites:
        emit(
            db,
            HuddleInvited(
                org_id=actor.org_id,
                at=now,
                huddle_id=huddle.id,
                caller_id=caller.id,
                person_id=invite.person_id,
            ),
        )
    _send(db, huddle=huddle, caller=caller, method=ics.Method.REQUEST, now=now)
    return huddle


def _invitation(
    huddle: Huddle, caller: Person | None, attendees: list[Person], *, stamp: datetime
) -> ics.Invitation:
    organizer = (
        ics.Party(caller.name, caller.email)
        if caller is not None
        else ics.Party("Askwell", "askwell@localhost")
    )
    return ics.Invitation(
        uid=huddle.uid,
        sequence=huddle.sequence,
        summary=f"Huddle: {huddle.topic}",
        description=f"{organizer.name} called a short huddle about: {huddle.topic}",
        starts_at=huddle.starts_at,
        ends_at=huddle.ends_at,
        link=huddle.link,
        organizer=organizer,
        attendees=tuple(ics.Party(p.name, p.email) for p in attendees),
        stamp=stamp,
    )


def _send(
    db: Session, *, huddle: Huddle, caller: Person, method: ics.Method, now: datetime, moved: bool = False
) -> None:
    """Queue the invitation (or cancellation) for everyone on it, the caller included (their calendar too)."""
    invites = repository.invites_of(db, huddle=huddle)
    people = people_repo.people_by_ids(db, org_id=huddle.org_id, ids=[i.person_id for i in invites])
    attendees = [people[i.person_id] for i in invites if i.person_id in people]
    text = ics.build(_invitation(huddle, caller, attendees, stamp=now), method=method)
    attachment = Attachment(filename=ICS_NAME, content_type=ics.content_type(method), content=text)
    for person in [caller, *attendees]:
        if person.is_erased:
            continue
        when = local_time(huddle.starts_at, person.timezone, label=True)
        if method == ics.Method.CANCEL:
            subject = f"Cancelled: huddle about {huddle.topic}"
            body = f"{caller.name} cancelled the huddle planned for {when}."
        elif moved:
            subject = f"Moved to {when}: huddle about {huddle.topic}"
            body = (
                f"{caller.name} moved the huddle about “{huddle.topic}” to {when}.\n\nJoin: {huddle.link}"
                "\n\nThe updated invitation is attached: your calendar replaces the old one."
            )
        else:
            subject = f"Huddle at {when}: {huddle.topic}"
            body = (
                f"{caller.name} is stuck on “{huddle.topic}” and called a {_minutes(huddle)}-minute huddle "
                f"at {when}.\n\nJoin: {huddle.link}\n\nThe invitation is attached for your calendar."
            )
        payload: dict[str, Any] = {
            "to": person.email,
            "subject": subject[:200],
            "body": body,
            "attachments": attachments_to_payload((attachment,)),
        }
        enqueue(db, "email.send", payload, now=now, org_id=huddle.org_id)


def _minutes(huddle: Huddle) -> int:
    return int((huddle.ends_at - huddle.starts_at).total_seconds() // 60)


def _open(huddle: Huddle) -> None:
    if huddle.status != HuddleStatus.SCHEDULED.value:
        raise HuddleOver(huddle.status)


def answer(db: Session, *, actor: Actor, huddle_id: int, data: HuddleAnswer, now: datetime) -> HuddleInvite:
    """Join or can't; changing one's mind before the huddle is fine."""
    huddle = repository.get_huddle(db, actor=actor, huddle_id=huddle_id, for_update=True)
    _open(huddle)
    invite = next(
        (i for i in repository.invites_of(db, huddle=huddle) if i.person_id == actor.person_id), None
    )
    if invite is None:
        raise NotInvited()
    invite.state = (InviteState.JOINED if data.join else InviteState.CANT).value
    invite.answered_at = now
    db.flush()
    return invite


def cancel(db: Session, *, actor: Actor, huddle_id: int, now: datetime) -> Huddle:
    huddle = repository.get_huddle(db, actor=actor, huddle_id=huddle_id, for_update=True)
    if huddle.caller_id != actor.person_id:
        raise NotTheCaller("cancel it")
    _open(huddle)
    huddle.status = HuddleStatus.CANCELLED.value
    huddle.sequence += 1
    huddle.updated_at = now
    db.flush()
    caller = people_repo.get_person(db, actor=actor, person_id=actor.person_id)
    for invite in repository.invites_of(db, huddle=huddle):
        emit(
            db,
            HuddleCancelled(
                org_id=huddle.org_id,
                at=now,
                huddle_id=huddle.id,
                caller_id=caller.id,
                person_id=invite.person_id,
            ),
        )
    _send(db, huddle=huddle, caller=caller, method=ics.Method.CANCEL, now=now)
    return huddle


def reschedule(db: Session, *, actor: Actor, huddle_id: int, data: HuddleReschedule, now: datetime) -> Huddle:
    """Move a huddle (the caller only, before it is over): same UID, the next SEQUENCE, so each
    calendar replaces the invitation it holds instead of adding a second one."""
    huddle = repository.get_huddle(db, actor=actor, huddle_id=huddle_id, for_update=True)
    if huddle.caller_id != actor.person_id:
        raise NotTheCaller("move it")
    _open(huddle)
    caller = people_repo.get_person(db, actor=actor, person_id=actor.person_id)
    starts = data.starts_at
    if starts.tzinfo is None:
        starts = starts.replace(tzinfo=zone(caller.timezone))
    starts = starts.astimezone(UTC)
    if not now <= starts <= now + rules.MAX_RESCHEDULE:
        days = rules.MAX_RESCHEDULE.days
        raise InvalidInput(
            f"Choose a start between now and {days} days from now.",
            fields={"starts_at": f"Choose a start between now and {days} days from now."},
        )
    length = huddle.ends_at - huddle.starts_at
    huddle.starts_at, huddle.ends_at = starts, starts + length
    huddle.sequence += 1
    huddle.updated_at = now
    db.flush()
    _send(db, huddle=huddle, caller=caller, method=ics.Method.REQUEST, now=now, moved=True)
    return huddle


def record_outcome(
    db: Session, *, actor: Actor, huddle_id: int, data: HuddleOutcome, now: datetime
) -> Huddle:
    """Afterwards: resolved or not, and thanks to whom (each a ``thanks`` ledger entry, as for offers)."""
    huddle = repository.get_huddle(db, actor=actor, huddle_id=huddle_id, for_update=True)
    if huddle.caller_id != actor.person_id:
        raise NotTheCaller("record its outcome")
    _open(huddle)
    if now < huddle.starts_at:
        raise TooEarlyForOutcome()
    invites = {i.person_id: i for i in repository.invites_of(db, huddle=huddle)}
    if any(pid not in invites for pid in data.thank):
        raise InvalidThanks()
    huddle.status = HuddleStatus.DONE.value
    huddle.resolved = data.resolved
    huddle.outcome_note = data.note.strip()
    huddle.outcome_at = now
    huddle.updated_at = now
    for pid in dict.fromkeys(data.thank):
        invites[pid].thanked = True
        record(
            db,
            org_id=huddle.org_id,
            kind=EntryKind.THANKS,
            actor_id=actor.person_id,
            subject_id=pid,
            at=now,
            data={"huddle_id": huddle.id, "resolved": data.resolved},
        )
    db.flush()
    return huddle


# --- reading ----------------------------------------------------------------------------------------


def huddle_read(
    db: Session, *, actor: Actor, huddle: Huddle, invites: list[HuddleInvite] | None = None
) -> HuddleRead:
    invites = invites if invites is not None else repository.invites_of(db, huddle=huddle)
    names = people_repo.people_by_ids(
        db, org_id=huddle.org_id, ids=[huddle.caller_id, *(i.person_id for i in invites)]
    )

    def name(pid: int) -> str:
        person = names.get(pid)
        return person.name if person is not None else "Someone"

    mine = next((i.state for i in invites if i.person_id == actor.person_id), None)
    return HuddleRead(
        id=huddle.id,
        topic=huddle.topic,
        status=huddle.status,
        caller_id=huddle.caller_id,
        caller_name=name(huddle.caller_id),
        starts_at=huddle.starts_at,
        ends_at=huddle.ends_at,
        link=huddle.link,
        sequence=huddle.sequence,
        resolved=huddle.resolved,
        outcome_note=huddle.outcome_note,
        invites=[
            InviteRead(person_id=i.person_id, name=name(i.person_id), state=i.state, thanked=i.thanked)
            for i in invites
        ],
        my_state=mine,
    )


def my_huddles(db: Session, *, actor: Actor) -> list[HuddleRead]:
    huddles = repository.my_huddles(db, actor=actor)
    invites = repository.invites_by_huddle(db, org_id=actor.org_id, huddle_ids=[h.id for h in huddles])
    return [huddle_read(db, actor=actor, huddle=h, invites=invites[h.id]) for h in huddles]


def get(db: Session, *, actor: Actor, huddle_id: int) -> HuddleRead:
    return huddle_read(db, actor=actor, huddle=repository.get_huddle(db, actor=actor, huddle_id=huddle_id))


def invitation_ics(db: Session, *, actor: Actor, huddle_id: int) -> str:
    """The huddle's current calendar entry (REQUEST, or CANCEL once cancelled), for download."""
    huddle = repository.get_huddle(db, actor=actor, huddle_id=huddle_id)
    caller = people_repo.people_by_ids(db, org_id=huddle.org_id, ids=[huddle.caller_id]).get(huddle.caller_id)
    invites = repository.invites_of(db, huddle=huddle)
    people = people_repo.people_by_ids(db, org_id=huddle.org_id, ids=[i.person_id for i in invites])
    method = ics.Method.CANCEL if huddle.status == HuddleStatus.CANCELLED.value else ics.Method.REQUEST
    attendees = [people[i.person_id] for i in invites if i.person_id in people]
    return ics.build(_invitation(huddle, caller, attendees, stamp=huddle.updated_at), method=method)

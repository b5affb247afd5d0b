"""Ring pages: the list, setting one up, the ring's own page (join, your request, the live board,
offers in one click), the facilitator's member tools, and the ring's event log as JSON.

Every ring change is also written to the ring's event log (``GET /rings/{id}/events?after=SEQ``); the
board is a server-rendered partial that the ring's live stream sends again after each change
(``rings_stream``), and that its Refresh button fetches.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Path, Query, Request
from pydantic import ValidationError
from starlette.responses import JSONResponse, Response

from askwell.asks import service as asks_service
from askwell.asks.schemas import CoachingRead, CoachRequest, coaching_read
from askwell.core.db import MAX_ID
from askwell.core.errors import AskwellError, Conflict, InvalidInput, NotFound, PermissionDenied
from askwell.http.deps import Db, Now, PageActor, PagePerson
from askwell.http.params import parse_id
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.rings import repository, rules, service
from askwell.rings.models import (
    MemberStatus,
    RequestStatus,
    Ring,
    RingMember,
    RingMode,
    RingOfferKind,
    RingStatus,
)
from askwell.rings.schemas import RingCreate, RingInvite, RingOfferCreate, RingRequestCreate
from askwell.web.forms import blank_to_none, field_errors, field_label, human_message, split_list
from askwell.web.templating import is_partial, redirect, render

router = APIRouter()

RingId = Annotated[int, Path(ge=1, le=MAX_ID, description="A ring's id")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="A ring request's id")]
RingPersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="A person's id")]
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=5000)]
Flag = Annotated[str, Form(max_length=5)]
OFFER_BUTTONS = [(k.value, label) for k, (_kind, label) in rules.OFFER_KINDS.items()]
STATUS_WORDS = {
    RingStatus.PREPARING.value: "preparing",
    RingStatus.LIVE.value: "live now",
    RingStatus.PAUSED.value: "paused",
    RingStatus.OPEN.value: "open",
    RingStatus.CLOSED.value: "closed",
}


def _parse_date(raw: str, errors: dict[str, str], name: str = "due") -> date | None:
    """A date input's YYYY-MM-DD; a wrong one is a message beside the field."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = human_message({"type": "date_parsing"}, label=field_label(name))
        return None


def _coach_values(values: dict[str, Any], person: Person, now: datetime) -> CoachingRead | None:
    """The SMART review shown beside a ring request (the asks' own coaching; nothing is saved)."""
    try:
        data = CoachRequest(
            **blank_to_none(
                {
                    "title": str(values.get("title", ""))[:140],
                    "text": str(values.get("body", ""))[:5000],
                    "what": str(values.get("what", ""))[:1000],
                    "why": str(values.get("why", ""))[:1000],
                    "action": str(values.get("action", ""))[:1000],
                    "effort_hours": values.get("effort_hours", ""),
                },
                ("effort_hours",),
            ),
            due=_parse_date(str(values.get("due", "")), {}),
        )
        return coaching_read(asks_service.coach_request(data, tz=ZoneInfo(person.timezone), now=now))
    except (ValidationError, InvalidInput):
        return None


def refused(exc: AskwellError) -> bool:
    """Errors a ring page shows as a message on the page it came from; not-found and not-allowed stay
    errors (their status is the answer)."""
    return not isinstance(exc, NotFound | PermissionDenied)


def back(db: Db, url: str, exc: AskwellError) -> Response:
    db.rollback()
    return redirect(url, exc.message)


# --- the list and setting up -----------------------------------------------------------------------


@router.get("/rings")
def ring_list(request: Request, db: Db, actor: PageActor) -> Response:
    rings = repository.list_rings(db, actor=actor)
    counts = {r.id: len(repository.joined_ids(db, ring=r)) for r in rings}
    upcoming = [r for r in rings if r.status != RingStatus.CLOSED.value]
    finished = [r for r in rings if r.status == RingStatus.CLOSED.value]
    return render(
        request,
        "rings/list.html",
        {"upcoming": upcoming, "finished": finished, "counts": counts, "status_words": STATUS_WORDS},
    )


def _teams(db: Db, actor: Actor) -> list[Any]:
    return sorted(
        people_repo.teams_by_name(db, org_id=actor.org_id).values(), key=lambda t: t.name.casefold()
    )


def _new_page(
    request: Request, db: Db, actor: Actor, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    return render(
        request,
        "rings/new.html",
        {"values": values, "errors": errors, "teams": _teams(db, actor)},
        status_code=status,
    )


@router.get("/rings/new")
def new_ring_form(request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now) -> Response:
    local = now.astimezone(ZoneInfo(person.timezone))
    values = {
        "mode": RingMode.LIVE.value,
        "date": (local.date()).isoformat(),
        "time": "14:00",
        "duration_minutes": "60",
        "window_days": "5",
        "request_minutes": "3",
        "capacity": "30",
        "participate": True,
        "teams": [],
    }
    return _new_page(request, db, actor, values, {})


def _emails(db: Db, actor: Actor, raw: str, errors: dict[str, str]) -> list[int]:
    ids = []
    unknown = []
    for email in split_list(raw.replace("\n", ",").replace(";", ",")):
        person = people_repo.person_by_email(db, org_id=actor.org_id, email=email.strip().lower())
        if person is None:
            unknown.append(email)
        else:
            ids.append(person.id)
    if unknown:
        errors["invite"] = f"Nobody in your organization has the email {', '.join(unknown[:3])}."
    return ids


@router.post("/rings/new")
def create_ring(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    name: Short = "",
    purpose: Long = "",
    guidelines: Long = "",
    mode: Annotated[str, Form(max_length=10)] = "live",
    date_: Annotated[str, Form(alias="date", max_length=20)] = "",
    time_: Annotated[str, Form(alias="time", max_length=10)] = "",
    duration_minutes: Annotated[str, Form(max_length=6)] = "60",
    window_days: Annotated[str, Form(max_length=6)] = "5",
    request_minutes: Annotated[str, Form(max_length=6)] = "3",
    capacity: Annotated[str, Form(max_length=6)] = "30",
    open_call: Flag = "",
    leader_first: Flag = "",
    participate: Flag = "",
    invite: Long = "",
    teams: Annotated[list[str], Form(max_length=50)] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    values: dict[str, Any] = {
        "name": name,
        "purpose": purpose,
        "guidelines": guidelines,
        "mode": mode,
        "date": date_,
        "time": time_,
        "duration_minutes": duration_minutes,
        "window_days": window_days,
        "request_minutes": request_minutes,
        "capacity": capacity,
        "open_call": bool(open_call),
        "leader_first": bool(leader_first),
        "participate": bool(participate),
        "invite": invite,
        "teams": [i for i in (parse_id(t) for t in teams) if i is not None],
    }
    errors: dict[str, str] = {}
    day = _parse_date(date_, errors, "date")
    starts: datetime | None = None
    if day is not None:
        try:
            hour, minute = (int(p) for p in (time_ or "09:00").split(":")[:2])
            starts = datetime(day.year, day.month, day.day, hour, minute)
        except ValueError:
            errors["time"] = "Time needs to be a time of day, such as 14:30."
    elif "date" not in errors:
        errors["date"] = "Choose the day the ring starts."
    invited = _emails(db, actor, invite, errors)
    data = None
    try:
        data = RingCreate(
            **blank_to_none(
                {
                    "name": name,
                    "purpose": purpose,
                    "guidelines": guidelines,
                    "mode": mode,
                    "duration_minutes": duration_minutes,
                    "window_days": window_days,
                    "request_minutes": request_minutes,
                    "capacity": capacity,
                },
                ("duration_minutes", "window_days", "request_minutes", "capacity"),
            ),
            starts_at=starts or datetime(2000, 1, 1),
            open_call=bool(open_call),
            leader_first=bool(leader_first),
            participate=bool(participate),
            invite=invited,
            teams=values["teams"],
        )
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
    if data is not None and not errors:
        try:
            ring = service.create_ring(db, actor=actor, data=data, now=now)
        except (InvalidInput, NotFound) as exc:
            db.rollback()
            errors = {"__all__": exc.message, **(exc.fields if isinstance(exc, InvalidInput) else {})}
            if "starts_at" in errors:
                errors["date"] = errors.pop("starts_at")
        else:
            db.commit()
            return redirect(f"/rings/{ring.id}", "The ring is set up. Invite people and share its page.")
    return _new_page(request, db, actor, values, errors, status=422)


# --- the ring's page ---------------------------------------------------------------------------------


RingWide = tuple[list[tuple[RingMember, Person]], list[repository.BoardRow]]


def ring_wide(db: Db, ring: Ring) -> RingWide:
    """The part of a ring's pages that is the same for every reader: its members and its board."""
    return repository.members(db, ring=ring), repository.board(db, ring=ring)


def ring_context(
    db: Db, actor: Actor, person: Person, ring: Ring, now: datetime, *, shared: RingWide | None = None
) -> dict[str, Any]:
    """What the ring page, the board partial and the console share. ``shared``: the ring-wide part
    already read (live streams share one read of a ring among their readers)."""
    members, rows = shared if shared is not None else ring_wide(db, ring)
    ready = {row.requester_id for row in rows if row.request.status == RequestStatus.ACTIVE.value}
    mine = next((m for m, _ in members if m.person_id == actor.person_id), None)
    my_row = next((row for row in rows if row.requester_id == actor.person_id), None)
    # As service.can_facilitate, from the members already read.
    facilitator = actor.is_admin or (mine is not None and mine.facilitator)
    participants = [(m, p) for m, p in members if m.status == MemberStatus.JOINED.value]
    current = next((row for row in rows if row.request.position == ring.current_position), None)
    can_offer = (
        mine is not None
        and (mine.status == MemberStatus.JOINED.value or mine.facilitator)
        and rules.accepts_offers(ring.status)
    )
    offered = {
        row.request.id
        for row in rows
        for o in row.offers
        if o.helper_id == actor.person_id and o.status in ("proposed", "accepted", "done")
    }
    return {
        "ring": ring,
        "status_words": STATUS_WORDS,
        "members": members,
        "participants": participants,
        "not_ready": [
            (m, p)
            for m, p in members
            if m.status in (MemberStatus.JOINED.value, MemberStatus.INVITED.value)
            and m.person_id not in ready
        ],
        "ready": ready,
        "rows": rows,
        "current": current,
        "mine": mine,
        "my_row": my_row,
        "is_facilitator": facilitator,
        "can_offer": can_offer,
        "offered": offered,
        "offer_buttons": OFFER_BUTTONS,
        "kind_labels": {k.value: label for k, (_kind, label) in rules.OFFER_KINDS.items()},
        "remaining": service.remaining_seconds(ring, now=now),
        "can_join": mine is None
        or mine.status in (MemberStatus.INVITED.value, MemberStatus.LEFT.value, MemberStatus.HOSTING.value),
        "leader_name": next((p.name for _m, p in members if p.id == ring.leader_id), None),
        "now": now,
    }


@router.get("/rings/{ring_id}")
def ring_page(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ring_id: RingId
) -> Response:
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    context = ring_context(db, actor, person, ring, now)
    context["teams"] = _teams(db, actor) if context["is_facilitator"] else []
    return render(request, "rings/detail.html", context)


@router.get("/rings/{ring_id}/board")
def ring_board(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ring_id: RingId
) -> Response:
    """The live board (requests × offers) as a partial; a plain visit gets the ring page."""
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    context = ring_context(db, actor, person, ring, now)
    if not is_partial(request):
        context["teams"] = _teams(db, actor) if context["is_facilitator"] else []
        return render(request, "rings/detail.html", context)
    response = render(request, "rings/_board.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


@router.get("/rings/{ring_id}/events")
def ring_events(
    db: Db, actor: PageActor, ring_id: RingId, after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0
) -> Response:
    """The ring's changes after ``after`` (a sequence number), oldest first: the replay source for live
    pages (``Last-Event-ID``)."""
    found = service.events(db, actor=actor, ring_id=ring_id, after=after)
    return JSONResponse(
        {
            "ring_id": ring_id,
            "events": [
                {"seq": e.seq, "kind": e.kind, "payload": e.payload, "created_at": e.created_at.isoformat()}
                for e in found
            ],
        }
    )


@router.post("/rings/{ring_id}/join")
def join_ring(db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    try:
        service.join(db, actor=actor, ring_id=ring_id, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, f"/rings/{ring_id}", exc)
    db.commit()
    return redirect(f"/rings/{ring_id}", "You joined the ring. Prepare your one request.")


@router.post("/rings/{ring_id}/leave")
def leave_ring(db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    try:
        service.leave(db, actor=actor, ring_id=ring_id, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, f"/rings/{ring_id}", exc)
    db.commit()
    return redirect(f"/rings/{ring_id}", "You left the ring; your request was withdrawn.")


@router.post("/rings/{ring_id}/nudge")
def nudge(db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    try:
        sent = service.nudge(db, actor=actor, ring_id=ring_id, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, f"/rings/{ring_id}", exc)
    db.commit()
    return redirect(f"/rings/{ring_id}", f"Nudged {sent} {'person' if sent == 1 else 'people'}.")


@router.post("/rings/{ring_id}/invite")
def invite(
    db: Db,
    actor: PageActor,
    now: Now,
    ring_id: RingId,
    emails: Long = "",
    teams: Annotated[list[str], Form(max_length=50)] = [],  # noqa: B006
) -> Response:
    errors: dict[str, str] = {}
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    if not service.can_facilitate(db, ring=ring, actor=actor):
        raise PermissionDenied("Only the ring's facilitators can invite people.")
    people = _emails(db, actor, emails, errors)
    if errors:
        return redirect(f"/rings/{ring_id}", errors["invite"])
    team_ids = [i for i in (parse_id(t) for t in teams) if i is not None]
    try:
        added = service.invite(
            db, actor=actor, ring_id=ring_id, data=RingInvite(people=people, teams=team_ids), now=now
        )
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, f"/rings/{ring_id}", exc)
    db.commit()
    return redirect(f"/rings/{ring_id}", f"Invited {added} {'person' if added == 1 else 'people'}.")


@router.post("/rings/{ring_id}/members/{person_id}/role")
def member_role(
    db: Db,
    actor: PageActor,
    now: Now,
    ring_id: RingId,
    person_id: RingPersonId,
    role: Annotated[str, Form(max_length=20)] = "facilitator",
) -> Response:
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    if not service.can_facilitate(db, ring=ring, actor=actor):
        raise PermissionDenied("Only the ring's facilitators can change roles.")
    if role not in ("facilitator", "leader"):
        raise InvalidInput("Choose facilitator or leader.")
    try:
        service.set_role(db, actor=actor, ring_id=ring_id, person_id=person_id, role=role, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, f"/rings/{ring_id}", exc)
    db.commit()
    return redirect(
        f"/rings/{ring_id}",
        "The leader's request opens the ring." if role == "leader" else "Co-facilitator added.",
    )


@router.post("/rings/{ring_id}/requests/{request_id}/offers")
def offer(
    db: Db,
    actor: PageActor,
    now: Now,
    ring_id: RingId,
    request_id: RequestId,
    offer_kind: Annotated[str, Form(alias="offer", max_length=20)] = "help",
    note: Annotated[str, Form(max_length=500)] = "",
    back_to: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """One click: the button says which kind of offer; the note is optional."""
    target = f"/rings/{ring_id}/console" if back_to == "console" else f"/rings/{ring_id}"
    try:
        data = RingOfferCreate(
            kind=RingOfferKind(offer_kind)
            if offer_kind in RingOfferKind._value2member_map_
            else RingOfferKind.HELP,
            note=note,
        )
        service.make_offer(db, actor=actor, ring_id=ring_id, request_id=request_id, data=data, now=now)
    except ValidationError as exc:
        return redirect(target, " ".join(field_errors(exc).values()))
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, target, exc)
    db.commit()
    return redirect(
        target,
        "Offer sent: the requester sees it on the board and on their ask.",
        fragment=f"#request-{request_id}",
    )


# --- your request --------------------------------------------------------------------------------------


def _request_values(db: Db, actor: Actor, ring: Ring, tz: ZoneInfo) -> dict[str, Any]:
    from askwell.asks import repository as asks_repo

    found = repository.request_of(db, ring=ring, person_id=actor.person_id)
    if found is None or found.status != RequestStatus.ACTIVE.value:
        return {}
    ask = asks_repo.get_ask(db, actor=actor, ask_id=found.ask_id)
    return {
        "title": ask.title,
        "body": ask.body,
        "what": ask.what,
        "why": ask.why,
        "action": ask.action,
        "effort_hours": "" if ask.effort_hours is None else f"{ask.effort_hours:g}",
        "due": ask.due_at.astimezone(tz).date().isoformat() if ask.due_at else "",
        "tags": ", ".join(ask.tag_names),
        "ask_id": ask.id,
    }


def _request_page(
    request: Request,
    ring: Ring,
    values: dict[str, Any],
    errors: dict[str, str],
    coaching: CoachingRead | None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "rings/request.html",
        {
            "ring": ring,
            "values": values,
            "errors": errors,
            "coaching": coaching,
            "editing": bool(values.get("ask_id")),
        },
        status_code=status,
    )


@router.get("/rings/{ring_id}/request")
def request_form(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ring_id: RingId
) -> Response:
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    values = _request_values(db, actor, ring, ZoneInfo(person.timezone))
    coaching = _coach_values(values, person, now) if values else None
    return _request_page(request, ring, values, {}, coaching)


@router.post("/rings/{ring_id}/request")
def save_request(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ring_id: RingId,
    title: Short = "",
    body: Long = "",
    what: Long = "",
    why: Long = "",
    action: Long = "",
    effort_hours: Annotated[str, Form(max_length=20)] = "",
    due: Annotated[str, Form(max_length=20)] = "",
    tags: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Bring (or revise) one request, written like any ask with the SMART review beside it."""
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    existing = _request_values(db, actor, ring, ZoneInfo(person.timezone))
    values = {
        "title": title,
        "body": body,
        "what": what,
        "why": why,
        "action": action,
        "effort_hours": effort_hours.strip(),
        "due": due.strip(),
        "tags": tags,
        "ask_id": existing.get("ask_id"),
    }
    errors: dict[str, str] = {}
    due_day: date | None = _parse_date(due, errors)
    data = None
    try:
        data = RingRequestCreate(
            **blank_to_none(
                {
                    "title": title,
                    "body": body,
                    "what": what,
                    "why": why,
                    "action": action,
                    "effort_hours": values["effort_hours"],
                },
                ("effort_hours",),
            ),
            due=due_day,
            tags=split_list(tags),
        )
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
    coaching = _coach_values(values, person, now)
    if data is not None and not errors:
        try:
            if existing:
                service.update_request(db, actor=actor, ring_id=ring_id, data=data, now=now)
            else:
                service.submit_request(db, actor=actor, ring_id=ring_id, data=data, now=now)
        except (InvalidInput, Conflict) as exc:
            db.rollback()
            errors = {"__all__": exc.message}
            if isinstance(exc, InvalidInput):
                errors.update({k: v for k, v in exc.fields.items() if v not in ("empty", "invalid")})
        else:
            db.commit()
            return redirect(
                f"/rings/{ring_id}",
                "Your request is in the ring." if not existing else "Your request is updated.",
            )
    return _request_page(request, ring, values, errors, coaching, status=422)

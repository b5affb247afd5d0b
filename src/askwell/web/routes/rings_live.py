"""The ring's session pages: the facilitator console, the projector view, the assignment (propose,
adjust, confirm) and the report (page, CSV, printable with its SVG chart)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.core.errors import AskwellError, PermissionDenied
from askwell.http.deps import Ctx, Db, Now, PageActor, PagePerson
from askwell.http.params import parse_id
from askwell.matching.service import encoder
from askwell.rings import repository, rules, service
from askwell.rings.models import PairingStatus, RingStatus
from askwell.rings.schemas import ConsoleAction, PairingCreate
from askwell.web.forms import field_errors
from askwell.web.routes.rings import RingId, back, refused, ring_context
from askwell.web.templating import is_partial, redirect, render

router = APIRouter()

PairingId = Annotated[int, Path(ge=1, le=MAX_ID, description="A pairing's id")]
CONSOLE_VERBS = {"start", "next", "pause", "resume", "close"}


def _facilitating(db: Db, actor: Any, ring_id: int, action: str) -> Any:
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    if not service.can_facilitate(db, ring=ring, actor=actor):
        raise PermissionDenied(f"Only the ring's facilitators can {action}.")
    return ring


@router.get("/rings/{ring_id}/console")
def console_page(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ring_id: RingId
) -> Response:
    """The facilitator's console: the current request with its timer, the buttons, and the board."""
    ring = _facilitating(db, actor, ring_id, "run the session")
    context = ring_context(db, actor, person, ring, now)
    if is_partial(request):
        response = render(request, "rings/_console.html", context)
        response.headers["Vary"] = "HX-Request"
        return response
    return render(request, "rings/console.html", context)


@router.post("/rings/{ring_id}/console")
def console_action(
    db: Db,
    actor: PageActor,
    now: Now,
    ring_id: RingId,
    action: Annotated[str, Form(max_length=10)] = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Start, next, pause, resume or end. The form carries the version it showed: when another facilitator
    acted first, nothing changes and the console says so."""
    target = f"/rings/{ring_id}/console"
    try:
        data = ConsoleAction(action=action, version=parse_id(version) or 0)
    except ValidationError as exc:
        _facilitating(db, actor, ring_id, "run the session")
        return redirect(target, " ".join(field_errors(exc).values()))
    try:
        ring = service.console(db, actor=actor, ring_id=ring_id, data=data, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, target, exc)
    db.commit()
    words = {
        "start": "The ring is under way.",
        "next": "Next request.",
        "pause": "Paused.",
        "resume": "Resumed.",
        "close": "The ring is closed.",
    }
    return redirect(
        target if ring.status != RingStatus.CLOSED.value else f"/rings/{ring_id}/assignment",
        words[data.action],
    )


@router.get("/rings/{ring_id}/projector")
def projector(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ring_id: RingId
) -> Response:
    """The big screen: the current request, its offers and the timer, nothing else."""
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    context = ring_context(db, actor, person, ring, now)
    template = "rings/_projector.html" if is_partial(request) else "rings/projector.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


# --- assignment ---------------------------------------------------------------------------------------


@router.get("/rings/{ring_id}/assignment")
def assignment_page(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ring_id: RingId
) -> Response:
    ring = _facilitating(db, actor, ring_id, "see the assignment")
    view = service.assignment_of(db, actor=actor, ring_id=ring_id)
    context = ring_context(db, actor, person, ring, now)
    by_request: dict[int, list[Any]] = {}
    for p in view.pairings:
        by_request.setdefault(p.request_id, []).append(p)
    context |= {
        "assignment": view,
        "by_request": by_request,
        "proposed": [p for p in view.pairings if p.status == PairingStatus.PROPOSED.value],
        "confirmed": [p for p in view.pairings if p.status == PairingStatus.CONFIRMED.value],
    }
    return render(request, "rings/assignment.html", context)


@router.post("/rings/{ring_id}/assignment")
def propose(db: Db, actor: PageActor, ctx: Ctx, now: Now, ring_id: RingId) -> Response:
    target = f"/rings/{ring_id}/assignment"
    try:
        view = service.propose_assignment(
            db, actor=actor, ring_id=ring_id, now=now, encode=encoder(ctx.edges)
        )
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, target, exc)
    db.commit()
    message = (
        view.message
        or f"Proposed {len(view.pairings)} pairing{'s' if len(view.pairings) != 1 else ''}: check them, then confirm."
    )
    return redirect(target, message)


@router.post("/rings/{ring_id}/assignment/confirm")
def confirm(db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    target = f"/rings/{ring_id}/assignment"
    try:
        done = service.confirm_assignment(db, actor=actor, ring_id=ring_id, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, target, exc)
    db.commit()
    return redirect(
        target,
        f"Confirmed {len(done)} pairing{'s' if len(done) != 1 else ''}: each is an accepted offer now.",
    )


@router.post("/rings/{ring_id}/pairings")
def add_pairing(
    db: Db,
    actor: PageActor,
    now: Now,
    ring_id: RingId,
    request_id: Annotated[str, Form(max_length=12)] = "",
    helper_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    target = f"/rings/{ring_id}/assignment"
    try:
        data = PairingCreate(request_id=parse_id(request_id) or 0, helper_id=parse_id(helper_id) or 0)
    except ValidationError:
        _facilitating(db, actor, ring_id, "pair people")
        return redirect(target, "Choose a request and a participant to pair.")
    try:
        service.add_pairing(db, actor=actor, ring_id=ring_id, data=data, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, target, exc)
    db.commit()
    return redirect(target, "Pairing added.")


@router.post("/rings/{ring_id}/pairings/{pairing_id}/remove")
def remove_pairing(db: Db, actor: PageActor, now: Now, ring_id: RingId, pairing_id: PairingId) -> Response:
    target = f"/rings/{ring_id}/assignment"
    try:
        service.remove_pairing(db, actor=actor, ring_id=ring_id, pairing_id=pairing_id, now=now)
    except AskwellError as exc:
        if not refused(exc):
            raise
        return back(db, target, exc)
    db.commit()
    return redirect(target, "Pairing removed; it will not be proposed again.")


# --- the report -----------------------------------------------------------------------------------------


def _report_context(db: Db, actor: Any, ring_id: int, now: Any) -> dict[str, Any]:
    view = service.report(db, actor=actor, ring_id=ring_id, now=now)
    return {
        "ring": repository.get_ring(db, actor=actor, ring_id=ring_id),
        "report": view.report,
        "chart": rules.comparison_chart(view.ring_figures, view.ordinary_figures),
        "pct": rules.percent,
    }


@router.get("/rings/{ring_id}/report")
def report_page(request: Request, db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    return render(request, "rings/report.html", _report_context(db, actor, ring_id, now))


@router.get("/rings/{ring_id}/report/print")
def report_print(request: Request, db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    return render(request, "rings/report_print.html", _report_context(db, actor, ring_id, now))


@router.get("/rings/{ring_id}/report.csv")
def report_csv(db: Db, actor: PageActor, now: Now, ring_id: RingId) -> Response:
    view = service.report(db, actor=actor, ring_id=ring_id, now=now)
    out = io.StringIO()
    csv.writer(out).writerows(service.report_csv_rows(view))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="ring-{ring_id}-report.csv"'},
    )

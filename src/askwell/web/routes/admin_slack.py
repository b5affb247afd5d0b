"""Administration → Slack: install the Slack app into the organization (OAuth v2), see its status,
match people by email and link someone by hand. The bot token is never shown."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.core.errors import AskwellError
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.slack import service
from askwell.slack.schemas import LinkWrite
from askwell.web.forms import field_errors
from askwell.web.routes.admin import _admin
from askwell.web.templating import redirect, render

router = APIRouter()


def _callback_url(request: Request, ctx: Ctx) -> str:
    return f"{ctx.settings.public_url(str(request.base_url))}/admin/slack/callback"


def _page(request: Request, db: Db, ctx: Ctx, actor: Actor, *, status: int = 200, **extra: Any) -> Response:
    installation, links = service.status(db, actor=actor)
    people = people_repo.people_by_ids(db, org_id=actor.org_id, ids=None, active_only=True)
    linked = {link.person_id for link in links}
    names = {pid: p.name for pid, p in people.items()}
    base = ctx.settings.public_url(str(request.base_url))
    context: dict[str, Any] = {
        "installation": installation,
        "links": [(names.get(link.person_id, "A former member"), link) for link in links],
        "unlinked": sorted((p.name, pid) for pid, p in people.items() if pid not in linked),
        "configured": service.configured(ctx.settings),
        "urls": {
            "events": f"{base}/integrations/slack/events",
            "commands": f"{base}/integrations/slack/commands",
            "interactions": f"{base}/integrations/slack/interactions",
            "redirect": _callback_url(request, ctx),
        },
        "form": {"values": {}, "errors": {}},
        **extra,
    }
    return render(request, "admin/slack.html", context, status_code=status)


@router.get("/admin/slack")
def slack_page(request: Request, db: Db, ctx: Ctx, actor: PageActor) -> Response:
    return _page(request, db, ctx, _admin(actor))


@router.post("/admin/slack/install")
def start_install(request: Request, db: Db, ctx: Ctx, actor: PageActor, now: Now) -> Response:
    url = service.start_install(
        db, actor=_admin(actor), settings=ctx.settings, redirect_uri=_callback_url(request, ctx), now=now
    )
    db.commit()
    return RedirectResponse(url, status_code=303)


@router.get("/admin/slack/callback")
def finish_install(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    code: Annotated[str, Query(max_length=500)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Where Slack sends the admin back: the state checked and used up, the code exchanged (with no
    transaction open), the installation saved."""
    _admin(actor)
    if error:
        return redirect("/admin/slack", f"Slack did not install the app ({error[:60]}).")
    service.claim_state(db, actor=actor, state=state, now=now)
    db.commit()
    granted = service.exchange(code=code, settings=ctx.settings, redirect_uri=_callback_url(request, ctx))
    service.save_installation(db, actor=actor, granted=granted, settings=ctx.settings, now=now)
    db.commit()
    return redirect("/admin/slack", "Slack is connected. People are being matched by email.")


@router.post("/admin/slack/match")
def match(db: Db, actor: PageActor, now: Now) -> Response:
    service.rematch(db, actor=_admin(actor), now=now)
    db.commit()
    return redirect("/admin/slack", "Matching people by email; refresh in a minute.")


@router.post("/admin/slack/links")
def link(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    person_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    slack_user_id: Annotated[str, Form(max_length=64)],
) -> Response:
    _admin(actor)
    values = {"person_id": person_id, "slack_user_id": slack_user_id}
    try:
        service.link_by_hand(db, actor=actor, data=LinkWrite(**values), now=now)
    except ValidationError as exc:
        db.rollback()
        return _page(
            request, db, ctx, actor, status=422, form={"values": values, "errors": field_errors(exc)}
        )
    except AskwellError as exc:
        db.rollback()
        if exc.status_code == 404:
            raise
        errors = getattr(exc, "fields", None) or {"slack_user_id": exc.message}
        return _page(
            request, db, ctx, actor, status=exc.status_code, form={"values": values, "errors": errors}
        )
    db.commit()
    return redirect("/admin/slack", "Linked.")


@router.post("/admin/slack/links/{person_id}/remove")
def unlink(db: Db, actor: PageActor, person_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    service.unlink(db, actor=_admin(actor), person_id=person_id)
    db.commit()
    return redirect("/admin/slack", "Unlinked.")


@router.post("/admin/slack/delete")
def remove(db: Db, actor: PageActor) -> Response:
    service.remove(db, actor=_admin(actor))
    db.commit()
    return redirect("/admin/slack", "Slack removed from this organization.")

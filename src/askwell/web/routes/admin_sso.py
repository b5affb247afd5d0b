"""Administration → Single sign-on: the organization's OpenID Connect provider.

The client secret is a write-only field: the page says whether one is stored, never what it is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import Response

from askwell.core.errors import InvalidInput
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.sso import service
from askwell.sso.schemas import SsoSettingsUpdate
from askwell.web.forms import field_errors
from askwell.web.routes.admin import _admin
from askwell.web.templating import redirect, render

router = APIRouter()


def _page(request: Request, db: Db, ctx: Ctx, actor: Actor, *, status: int = 200, **form: Any) -> Response:
    current = service.settings_read(db, actor=actor)
    values = current.model_dump() if current is not None else {"allowed_domains": [], "enabled": True}
    values["allowed_domains"] = ", ".join(current.allowed_domains) if current is not None else ""
    org_slug = people_repo.get_organization(db, actor.org_id).slug
    context: dict[str, Any] = {
        "current": current,
        "form": {"values": values, "errors": {}},
        "login_url": f"{ctx.settings.public_url(str(request.base_url))}/auth/oidc/{org_slug}/login",
        "callback_url": f"{ctx.settings.public_url(str(request.base_url))}/auth/oidc/{org_slug}/callback",
        **form,
    }
    return render(request, "admin/sso.html", context, status_code=status)


@router.get("/admin/sso")
def sso_page(request: Request, db: Db, ctx: Ctx, actor: PageActor) -> Response:
    return _page(request, db, ctx, _admin(actor))


@router.post("/admin/sso")
def save_sso(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    issuer: Annotated[str, Form(max_length=600)] = "",
    client_id: Annotated[str, Form(max_length=400)] = "",
    client_secret: Annotated[str, Form(max_length=600)] = "",
    allowed_domains: Annotated[str, Form(max_length=5000)] = "",
    sso_only: Annotated[str | None, Form(max_length=5)] = None,
    enabled: Annotated[str | None, Form(max_length=5)] = None,
) -> Response:
    _admin(actor)
    domains = [d for d in allowed_domains.replace("\n", ",").split(",") if d.strip()]
    # Never echo the secret back into the form, even on an error.
    values = {
        "issuer": issuer,
        "client_id": client_id,
        "allowed_domains": allowed_domains,
        "sso_only": sso_only is not None,
        "enabled": enabled is not None,
    }
    try:
        data = SsoSettingsUpdate(
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
            allowed_domains=domains,
            sso_only=sso_only is not None,
            enabled=enabled is not None,
        )
        service.configure(db, actor=actor, data=data, now=now)
    except ValidationError as exc:
        db.rollback()
        return _page(
            request, db, ctx, actor, status=422, form={"values": values, "errors": field_errors(exc)}
        )
    except InvalidInput as exc:
        db.rollback()
        errors = exc.fields or {"issuer": exc.message}
        return _page(request, db, ctx, actor, status=422, form={"values": values, "errors": errors})
    db.commit()
    return redirect("/admin/sso", "Single sign-on settings saved.")


@router.post("/admin/sso/delete")
def remove_sso(db: Db, actor: PageActor) -> Response:
    service.remove(db, actor=_admin(actor))
    db.commit()
    return redirect("/admin/sso", "Single sign-on removed: people sign in with their passwords again.")

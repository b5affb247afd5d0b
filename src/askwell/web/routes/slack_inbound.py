"""What Slack posts to us: events, slash commands and interactions (``/integrations/slack/*``).

These routes are public and carry no cookies or CSRF token: each request is authenticated by Slack's
signature instead (``integrations.slack_api.signature_valid``: the app's signing secret over
``v0:{timestamp}:{body}``, refused when older than five minutes). An unsigned, forged or stale
request gets 401 and changes nothing. The composition root mounts this router without the CSRF
dependency, since a signed request from Slack can never be a browser's forged form.

Slack wants an answer within three seconds, so each route validates, calls one service, commits,
and answers; every call back to Slack's Web API is a job queued in that transaction.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import JSONResponse, PlainTextResponse, Response

from askwell.core.errors import AskwellError
from askwell.http.deps import Ctx, Db, Now
from askwell.integrations.slack_api import signature_valid
from askwell.slack import blocks, service
from askwell.slack.schemas import SlashCommand

log = logging.getLogger(__name__)


def _obj(value: object) -> dict[str, Any]:
    """A JSON object from Slack's payload, or empty when it is missing or not an object."""
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


router = APIRouter(prefix="/integrations/slack", include_in_schema=False)

#: Slack's payloads are small (a modal's state, a command's 4,000 characters); anything bigger is junk.
MAX_BODY = 64 * 1024


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


def _verified(request: Request, ctx: Any, body: bytes) -> None:
    if len(body) > MAX_BODY:
        raise _Refused(413, "Request too large.")
    secret = ctx.settings.slack_signing_secret
    ok = signature_valid(
        secret=secret.get_secret_value() if secret is not None else "",
        body=body,
        headers={k.lower(): v for k, v in request.headers.items()},
        now=lambda: ctx.edges.clock.now().timestamp(),
    )
    if not ok:
        raise _Refused(401, "Slack signature missing, invalid or too old.")


def _form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}


def _ephemeral(text: str) -> JSONResponse:
    return JSONResponse({"response_type": "ephemeral", "text": text})


def _refusal(exc: _Refused) -> Response:
    return PlainTextResponse(exc.message, status_code=exc.status)


@router.post("/events")
def events(request: Request, body: RawBody, db: Db, ctx: Ctx, now: Now) -> Response:
    """The Events API: the URL check when the app is set up, App Home opened, and the app's removal
    from a workspace."""
    try:
        _verified(request, ctx, body)
        payload = json.loads(body)
    except _Refused as exc:
        return _refusal(exc)
    except ValueError:
        return PlainTextResponse("Body is not JSON.", status_code=400)
    if not isinstance(payload, dict):
        return PlainTextResponse("Body is not a JSON object.", status_code=400)
    if payload.get("type") == "url_verification":
        return JSONResponse({"challenge": str(payload.get("challenge", ""))[:200]})
    event = _obj(payload.get("event"))
    if payload.get("type") == "event_callback" and event.get("type") in ("app_uninstalled", "tokens_revoked"):
        reason = (
            "The app was uninstalled from Slack."
            if event["type"] == "app_uninstalled"
            else ("Slack revoked the app's tokens.")
        )
        service.uninstalled(db, team_id=str(payload.get("team_id", ""))[:32], reason=reason, now=now)
        db.commit()
    elif payload.get("type") == "event_callback" and event.get("type") == "app_home_opened":
        try:
            service.publish_home(
                db,
                team_id=str(payload.get("team_id", ""))[:32],
                user_id=str(event.get("user", ""))[:32],
                base_url=ctx.settings.public_url(str(request.base_url)),
                now=now,
            )
        except AskwellError as exc:  # an unknown user or a switched-off installation: nothing to show
            db.rollback()
            log.info("slack: app home not published: %s", exc.message)
        else:
            db.commit()
    return Response(status_code=200)


@router.post("/commands")
def commands(request: Request, body: RawBody, db: Db, ctx: Ctx, now: Now) -> Response:
    """``/ask [text]``: open the ask modal, pre-filled (through a ``views.open`` job)."""
    try:
        _verified(request, ctx, body)
        command = SlashCommand.model_validate(_form(body))
    except _Refused as exc:
        return _refusal(exc)
    except (ValidationError, UnicodeDecodeError):
        return _ephemeral("Slack sent a command we could not read. Please try again.")
    if command.command != "/ask":
        return _ephemeral(f"Askwell does not know {command.command[:40]}; try /ask.")
    try:
        service.open_ask_modal(
            db,
            team_id=command.team_id,
            user_id=command.user_id,
            trigger_id=command.trigger_id,
            text=command.text,
            now=now,
        )
    except AskwellError as exc:
        db.rollback()
        return _ephemeral(exc.message)
    db.commit()
    return Response(status_code=200)


@router.post("/interactions")
def interactions(request: Request, body: RawBody, db: Db, ctx: Ctx, now: Now) -> Response:
    """The modal's submission, its live coaching as the person types, and the outreach DM's Claim /
    Can't buttons and Suggest someone picker."""
    try:
        _verified(request, ctx, body)
        payload = json.loads(_form(body).get("payload", ""))
    except _Refused as exc:
        return _refusal(exc)
    except (ValueError, UnicodeDecodeError):
        return PlainTextResponse("No interaction payload.", status_code=400)
    if not isinstance(payload, dict):
        return PlainTextResponse("No interaction payload.", status_code=400)
    team = _id(payload.get("team"))
    user = _id(payload.get("user"))
    try:
        if payload.get("type") == "view_submission":
            view = _obj(payload.get("view"))
            if view.get("callback_id") != blocks.ASK_CALLBACK:
                return Response(status_code=200)
            base = ctx.settings.public_url(str(request.base_url))
            answer = service.submit_ask(db, team_id=team, user_id=user, view=view, base_url=base, now=now)
            if answer.get("response_action") == "errors":
                db.rollback()
            else:
                db.commit()
            return JSONResponse(answer)
        if payload.get("type") == "block_actions":
            view = _obj(payload.get("view"))
            if view.get("callback_id") == blocks.ASK_CALLBACK:
                service.coach_live(db, team_id=team, user_id=user, view=view, now=now)
            else:
                _buttons(db, payload, team=team, user=user, now=now)
            db.commit()
    except AskwellError as exc:
        db.rollback()
        if payload.get("type") == "view_submission":
            return JSONResponse(
                {"response_action": "errors", "errors": {blocks.TITLE_BLOCK: exc.message[:150]}}
            )
        log.info("slack: interaction refused: %s", exc.message)
    return Response(status_code=200)


def _id(value: object) -> str:
    found = value.get("id") if isinstance(value, dict) else None
    return str(found)[:32] if isinstance(found, str) else ""


def _buttons(db: Db, payload: dict[str, Any], *, team: str, user: str, now: Any) -> None:
    actions = _list(payload.get("actions"))
    container = _obj(payload.get("container"))
    for action in actions[:1]:
        if not isinstance(action, dict) or action.get("action_id") not in (
            blocks.CLAIM,
            blocks.CANT,
            blocks.SUGGEST,
            blocks.OFFER,
        ):
            continue
        # Buttons carry their route's (or, for "I can help", their ask's) id as their value; the user
        # picker names its route in its block id.
        value = str(action.get("value") or str(action.get("block_id", "")).removeprefix("route:"))
        if not value.isdigit() or not 0 < int(value) < 2**31:
            continue
        service.answer_button(
            db,
            team_id=team,
            user_id=user,
            action=str(action["action_id"]),
            target_id=int(value),
            channel=str(container.get("channel_id", ""))[:32],
            ts=str(container.get("message_ts", ""))[:32],
            now=now,
            suggested_user=str(action.get("selected_user", ""))[:32],
        )

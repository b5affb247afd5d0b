"""The "Who can help" panel of an ask (an htmx partial) and its one-click "Ask them directly"."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from askwell.asks import repository as asks_repo
from askwell.asks import service as asks_service
from askwell.asks.actions import AskAction, ask_actions, ask_facts
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.http.params import Id
from askwell.matching import service
from askwell.matching.embeddings import EmbeddingModelMissing
from askwell.web.form_action import Refusal, form_action
from askwell.web.templating import redirect, render

router = APIRouter()


@router.get("/asks/{ask_id}/suggestions")
def suggestions_panel(request: Request, db: Db, actor: PageActor, now: Now, ctx: Ctx, ask_id: Id) -> Response:
    """Rendered into the ask page after it loads, so the page never waits for the model."""
    try:
        # A GET never writes: a new ask's vector is computed in memory; the embed job stores it.
        result = service.suggest(
            db, actor=actor, ask_id=ask_id, now=now, encode=service.encoder(ctx.edges), persist=False
        )
    except EmbeddingModelMissing as exc:
        # 200 so that htmx swaps the message into the panel instead of leaving it spinning.
        db.rollback()
        return render(
            request, "asks/_suggestions.html", {"ask_id": ask_id, "result": None, "error": exc.message}
        )
    ask = asks_repo.get_ask(db, actor=actor, ask_id=ask_id)
    asked = {a.person_id for a in ask.audience if a.asked_directly_at is not None}
    return render(
        request,
        "asks/_suggestions.html",
        {
            "ask_id": ask_id,
            "result": result,
            "error": None,
            "asked": asked,
            "can_ask": AskAction.ASK_DIRECTLY in ask_actions(ask_facts(ask), viewer_id=actor.person_id),
        },
    )


@router.post("/asks/{ask_id}/suggestions/{person_id}/ask")
def ask_suggested_person(db: Db, actor: PageActor, now: Now, ask_id: Id, person_id: Id) -> Response:
    """One click: share the ask with that person and notify them (once, however often it is clicked)."""

    def act() -> Response:
        asks_service.ask_directly(db, actor=actor, ask_id=ask_id, person_id=person_id, now=now)
        return redirect(
            f"/asks/{ask_id}", "Asked directly: they have been notified.", fragment="#who-can-help"
        )

    def again(refusal: Refusal) -> Response:
        # The panel is loaded into the ask page: the reason comes back as the page's message.
        return redirect(f"/asks/{ask_id}", refusal.errors["__all__"], fragment="#who-can-help")

    return form_action(db, act, again=again)

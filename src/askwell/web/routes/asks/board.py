"""The ask board: open asks, mine, my team's and the ones I offered on, searchable and paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from askwell.asks import repository
from askwell.http.deps import Db, Now, PageActor, PagePerson
from askwell.web.routes.asks.common import due_text
from askwell.web.templating import is_partial, page_url, render

router = APIRouter()

PAGE_SIZE = 20
TABS = (("open", "Open"), ("mine", "Mine"), ("team", "My team"), ("offered", "I offered"))


def _board_url(scope: str, q: str, tag: str, page: int = 1) -> str:
    return page_url("/asks", {"scope": "" if scope == "open" else scope, "q": q, "tag": tag}, page)


@router.get("/asks")
def board(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    scope: Annotated[str, Query(pattern="^(open|mine|team|offered)$")] = "open",
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=60)] = "",
    page: Annotated[int, Query(ge=1, le=50_000)] = 1,
) -> Response:
    result = repository.board(
        db,
        actor=actor,
        scope=scope,
        query=q,
        tag=tag,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        now=now,
    )
    pages = max(1, -(-result.total // PAGE_SIZE))
    context: dict[str, Any] = {
        "asks": result.asks,
        "offer_counts": result.offer_counts,
        "due": {a.id: due_text(a, person, now) for a in result.asks if a.due_at is not None},
        "total": result.total,
        "page": page,
        "pages": pages,
        "scope": scope,
        "q": q,
        "tag": tag,
        "tabs": [(key, label, _board_url(key, q, tag)) for key, label in TABS],
        "prev_url": _board_url(scope, q, tag, page - 1) if page > 1 else None,
        "next_url": _board_url(scope, q, tag, page + 1) if page < pages else None,
    }
    template = "asks/_board.html" if is_partial(request) else "asks/board.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response

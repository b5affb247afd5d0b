"""An ask's history: every version, newest first, each marking what the next edit changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from askwell.asks import repository, service
from askwell.asks.due_text import describe_due
from askwell.asks.models import Ask
from askwell.core.localtime import local_time
from askwell.http.deps import Db, Now, PageActor, PagePerson
from askwell.http.params import AskId
from askwell.web.templating import render

router = APIRouter()

HISTORY_FIELDS = (
    ("title", "Title"),
    ("body", "Text"),
    ("what", "What"),
    ("why", "Why"),
    ("action", "Action"),
    ("effort_hours", "Effort (hours)"),
    ("due_at", "Due"),
    ("visibility", "Visible to"),
    ("tags", "Tags"),
)


def _current(ask: Ask) -> dict[str, Any]:
    now = service.snapshot(ask)
    return {key: now[key] for key, _ in HISTORY_FIELDS}


@router.get("/asks/{ask_id}/history")
def ask_history(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ask_id: AskId
) -> Response:
    """Every version, newest first; each earlier one marks what the next edit changed."""
    revisions = service.history(db, actor=actor, ask_id=ask_id)
    ask = repository.get_ask(db, actor=actor, ask_id=ask_id)

    def due_text(value: object) -> object:
        # Due moments read as everywhere else: the author's clock, and the viewer's where it differs.
        if not isinstance(value, str):
            return value
        return describe_due(
            datetime.fromisoformat(value),
            viewer_tz=person.timezone,
            author_tz=ask.author.timezone,
            author_name=ask.author.name,
            viewer_is_author=ask.author_id == person.id,
            now=now,
        ).text

    later = _current(ask)
    versions = []
    for revision in revisions:
        snapshot = {key: revision.snapshot.get(key) for key, _ in HISTORY_FIELDS}
        changed = {key for key, _ in HISTORY_FIELDS if snapshot[key] != later.get(key)}
        versions.append(
            {
                "version": revision.version,
                "edited_at": local_time(
                    revision.edited_at, person.timezone, fmt="%-d %B %Y, %H:%M", label=True
                ),
                "fields": {**snapshot, "due_at": due_text(snapshot["due_at"])},
                "changed": changed,
            }
        )
        later = snapshot
    current = _current(ask)
    return render(
        request,
        "asks/history.html",
        {
            "ask": ask,
            "current": {**current, "due_at": due_text(current["due_at"])},
            "versions": versions,
            "labels": HISTORY_FIELDS,
        },
    )

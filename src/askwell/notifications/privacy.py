"""The notifications domain's part of a privacy request.

An erased person's own notifications and settings go. Other people's notifications that name them
(they acted, or it was about their ask) stay, since they are the recipient's history. They keep only
ids, rendered when read, so the replaced name and words show by themselves; what is stored as words
(the text of rows from before 0004, a reconnect message they wrote) is replaced here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.notifications import repository
from askwell.notifications.inbox import render
from askwell.people.policy import Actor


def erase_notifications(
    db: Session,
    *,
    org_id: int,
    person_id: int,
    old_name: str,
    ask_ids: list[int],
    old_texts: list[str],
    name_now: str,
    text_now: str,
) -> None:
    repository.delete_person_rows(db, org_id=org_id, person_id=person_id)
    # Longest first and the name last, so that a text containing another, or the name, is replaced whole.
    replacements = [(t, text_now) for t in sorted(set(old_texts), key=len, reverse=True) if t]
    replacements += [(old_name, name_now)] if old_name and old_name != name_now else []
    for note in repository.naming(db, org_id=org_id, person_id=person_id, ask_ids=ask_ids):
        if note.text is not None:
            note.text = _replace(note.text, replacements)
        if note.note is not None:
            note.note = text_now if note.actor_id == person_id else _replace(note.note, replacements)
    db.flush()


def _replace(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        text = text.replace(old, new)
    return text


def export_notifications(db: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """The person's inbox as they read it (written now, through the same rendering as the page)."""
    rows = repository.all_of(db, org_id=actor.org_id, person_id=actor.person_id)
    return [
        {
            "kind": n.kind,
            "text": n.text,
            "about": {"kind": n.target.kind.value, "id": n.target.id},
            "created_at": n.created_at.isoformat(),
            "read_at": _iso(n.read_at),
        }
        for n in render(db, actor=actor, rows=rows)
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None

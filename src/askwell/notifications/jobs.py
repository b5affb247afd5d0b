"""Email for notifications, delivered by the worker after the commit that created them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.core.jobs import JobContext, JobRegistry
from askwell.integrations.email import Email


def _email_notification(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    sender = ctx.services.get("email")
    # Without SMTP the inbox is the channel; logging every notification would only add noise.
    if sender is None or not getattr(sender, "delivers", True):
        return
    base = ctx.services.get("base_url", "")
    sender.send(
        Email(
            to=str(payload["to"]),
            subject=f"Askwell: {payload['subject']}",
            body=f"{payload['subject']}\n\nOpen it in Askwell: {base}{payload.get('link', '')}\n",
        )
    )


def register(registry: JobRegistry) -> None:
    registry.add("notifications.email", _email_notification)

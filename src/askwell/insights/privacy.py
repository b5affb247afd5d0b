"""The insights part of a person's right of access: their own rollup rows, pattern and sharing choice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from askwell.insights import repository
from askwell.insights.models import COUNTERS
from askwell.insights.service import org_of, pattern_of
from askwell.people.policy import Actor


def export_balance(db: Session, *, actor: Actor, now: datetime) -> dict[str, object]:
    """The person's own rollup rows and pattern, for their personal data export."""
    org = org_of(db, actor.org_id)
    share = repository.share_of(db, org_id=actor.org_id, person_id=actor.person_id)
    days = repository.person_days(db, org_id=actor.org_id, person_id=actor.person_id, since=date(1970, 1, 1))
    return {
        "individual_analytics": org.individual_analytics,
        "shared_with_lead": bool(share and share.with_lead),
        "pattern": pattern_of(db, org_id=actor.org_id, person_id=actor.person_id, now=now).value
        if org.individual_analytics
        else None,
        "days": [{"day": d.day.isoformat(), **{c: getattr(d, c) for c in COUNTERS}} for d in days],
    }

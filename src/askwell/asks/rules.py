"""The ask lifecycle and who may see an ask: pure rules over plain values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from askwell.asks.models import AskStatus, OfferStatus, Visibility
from askwell.core.clock import local_at

S = AskStatus

CLOSED = frozenset({S.FULFILLED, S.PARTLY_FULFILLED, S.UNFULFILLED, S.WITHDRAWN})
OUTCOMES = frozenset({S.FULFILLED, S.PARTLY_FULFILLED, S.UNFULFILLED})
ACTIVE = frozenset({S.OPEN, S.IN_PROGRESS})
#: Offers still waiting for their helper or the author: proposed, or accepted and not yet done.
PENDING_OFFER = frozenset({OfferStatus.PROPOSED, OfferStatus.ACCEPTED})

# draft → open → (in progress) → fulfilled | partly fulfilled | unfulfilled | withdrawn | expired.
# An expired ask can be extended (back to open) or closed with its outcome.
TRANSITIONS: dict[AskStatus, frozenset[AskStatus]] = {
    S.DRAFT: frozenset({S.OPEN, S.WITHDRAWN}),
    S.OPEN: frozenset({S.IN_PROGRESS, *OUTCOMES, S.WITHDRAWN, S.EXPIRED}),
    S.IN_PROGRESS: frozenset({S.OPEN, *OUTCOMES, S.WITHDRAWN, S.EXPIRED}),
    S.EXPIRED: frozenset({S.OPEN, *OUTCOMES, S.WITHDRAWN}),
    S.FULFILLED: frozenset(),
    S.PARTLY_FULFILLED: frozenset(),
    S.UNFULFILLED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.PROPOSED: frozenset({OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN}),
    OfferStatus.ACCEPTED: frozenset({OfferStatus.DONE, OfferStatus.WITHDRAWN}),
    OfferStatus.DECLINED: frozenset(),
    OfferStatus.DONE: frozenset(),
    OfferStatus.WITHDRAWN: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return AskStatus(target) in TRANSITIONS[AskStatus(current)]


def can_offer_transition(current: str, target: str) -> bool:
    return OfferStatus(target) in OFFER_TRANSITIONS[OfferStatus(current)]


def accepts_offers(status: str) -> bool:
    return AskStatus(status) in ACTIVE


def is_overdue(status: str, due_at: datetime | None, *, now: datetime) -> bool:
    """Still waiting for help after its due moment (the expiry job closes it 48 h later)."""
    return AskStatus(status) in ACTIVE and due_at is not None and due_at <= now


# --- finishing an ask -------------------------------------------------------------------------------


def help_received(offer_statuses: Iterable[str]) -> bool:
    """Someone's help is done and none that was accepted is still under way: time to close, not to look."""
    statuses = [OfferStatus(s) for s in offer_statuses]
    return OfferStatus.DONE in statuses and OfferStatus.ACCEPTED not in statuses


def default_outcome(offer_statuses: Iterable[str]) -> AskStatus | None:
    """The outcome to preselect when closing: fulfilled once help was accepted or given.

    Without any help there is no honest default (solved elsewhere, or given up?): the author chooses,
    and the form says why it asks.
    """
    helped = {OfferStatus.ACCEPTED, OfferStatus.DONE}
    return S.FULFILLED if any(OfferStatus(s) in helped for s in offer_statuses) else None


# --- publishing on purpose --------------------------------------------------------------------------

# Below this review score most of what a helper needs (what, why, the action, by when) is missing; the
# demo's one-line "Help with stuff" scores 10, a title alone about 50, a complete ask 70 and more.
LOW_SCORE = 40


def publish_concerns(*, body: str, score: int | None) -> list[str]:
    """Why posting this ask to everyone deserves a second look; empty when it can go out as it is.

    Posting tells everyone it is shared with at once, so an ask sent by accident (Enter in the title)
    or half-written is asked about before it goes out, never silently refused.
    """
    concerns = []
    if not body.strip():
        concerns.append("It has no text beyond the title, so helpers cannot tell what you need.")
    if score is not None and score < LOW_SCORE:
        concerns.append(
            f"Its review scores {score}/100: asks that say what, why, the action and by when get help more often."
        )
    return concerns


@dataclass(frozen=True)
class AskAccess:
    """What visibility depends on, without the database."""

    author_id: int
    status: str
    visibility: str
    team_id: int | None
    audience: frozenset[int]
    helpers: frozenset[int] = frozenset()


def can_view(ask: AskAccess, *, viewer_id: int, viewer_teams: frozenset[int]) -> bool:
    """Drafts are the author's; private asks are for the people named, the author and their helpers."""
    if viewer_id == ask.author_id:
        return True
    if ask.status == AskStatus.DRAFT:
        return False
    if viewer_id in ask.audience or viewer_id in ask.helpers:
        return True
    if ask.visibility == Visibility.ORG:
        return True
    if ask.visibility == Visibility.TEAM:
        return ask.team_id is not None and ask.team_id in viewer_teams
    return False


END_OF_DAY = time(17, 0)


def resolve_due(due: datetime | date | None, *, tz: ZoneInfo) -> datetime | None:
    """A due date in the author's timezone → an aware UTC instant.

    A bare date means the end of that working day (17:00 local); a naive time is local.
    """
    if due is None:
        return None
    if isinstance(due, datetime):
        local = due if due.tzinfo is not None else local_at(due.date(), due.time(), tz)
    else:
        local = local_at(due, END_OF_DAY, tz)
    return local.astimezone(UTC)

"""Every query of the asks domain, scoped to what the acting person may see.

``visible_asks`` is the single definition of visibility in SQL; it mirrors ``rules.can_view``
(a test checks they agree). Boards, pages, API, search and suggestions all start from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from askwell.asks.errors import AskNotFound, OfferNotFound
from askwell.asks.helpable import MIN_TITLE_SKILL
from askwell.asks.models import (
    Ask,
    AskAudience,
    AskRevision,
    AskStatus,
    AskTag,
    AudienceReason,
    Offer,
    OfferStatus,
    Thanks,
    Visibility,
)
from askwell.asks.rules import ACTIVE, PENDING_OFFER
from askwell.core.db import rows_affected
from askwell.people.models import Person, TeamMembership
from askwell.people.policy import Actor

MAX_PAGE = 100


def _visible(actor: Actor) -> ColumnElement[bool]:
    shared = select(AskAudience.ask_id).where(
        AskAudience.org_id == actor.org_id, AskAudience.person_id == actor.person_id
    )
    helped = select(Offer.ask_id).where(Offer.org_id == actor.org_id, Offer.helper_id == actor.person_id)
    return and_(
        Ask.org_id == actor.org_id,
        or_(
            Ask.author_id == actor.person_id,
            and_(
                Ask.status != AskStatus.DRAFT.value,
                or_(
                    Ask.visibility == Visibility.ORG.value,
                    and_(
                        Ask.visibility == Visibility.TEAM.value, Ask.team_id.in_(sorted(actor.teams) or [-1])
                    ),
                    Ask.id.in_(shared),
                    Ask.id.in_(helped),
                ),
            ),
        ),
    )


def visible_asks(actor: Actor) -> Select[Ask]:
    """Asks this person may see: their own, their org's, their team's, and private ones shared with them."""
    return select(Ask).where(_visible(actor))


def _with_details(stmt: Select[Ask]) -> Select[Ask]:
    # populate_existing: an ask already in the session gets fresh collections (new offers, thanks).
    return stmt.execution_options(populate_existing=True).options(
        selectinload(Ask.tags),
        selectinload(Ask.author),
        selectinload(Ask.audience),
        selectinload(Ask.offers).selectinload(Offer.helper),
        selectinload(Ask.offers).selectinload(Offer.thanks),
    )


def get_ask(db: Session, *, actor: Actor, ask_id: int) -> Ask:
    ask = db.scalar(_with_details(visible_asks(actor).where(Ask.id == ask_id)))
    if ask is None:
        raise AskNotFound()
    return ask


def get_ask_for_update(db: Session, *, actor: Actor, ask_id: int) -> Ask:
    """As ``get_ask``, locking the row on PostgreSQL so concurrent transitions serialise."""
    ask = db.scalar(visible_asks(actor).where(Ask.id == ask_id).with_for_update())
    if ask is None:
        raise AskNotFound()
    return get_ask(db, actor=actor, ask_id=ask_id)


def get_offer(db: Session, *, actor: Actor, offer_id: int) -> tuple[Offer, Ask]:
    """An offer on an ask the actor may see (the helper can always see their own offers)."""
    ask_id = db.scalar(select(Offer.ask_id).where(Offer.org_id == actor.org_id, Offer.id == offer_id))
    if ask_id is None:
        raise OfferNotFound()
    try:
        ask = get_ask(db, actor=actor, ask_id=ask_id)
    except AskNotFound:
        raise OfferNotFound() from None
    offer = next(o for o in ask.offers if o.id == offer_id)
    return offer, ask


def audience_ids(db: Session, *, ask: Ask) -> set[int]:
    """Who an ask is shared with (named on a private ask, or asked directly)."""
    return set(
        db.scalars(
            select(AskAudience.person_id).where(
                AskAudience.org_id == ask.org_id, AskAudience.ask_id == ask.id
            )
        )
    )


def audience_not_told(db: Session, *, ask: Ask) -> list[AskAudience]:
    return list(
        db.scalars(
            select(AskAudience).where(
                AskAudience.org_id == ask.org_id,
                AskAudience.ask_id == ask.id,
                AskAudience.asked_directly_at.is_(None),
                AskAudience.reason == AudienceReason.DIRECT.value,
            )
        )
    )


def revisions(db: Session, *, ask: Ask) -> list[AskRevision]:
    """Earlier versions of an ask, newest first (the caller has already checked visibility)."""
    return list(
        db.scalars(
            select(AskRevision)
            .where(AskRevision.org_id == ask.org_id, AskRevision.ask_id == ask.id)
            .order_by(AskRevision.version.desc())
        )
    )


@dataclass(frozen=True)
class BoardPage:
    asks: list[Ask]
    offer_counts: dict[int, int]
    total: int
    limit: int
    offset: int


SCOPES = ("open", "mine", "team", "offered", "all")


def board(
    db: Session,
    *,
    actor: Actor,
    scope: str = "open",
    query: str = "",
    tag: str = "",
    limit: int = 20,
    offset: int = 0,
    now: datetime | None = None,
) -> BoardPage:
    """The ask board: a bounded number of queries whatever the page size (count, page, tags, authors, offers).

    Given ``now``, asks still waiting past their due moment come first (they need help soonest, and
    are labelled overdue), then the newest.
    """
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    stmt = select(Ask.id).where(_visible(actor))
    if scope == "open":
        stmt = stmt.where(Ask.status.in_([s.value for s in ACTIVE]))
    elif scope == "mine":
        stmt = stmt.where(Ask.author_id == actor.person_id)
    elif scope == "team":
        stmt = stmt.where(
            Ask.status.in_([s.value for s in ACTIVE]),
            or_(Ask.team_id.in_(sorted(actor.teams) or [-1]), Ask.author_id.in_(_teammates(actor))),
        )
    elif scope == "offered":
        stmt = stmt.where(
            Ask.id.in_(
                select(Offer.ask_id).where(Offer.org_id == actor.org_id, Offer.helper_id == actor.person_id)
            )
        )
    else:
        stmt = stmt.where(Ask.status != AskStatus.DRAFT.value)
    for word in query.lower().split()[:5]:
        pattern = f"%{_escape_like(word)}%"
        stmt = stmt.where(
            or_(
                func.lower(Ask.title).like(pattern, escape="\\"),
                func.lower(Ask.body).like(pattern, escape="\\"),
            )
        )
    if tag.strip():
        stmt = stmt.where(
            Ask.id.in_(
                select(AskTag.ask_id).where(
                    AskTag.org_id == actor.org_id, AskTag.key == tag.strip().casefold()
                )
            )
        )
    # One scan gives the page and the total (a window count), instead of a count query plus a page query.
    order: list[ColumnElement[Any]] = [Ask.created_at.desc(), Ask.id.desc()]
    if now is not None:
        overdue = and_(Ask.status.in_([s.value for s in ACTIVE]), Ask.due_at.is_not(None), Ask.due_at <= now)
        order.insert(0, case((overdue, 0), else_=1))
    rows = db.execute(
        stmt.add_columns(func.count().over()).order_by(*order).limit(limit).offset(offset)
    ).all()
    page_ids = [row[0] for row in rows]
    total = int(rows[0][1]) if rows else db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    asks = list(
        db.scalars(
            select(Ask)
            .where(Ask.org_id == actor.org_id, Ask.id.in_(page_ids or [-1]))
            .options(
                selectinload(Ask.tags),
                selectinload(Ask.author).load_only(Person.id, Person.name, Person.timezone),
            )
        )
    )
    asks.sort(key=lambda a: page_ids.index(a.id))
    counts = dict(
        db.execute(
            select(Offer.ask_id, func.count())
            .where(Offer.org_id == actor.org_id, Offer.ask_id.in_(page_ids or [-1]))
            .group_by(Offer.ask_id)
        ).all()
    )
    return BoardPage(asks=asks, offer_counts=counts, total=total, limit=limit, offset=offset)


def _teammates(actor: Actor) -> Select[int]:
    return select(TeamMembership.person_id).where(
        TeamMembership.org_id == actor.org_id, TeamMembership.team_id.in_(sorted(actor.teams) or [-1])
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def open_commitments(db: Session, *, org_id: int, person_ids: list[int]) -> dict[int, int]:
    """Accepted, not yet done offers per helper: their current load."""
    return dict(
        db.execute(
            select(Offer.helper_id, func.count())
            .where(
                Offer.org_id == org_id, Offer.helper_id.in_(person_ids or [-1]), Offer.status == "accepted"
            )
            .group_by(Offer.helper_id)
        ).all()
    )


# --- for the worker's jobs: system-wide scans, each row then handled in its own organization ----


def due_soon(db: Session, *, start: datetime, end: datetime) -> list[Ask]:
    return list(
        db.scalars(
            select(Ask).where(
                Ask.status.in_([s.value for s in ACTIVE]),
                Ask.due_at.is_not(None),
                Ask.due_at > start,
                Ask.due_at <= end,
                Ask.due_reminded_at.is_(None),
            )
        )
    )


def overdue(db: Session, *, before: datetime) -> list[Ask]:
    return list(
        db.scalars(
            select(Ask).where(
                Ask.status.in_([s.value for s in ACTIVE]), Ask.due_at.is_not(None), Ask.due_at < before
            )
        )
    )


def stale_accepted_offers(db: Session, *, accepted_before: datetime) -> list[Offer]:
    return list(
        db.scalars(
            select(Offer).where(
                Offer.status == "accepted", Offer.responded_at < accepted_before, Offer.reminded_at.is_(None)
            )
        )
    )


# --- the home dashboard: my open asks, my offers, and asks I could help with ----------------------


def my_open_asks(db: Session, *, actor: Actor, limit: int = 5) -> tuple[list[Ask], dict[int, int]]:
    """The actor's own active asks, newest first, with their offer counts (two queries)."""
    asks = list(
        db.scalars(
            select(Ask)
            .where(
                Ask.org_id == actor.org_id,
                Ask.author_id == actor.person_id,
                Ask.status.in_([s.value for s in ACTIVE]),
            )
            .order_by(Ask.created_at.desc(), Ask.id.desc())
            .limit(max(1, min(limit, MAX_PAGE)))
        )
    )
    counts = dict(
        db.execute(
            select(Offer.ask_id, func.count())
            .where(Offer.org_id == actor.org_id, Offer.ask_id.in_([a.id for a in asks] or [-1]))
            .group_by(Offer.ask_id)
        ).all()
    )
    return asks, counts


@dataclass(frozen=True)
class OfferLine:
    """One of my offers as a list shows it: what I offered on which ask, and where it stands."""

    offer_id: int
    ask_id: int
    ask_title: str
    kind: str
    status: str


def my_open_offers(db: Session, *, actor: Actor, limit: int = 5) -> list[OfferLine]:
    """Offers the actor made that still wait (proposed or accepted) on asks that are still active."""
    rows = db.execute(
        select(Offer.id, Offer.ask_id, Ask.title, Offer.kind, Offer.status)
        .join(Ask, (Ask.org_id == Offer.org_id) & (Ask.id == Offer.ask_id))
        .where(
            Offer.org_id == actor.org_id,
            Offer.helper_id == actor.person_id,
            Offer.status.in_(["proposed", "accepted"]),
            Ask.status.in_([s.value for s in ACTIVE]),
        )
        .order_by(Offer.created_at.desc(), Offer.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
    ).all()
    return [OfferLine(*row) for row in rows]


@dataclass(frozen=True)
class HelpCandidates:
    """Open asks that may suit a helper, with what the ranking needs to say why."""

    asks: list[Ask]
    asked_directly: frozenset[int]
    teammates: frozenset[int]


def help_candidates(db: Session, *, actor: Actor, skills: list[str], limit: int = 60) -> HelpCandidates:
    """Active asks the actor may see, by others, not yet offered on, that name one of the actor's
    skills (as a tag or in the title), come from the actor's teams, or were shared with the actor.

    A bounded number of queries (teammates, asks, their tags and authors, the audience) whatever the
    number of asks; the title match is a coarse LIKE that ``asks.helpable`` confirms word by word.
    """
    teammates = frozenset(db.scalars(_teammates(actor))) - {actor.person_id}
    keys = sorted({s.casefold() for s in skills if s.strip()})
    shared = select(AskAudience.ask_id).where(
        AskAudience.org_id == actor.org_id, AskAudience.person_id == actor.person_id
    )
    offered = select(Offer.ask_id).where(Offer.org_id == actor.org_id, Offer.helper_id == actor.person_id)
    tagged = select(AskTag.ask_id).where(AskTag.org_id == actor.org_id, AskTag.key.in_(keys or [""]))
    reasons = [
        Ask.id.in_(shared),
        Ask.id.in_(tagged),
        Ask.team_id.in_(sorted(actor.teams) or [-1]),
        Ask.author_id.in_(sorted(teammates) or [-1]),
        *(
            func.lower(Ask.title).like(f"%{_escape_like(k)}%", escape="\\")
            for k in keys
            if len(k) >= MIN_TITLE_SKILL
        ),
    ]
    asks = list(
        db.scalars(
            select(Ask)
            .where(
                _visible(actor),
                Ask.author_id != actor.person_id,
                Ask.status.in_([s.value for s in ACTIVE]),
                Ask.id.not_in(offered),
                or_(*reasons),
            )
            .options(selectinload(Ask.tags), selectinload(Ask.author).load_only(Person.id, Person.name))
            .order_by(Ask.created_at.desc(), Ask.id.desc())
            .limit(max(1, min(limit, MAX_PAGE)))
        )
    )
    asked = frozenset(
        db.scalars(
            select(AskAudience.ask_id).where(
                AskAudience.org_id == actor.org_id,
                AskAudience.person_id == actor.person_id,
                AskAudience.ask_id.in_([a.id for a in asks] or [-1]),
            )
        )
    )
    return HelpCandidates(asks=asks, asked_directly=asked, teammates=teammates)


def visible_ids(db: Session, *, actor: Actor, ask_ids: Iterable[int]) -> set[int]:
    """Which of these asks the actor may still see (an inbox line must not leak an unshared title)."""
    ids = set(ask_ids)
    if not ids:
        return set()
    return set(db.scalars(visible_asks(actor).where(Ask.id.in_(ids)).with_only_columns(Ask.id)))


def delete_tags(db: Session, *, ask: Ask) -> None:
    """The ask's tags, before the edited list is written in their place."""
    db.execute(delete(AskTag).where(AskTag.org_id == ask.org_id, AskTag.ask_id == ask.id))


# --- claims for scheduled jobs: a conditional update that only one worker's run wins -------------------


def _won(db: Session, stmt: Any) -> bool:
    return rows_affected(db.execute(stmt.execution_options(synchronize_session=False))) == 1


def claim_due_reminder(db: Session, *, ask: Ask, now: datetime) -> bool:
    return _won(
        db, update(Ask).where(Ask.id == ask.id, Ask.due_reminded_at.is_(None)).values(due_reminded_at=now)
    )


def claim_expiry(db: Session, *, ask: Ask, now: datetime) -> bool:
    """Expire the ask unless it was closed (or expired by another run) meanwhile."""
    return _won(
        db,
        update(Ask)
        .where(Ask.id == ask.id, Ask.status.in_([s.value for s in ACTIVE]))
        .values(status=AskStatus.EXPIRED.value, updated_at=now),
    )


def claim_offer_reminder(db: Session, *, offer: Offer, now: datetime) -> bool:
    return _won(
        db, update(Offer).where(Offer.id == offer.id, Offer.reminded_at.is_(None)).values(reminded_at=now)
    )


# --- one person's writing: their data download and their erasure (``asks.privacy``) ----------------


def asks_by_author(db: Session, *, org_id: int, person_id: int) -> list[Ask]:
    return list(
        db.scalars(select(Ask).where(Ask.org_id == org_id, Ask.author_id == person_id).order_by(Ask.id))
    )


def offers_by_helper(db: Session, *, org_id: int, person_id: int) -> list[Offer]:
    return list(
        db.scalars(
            select(Offer).where(Offer.org_id == org_id, Offer.helper_id == person_id).order_by(Offer.id)
        )
    )


def offers_on(db: Session, *, org_id: int, ask_ids: Iterable[int]) -> list[Offer]:
    ids = sorted(set(ask_ids))
    if not ids:
        return []
    return list(
        db.scalars(select(Offer).where(Offer.org_id == org_id, Offer.ask_id.in_(ids)).order_by(Offer.id))
    )


def tag_names_of(db: Session, *, org_id: int, ask_ids: Iterable[int]) -> dict[int, list[str]]:
    """Ask id → its tags in order."""
    ids = sorted(set(ask_ids))
    tags: dict[int, list[str]] = {}
    if not ids:
        return tags
    for ask_id, name in db.execute(
        select(AskTag.ask_id, AskTag.name)
        .where(AskTag.org_id == org_id, AskTag.ask_id.in_(ids))
        .order_by(AskTag.ask_id, AskTag.position)
    ):
        tags.setdefault(ask_id, []).append(name)
    return tags


def thanks_from(db: Session, *, org_id: int, person_id: int) -> list[Thanks]:
    return list(
        db.scalars(
            select(Thanks).where(Thanks.org_id == org_id, Thanks.from_id == person_id).order_by(Thanks.id)
        )
    )


def thanks_to(db: Session, *, org_id: int, person_id: int) -> list[Thanks]:
    return list(
        db.scalars(
            select(Thanks).where(Thanks.org_id == org_id, Thanks.to_id == person_id).order_by(Thanks.id)
        )
    )


def withdraw_pending_offers(
    db: Session, *, org_id: int, now: datetime, on_asks: Iterable[int] = (), by_helper: int | None = None
) -> None:
    """Withdraw the offers still pending on these asks, or made by this helper (nobody will follow them up)."""
    pending = [s.value for s in PENDING_OFFER]
    ids = sorted(set(on_asks))
    if ids:
        db.execute(
            update(Offer)
            .where(Offer.org_id == org_id, Offer.ask_id.in_(ids), Offer.status.in_(pending))
            .values(status=OfferStatus.WITHDRAWN.value, responded_at=now)
        )
    if by_helper is not None:
        db.execute(
            update(Offer)
            .where(Offer.org_id == org_id, Offer.helper_id == by_helper, Offer.status.in_(pending))
            .values(status=OfferStatus.WITHDRAWN.value, responded_at=now)
        )


def replace_words_of(db: Session, *, org_id: int, person_id: int, ask_ids: Iterable[int], text: str) -> None:
    """Replace what a person wrote outside their asks' own rows: their offers' messages and thank-you
    notes become ``text``; their asks' tags and earlier versions, and their place in audiences, go."""
    ids = sorted(set(ask_ids))
    if ids:
        db.execute(delete(AskTag).where(AskTag.org_id == org_id, AskTag.ask_id.in_(ids)))
        db.execute(delete(AskRevision).where(AskRevision.org_id == org_id, AskRevision.ask_id.in_(ids)))
    db.execute(delete(AskAudience).where(AskAudience.org_id == org_id, AskAudience.person_id == person_id))
    db.execute(
        update(Offer)
        .where(Offer.org_id == org_id, Offer.helper_id == person_id, Offer.message != "")
        .values(message=text)
    )
    db.execute(
        update(Thanks)
        .where(Thanks.org_id == org_id, Thanks.from_id == person_id, Thanks.note != "")
        .values(note=text)
    )


# --- the organization export ----------------------------------------------------------------------


def org_asks_in_order(db: Session, *, org_id: int) -> list[Ask]:
    """Every ask with tags, audience, offers and thanks, in (created_at, id) order: the export's refs."""
    return list(
        db.scalars(
            select(Ask)
            .where(Ask.org_id == org_id)
            .options(
                selectinload(Ask.tags),
                selectinload(Ask.audience),
                selectinload(Ask.offers).selectinload(Offer.thanks),
            )
            .order_by(Ask.created_at, Ask.id)
        )
    )


def org_ask_ids_in_order(db: Session, *, org_id: int) -> list[int]:
    """The ids of ``org_asks_in_order``, in the same order."""
    return list(db.scalars(select(Ask.id).where(Ask.org_id == org_id).order_by(Ask.created_at, Ask.id)))


def org_revisions(db: Session, *, org_id: int) -> list[AskRevision]:
    """Every saved revision, by ask then version."""
    return list(
        db.scalars(
            select(AskRevision)
            .where(AskRevision.org_id == org_id)
            .order_by(AskRevision.ask_id, AskRevision.version)
        )
    )


def org_offer_asks(db: Session, *, org_id: int) -> list[tuple[int, int]]:
    """(offer id, ask id) for every offer, by offer id: offers are numbered within their ask."""
    return [
        (offer_id, ask_id)
        for offer_id, ask_id in db.execute(
            select(Offer.id, Offer.ask_id).where(Offer.org_id == org_id).order_by(Offer.id)
        )
    ]

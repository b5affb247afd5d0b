"""Every query of matching: profile sources, stored embeddings, candidates and their history.

All of it is scoped to one organization; the service decides, from the ask the actor may see, which
organization that is. Nothing here reads the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from askwell.asks.models import Ask, AskAudience, AskStatus, AskTag, Offer, OfferStatus, Thanks
from askwell.matching.embeddings import DIMENSION, MODEL_NAME, model_version
from askwell.matching.models import Embedding, RankerModelRecord
from askwell.matching.profiles import HelpRecord, ProfileSource
from askwell.people.models import Organization, Person, Team, TeamMembership

PERSON = "person"
ASK = "ask"
# Offers that count as help given: done, or accepted and under way.
HELPING = (OfferStatus.DONE.value, OfferStatus.ACCEPTED.value)


def _ids(ids: Iterable[int]) -> list[int]:
    return sorted(set(ids)) or [-1]


# --- embeddings ----------------------------------------------------------------------------------------


def vector_of(row: Embedding) -> np.ndarray:
    return np.frombuffer(row.vector, dtype=np.float32, count=row.dim)


def embedding_key(db: Session, *, org_id: int, owner_kind: str) -> tuple[Any, ...]:
    """Changes whenever a vector of this kind is added or rewritten, by any process."""
    row = db.execute(
        select(func.count(Embedding.id), func.max(Embedding.updated_at), func.max(Embedding.id)).where(
            Embedding.org_id == org_id, Embedding.owner_kind == owner_kind, Embedding.model == MODEL_NAME
        )
    ).one()
    return tuple(row)


def embeddings(
    db: Session,
    *,
    org_id: int,
    owner_kind: str,
    owner_ids: Iterable[int] | None = None,
    since: datetime | None = None,
) -> list[Embedding]:
    stmt = select(Embedding).where(
        Embedding.org_id == org_id,
        Embedding.owner_kind == owner_kind,
        Embedding.model == MODEL_NAME,
        Embedding.model_version == model_version(),
    )
    if owner_ids is not None:
        stmt = stmt.where(Embedding.owner_id.in_(_ids(owner_ids)))
    if since is not None:
        stmt = stmt.where(Embedding.updated_at >= since)
    return list(db.scalars(stmt.order_by(Embedding.owner_id)))


def save_embedding(
    db: Session,
    *,
    org_id: int,
    owner_kind: str,
    owner_id: int,
    text_hash: str,
    vector: np.ndarray,
    now: datetime,
    existing: Embedding | None = None,
) -> Embedding:
    data = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
    if data.shape[0] != DIMENSION:
        raise ValueError(f"expected a {DIMENSION}-d vector, got {data.shape[0]}")
    row = existing or db.scalar(
        select(Embedding).where(
            Embedding.org_id == org_id,
            Embedding.owner_kind == owner_kind,
            Embedding.owner_id == owner_id,
            Embedding.model == MODEL_NAME,
        )
    )
    if row is None:
        row = Embedding(org_id=org_id, owner_kind=owner_kind, owner_id=owner_id, model=MODEL_NAME)
        db.add(row)
    row.model_version = model_version()
    row.text_hash = text_hash
    row.dim = DIMENSION
    row.vector = data.tobytes()
    row.updated_at = now
    return row


def _stored(owner_kind: str, owner_id: Any, org_id: Any) -> Any:
    return and_(
        Embedding.org_id == org_id,
        Embedding.owner_kind == owner_kind,
        Embedding.owner_id == owner_id,
        Embedding.model == MODEL_NAME,
    )


def people_needing_embedding(db: Session, *, org_id: int, limit: int) -> list[int]:
    """Active people whose profile may have changed since their vector was stored (or who have none).

    A change is anything newer than the vector: the person row, or help they gave or were thanked for.
    The caller compares text hashes, so a false alarm costs a hash and rewrites nothing.
    """
    newer_offer = exists().where(
        Offer.org_id == org_id,
        Offer.helper_id == Person.id,
        or_(
            Offer.created_at > Embedding.updated_at,
            Offer.responded_at > Embedding.updated_at,
            Offer.done_at > Embedding.updated_at,
        ),
    )
    newer_thanks = exists().where(
        Thanks.org_id == org_id, Thanks.to_id == Person.id, Thanks.created_at > Embedding.updated_at
    )
    stmt = (
        select(Person.id)
        .outerjoin(Embedding, _stored(PERSON, Person.id, Person.org_id))
        .where(
            Person.org_id == org_id,
            Person.is_active.is_(True),
            or_(
                Embedding.id.is_(None),
                Embedding.model_version != model_version(),
                Person.updated_at > Embedding.updated_at,
                newer_offer,
                newer_thanks,
            ),
        )
        .order_by(Person.id)
        .limit(limit)
    )
    return list(db.scalars(stmt))


def asks_needing_embedding(db: Session, *, org_id: int, limit: int) -> list[int]:
    stmt = (
        select(Ask.id)
        .outerjoin(Embedding, _stored(ASK, Ask.id, Ask.org_id))
        .where(
            Ask.org_id == org_id,
            or_(
                Embedding.id.is_(None),
                Embedding.model_version != model_version(),
                Ask.updated_at > Embedding.updated_at,
            ),
        )
        .order_by(Ask.id)
        .limit(limit)
    )
    return list(db.scalars(stmt))


def organization_ids(db: Session) -> list[int]:
    return list(db.scalars(select(Organization.id).order_by(Organization.id)))


# --- profile sources -----------------------------------------------------------------------------------


def tags_of(db: Session, *, org_id: int, ask_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = defaultdict(list)
    stmt = (
        select(AskTag.ask_id, AskTag.name)
        .where(AskTag.org_id == org_id, AskTag.ask_id.in_(_ids(ask_ids)))
        .order_by(AskTag.ask_id, AskTag.position)
    )
    for ask_id, name in db.execute(stmt):
        found[ask_id].append(name)
    return {ask_id: tuple(names) for ask_id, names in found.items()}


def help_records(
    db: Session, *, org_id: int, person_ids: Iterable[int] | None = None
) -> dict[int, list[tuple[int, HelpRecord]]]:
    """Per helper: (ask id, record) for every ask they helped with; thanks mark the record."""
    thanked = exists().where(Thanks.org_id == Offer.org_id, Thanks.offer_id == Offer.id)
    stmt = (
        select(
            Offer.helper_id,
            Ask.id,
            Ask.title,
            func.coalesce(Offer.done_at, Offer.responded_at, Offer.created_at),
            thanked,
        )
        .join(Ask, and_(Ask.org_id == Offer.org_id, Ask.id == Offer.ask_id))
        .where(Offer.org_id == org_id, Offer.status.in_(HELPING))
        .order_by(Offer.helper_id, Offer.id)
    )
    if person_ids is not None:
        stmt = stmt.where(Offer.helper_id.in_(_ids(person_ids)))
    rows = db.execute(stmt).all()
    tags = tags_of(db, org_id=org_id, ask_ids=[row[1] for row in rows])
    out: dict[int, list[tuple[int, HelpRecord]]] = defaultdict(list)
    for helper_id, ask_id, title, when, was_thanked in rows:
        out[helper_id].append((ask_id, HelpRecord(title, tags.get(ask_id, ()), when, bool(was_thanked))))
    return out


def profile_sources(
    db: Session, *, org_id: int, person_ids: Iterable[int] | None = None
) -> list[ProfileSource]:
    """Active people as profile sources: two queries for people and skills, two for their help."""
    stmt = (
        select(Person)
        .where(Person.org_id == org_id, Person.is_active.is_(True))
        .options(selectinload(Person.skills))
        .order_by(Person.id)
    )
    wanted = None if person_ids is None else _ids(person_ids)
    if wanted is not None:
        stmt = stmt.where(Person.id.in_(wanted))
    people = list(db.scalars(stmt))
    helps = help_records(db, org_id=org_id, person_ids=wanted)
    return [
        ProfileSource(
            person_id=p.id,
            title=p.title,
            skills=tuple(p.skill_names),
            can_help_with=p.can_help_with,
            helps=tuple(record for _ask, record in helps.get(p.id, [])),
        )
        for p in people
    ]


# --- candidates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateRow:
    id: int
    name: str
    title: str
    is_active: bool
    suggestible: bool
    away_until: date | None
    teams: dict[int, str]


def candidate_rows(db: Session, *, org_id: int, person_ids: Iterable[int]) -> dict[int, CandidateRow]:
    wanted = _ids(person_ids)
    teams: dict[int, dict[int, str]] = defaultdict(dict)
    stmt = (
        select(TeamMembership.person_id, Team.id, Team.name)
        .join(Team, and_(Team.org_id == TeamMembership.org_id, Team.id == TeamMembership.team_id))
        .where(TeamMembership.org_id == org_id, TeamMembership.person_id.in_(wanted))
        .order_by(Team.name)
    )
    for person_id, team_id, name in db.execute(stmt):
        teams[person_id][team_id] = name
    people = db.execute(
        select(
            Person.id, Person.name, Person.title, Person.is_active, Person.suggestible, Person.away_until
        ).where(Person.org_id == org_id, Person.id.in_(wanted))
    )
    return {
        pid: CandidateRow(pid, name, title, active, suggestible, away, teams.get(pid, {}))
        for pid, name, title, active, suggestible, away in people
    }


def team_ids_of(db: Session, *, org_id: int, person_ids: Iterable[int] | None) -> dict[int, frozenset[int]]:
    """Team ids per person; ``None`` means everyone in the organization."""
    stmt = select(TeamMembership.person_id, TeamMembership.team_id).where(TeamMembership.org_id == org_id)
    if person_ids is not None:
        stmt = stmt.where(TeamMembership.person_id.in_(_ids(person_ids)))
    found: dict[int, set[int]] = defaultdict(set)
    for person_id, team_id in db.execute(stmt):
        found[person_id].add(team_id)
    return {pid: frozenset(teams) for pid, teams in found.items()}


def team_member_ids(db: Session, *, org_id: int, team_id: int) -> list[int]:
    return list(
        db.scalars(
            select(TeamMembership.person_id).where(
                TeamMembership.org_id == org_id, TeamMembership.team_id == team_id
            )
        )
    )


@dataclass(frozen=True)
class OfferRow:
    helper_id: int
    ask_id: int
    status: str
    created_at: datetime
    asked_at: datetime
    helped_at: datetime | None
    thanked: bool


def offers_of(db: Session, *, org_id: int, person_ids: Iterable[int]) -> list[OfferRow]:
    """Every offer these people made, with when its ask was posted and whether it was thanked."""
    thanked = exists().where(Thanks.org_id == Offer.org_id, Thanks.offer_id == Offer.id)
    stmt = (
        select(
            Offer.helper_id,
            Offer.ask_id,
            Offer.status,
            Offer.created_at,
            func.coalesce(Ask.opened_at, Ask.created_at),
            func.coalesce(Offer.done_at, Offer.responded_at),
            thanked,
        )
        .join(Ask, and_(Ask.org_id == Offer.org_id, Ask.id == Offer.ask_id))
        .where(Offer.org_id == org_id, Offer.helper_id.in_(_ids(person_ids)))
    )
    return [OfferRow(*row[:6], bool(row[6])) for row in db.execute(stmt)]


def asked_directly(db: Session, *, org_id: int, person_ids: Iterable[int]) -> dict[int, set[int]]:
    """Per person, the asks someone asked them directly about: the chances they had to answer."""
    stmt = select(AskAudience.person_id, AskAudience.ask_id).where(
        AskAudience.org_id == org_id,
        AskAudience.person_id.in_(_ids(person_ids)),
        AskAudience.asked_directly_at.is_not(None),
    )
    found: dict[int, set[int]] = defaultdict(set)
    for person_id, ask_id in db.execute(stmt):
        found[person_id].add(ask_id)
    return found


def helped_asks_key(db: Session, *, org_id: int) -> tuple[Any, ...]:
    row = db.execute(
        select(
            func.count(Offer.id), func.max(Offer.id), func.max(Offer.responded_at), func.max(Offer.done_at)
        ).where(Offer.org_id == org_id, Offer.status.in_(HELPING))
    ).one()
    thanks = db.execute(
        select(func.count(Thanks.id), func.max(Thanks.id)).where(Thanks.org_id == org_id)
    ).one()
    return (*row, *thanks, *embedding_key(db, org_id=org_id, owner_kind=ASK))


def ask_status(db: Session, *, org_id: int, ask_id: int) -> str | None:
    return db.scalar(select(Ask.status).where(Ask.org_id == org_id, Ask.id == ask_id))


def asks_for_embedding(db: Session, *, org_id: int, ask_ids: Iterable[int]) -> list[Ask]:
    return list(
        db.scalars(
            select(Ask)
            .where(Ask.org_id == org_id, Ask.id.in_(_ids(ask_ids)))
            .options(selectinload(Ask.tags))
            .order_by(Ask.id)
        )
    )


__all__ = ["ASK", "PERSON", "AskStatus"]


def delete_vectors_of(db: Session, *, org_id: int, person_id: int, ask_ids: list[int]) -> None:
    """The vectors of a person's profile and of these asks (theirs): an erasure."""
    owned = [(Embedding.owner_kind == "person") & (Embedding.owner_id == person_id)]
    if ask_ids:
        owned.append((Embedding.owner_kind == "ask") & Embedding.owner_id.in_(ask_ids))
    db.execute(delete(Embedding).where(Embedding.org_id == org_id, or_(*owned)))


# --- the learned ranker ---------------------------------------------------------------------------------


def help_counts(db: Session, *, org_id: int, since: datetime | None = None) -> dict[int, int]:
    """Per helper, the help done (since ``since``): who the busiest helpers are, and the org's total."""
    when = func.coalesce(Offer.done_at, Offer.responded_at)
    stmt = (
        select(Offer.helper_id, func.count(Offer.id))
        .where(Offer.org_id == org_id, Offer.status == OfferStatus.DONE.value)
        .group_by(Offer.helper_id)
    )
    if since is not None:
        stmt = stmt.where(when >= since)
    return {helper: int(count) for helper, count in db.execute(stmt)}


def active_people_count(db: Session, *, org_id: int) -> int:
    return int(
        db.scalar(select(func.count(Person.id)).where(Person.org_id == org_id, Person.is_active.is_(True)))
        or 0
    )


def ranker_record(db: Session, *, org_id: int) -> RankerModelRecord | None:
    return db.scalar(select(RankerModelRecord).where(RankerModelRecord.org_id == org_id))


def save_ranker_record(
    db: Session, *, org_id: int, version: str, prior_version: str, examples: int, body: str, now: datetime
) -> RankerModelRecord:
    row = ranker_record(db, org_id=org_id)
    if row is None:
        row = RankerModelRecord(org_id=org_id)
        db.add(row)
    row.version, row.prior_version, row.examples, row.body, row.trained_at = (
        version,
        prior_version,
        examples,
        body,
        now,
    )
    return row


def delete_ranker_record(db: Session, *, org_id: int) -> None:
    row = ranker_record(db, org_id=org_id)
    if row is not None:
        db.delete(row)

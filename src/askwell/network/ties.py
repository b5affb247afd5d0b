"""Ties: record them (imported, learned from activity, same team) and read them; plus what the other
use-case modules of the network share (references, thresholds)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from askwell.core.clock import local_at
from askwell.core.errors import InvalidInput
from askwell.network import phrases, repository, topics
from askwell.network.errors import TieExists, TieToSelf
from askwell.network.models import Tie
from askwell.network.rules import DEFAULT_DORMANT_DAYS, ORIGIN_WEIGHTS, is_dormant
from askwell.network.schemas import TieCreate, TieRead
from askwell.network.strength import Evidence, add_interaction, mass_for_strength, past_strength, strength_now
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.people.schemas import PersonRef

#: Current strength from which a tie belongs to someone's inner circle (about one recent exchange).
INNER_CIRCLE_MIN = 0.25
INNER_CIRCLE_SIZE = 15
#: Current strength from which a tie counts as live in network health (weaker ones have faded).
LIVE_TIE_MIN = 0.1
#: Sharing a team says little in very large "teams" (departments); pairs there are not tied automatically.
MAX_TEAM_FOR_TIES = 60
#: Leads see aggregates only for groups at least this large (DESIGN.md §7).
MIN_GROUP = 5


def ref(person: Person | repository.ProfileRow) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, title=person.title)


def evidence_of(tie: Tie) -> Evidence:
    return Evidence(mass=tie.mass, last_at=tie.last_at)


def curated_of(person: Person | repository.ProfileRow) -> list[str]:
    """A person's curated terms, as they wrote them: skills, then the phrases of "I can help with"."""
    skills = person.skills if isinstance(person, repository.ProfileRow) else person.skill_names
    return [*skills, *phrases.help_phrases(person.can_help_with)]


def profile_of(person: Person) -> topics.Profile:
    return topics.profile(
        person.id, skills=person.skill_names, can_help_with=person.can_help_with, title=person.title
    )


# --- ties -------------------------------------------------------------------------------------------


def tie_read(
    tie: Tie, other: Person, *, now: datetime, dormant_days: float = DEFAULT_DORMANT_DAYS
) -> TieRead:
    state = evidence_of(tie)
    past = past_strength(state)
    return TieRead(
        person=ref(other),
        strength=round(strength_now(state, now=now), 4),
        past_strength=round(past, 4),
        interactions=tie.interactions,
        origins=list(tie.origins or []),
        first_at=tie.first_at,
        last_at=tie.last_at,
        dormant=is_dormant(
            last_interaction=tie.last_at, past_strength=past, now=now, threshold_days=dormant_days
        ),
    )


def new_tie(org_id: int, a: int, b: int, *, mass: float, at: datetime, origin: str, now: datetime) -> Tie:
    low, high = repository.ordered(a, b)
    return Tie(
        org_id=org_id,
        a_id=low,
        b_id=high,
        mass=mass,
        interactions=1,
        origins=[origin],
        first_at=at,
        last_at=at,
        updated_at=now,
    )


def strengthen(tie: Tie, *, at: datetime, origin: str, now: datetime) -> None:
    state = add_interaction(evidence_of(tie), at=at, origin=origin)
    tie.mass = state.mass
    tie.last_at = state.last_at
    tie.first_at = min(tie.first_at, at)
    tie.interactions += 1
    if origin not in (tie.origins or []):
        # A new list, so SQLAlchemy sees the JSON column change.
        tie.origins = [*(tie.origins or []), origin]
    tie.updated_at = now


def add_tie(db: Session, *, actor: Actor, data: TieCreate, now: datetime) -> Tie:
    """Record that the actor knows someone; the other person must be of the same organization (else 404)."""
    if data.person_id == actor.person_id:
        raise TieToSelf()
    other = people_repo.get_person(db, actor=actor, person_id=data.person_id)
    at = imported_at(data.last_interaction, now=now, field="last_interaction")
    if repository.tie_between(db, org_id=actor.org_id, a=actor.person_id, b=other.id) is not None:
        raise TieExists()
    mass = ORIGIN_WEIGHTS["imported"] if data.strength is None else mass_for_strength(data.strength)
    tie = new_tie(actor.org_id, actor.person_id, other.id, mass=mass, at=at, origin="imported", now=now)
    db.add(tie)
    db.flush()
    return tie


def imported_at(day: date | None, *, now: datetime, field: str) -> datetime:
    if day is None:
        return now
    at = local_at(day, time(12, 0), UTC)
    if day > now.date():
        raise InvalidInput(
            "The last interaction cannot be in the future.", fields={field: "Use a past date."}
        )
    return min(at, now)


@dataclass(frozen=True)
class Interaction:
    """Evidence between two people of one organization, as the learner and the use cases report it."""

    a: int
    b: int
    at: datetime
    origin: str


def record_interactions(db: Session, *, org_id: int, events: Iterable[Interaction], now: datetime) -> int:
    """Strengthen (or create) the tie of each event; one query loads every tie the batch touches."""
    batch = [e for e in events if e.a != e.b]
    ties = repository.ties_for_pairs(db, org_id=org_id, pairs=[repository.ordered(e.a, e.b) for e in batch])
    for event in batch:
        key = repository.ordered(event.a, event.b)
        tie = ties.get(key)
        if tie is None:
            weight = ORIGIN_WEIGHTS.get(event.origin, 1.0)
            tie = new_tie(org_id, *key, mass=weight, at=event.at, origin=event.origin, now=now)
            db.add(tie)
            ties[key] = tie
        else:
            strengthen(tie, at=event.at, origin=event.origin, now=now)
    db.flush()
    return len(batch)


def sync_team_ties(db: Session, *, org_id: int, now: datetime, max_team_size: int = MAX_TEAM_FOR_TIES) -> int:
    """Give every pair of teammates a same-team tie once; call when memberships change (or from the job).

    Idempotent: a pair whose tie already has the ``same_team`` origin is left alone, so running it
    again never strengthens anyone.
    """
    teams: dict[int, list[int]] = {}
    for team_id, person_id in repository.memberships(db, org_id=org_id):
        teams.setdefault(team_id, []).append(person_id)
    pairs: set[tuple[int, int]] = set()
    for members in teams.values():
        if len(members) > max_team_size:
            continue
        ordered_members = sorted(set(members))
        pairs.update((a, b) for i, a in enumerate(ordered_members) for b in ordered_members[i + 1 :])
    if not pairs:
        return 0
    origins = repository.org_tie_origins(db, org_id=org_id)
    missing = sorted(p for p in pairs if "same_team" not in origins.get(p, []))
    return record_interactions(
        db, org_id=org_id, events=[Interaction(a, b, now, "same_team") for a, b in missing], now=now
    )


def my_ties(
    db: Session, *, actor: Actor, now: datetime, dormant_days: float = DEFAULT_DORMANT_DAYS
) -> list[TieRead]:
    """The actor's own ties, strongest now first (private to them)."""
    found = [
        tie_read(t, p, now=now, dormant_days=dormant_days) for t, p in repository.my_ties(db, actor=actor)
    ]
    return sorted(found, key=lambda t: (-t.strength, -t.past_strength, t.person.name))


def dormant_days_for(months: int) -> float:
    """A threshold given in months (what people say) as days."""
    return months * 365.0 / 12.0

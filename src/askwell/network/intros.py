"""Two-step introductions: find connectors for a need, then asker → connector → target.

The asker names both the connector and the target (the person matched to their need); both are
checked here, whatever the form sent. Fit is an input (``targets``) so matching can pass its scores
in; ``network.topics`` gives the default. What matched is said in curated phrases (``phrases``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.asks.models import Ask
from askwell.asks.rules import AskAccess, can_view
from askwell.core.errors import InvalidInput
from askwell.core.events import (
    IntroductionAgreed,
    IntroductionAnswered,
    IntroductionRedirected,
    IntroductionRefused,
    IntroductionRequested,
    emit,
)
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.network import index, phrases, repository, topics
from askwell.network.actions import IntroAction, IntroFacts, require_intro_action
from askwell.network.errors import (
    IntroAlreadyPending,
    InvalidIntroParty,
    NobodyToIntroduce,
    NoTieToConnector,
    NoTieToTarget,
    NotYourAskForIntro,
    TargetOptedOut,
)
from askwell.network.models import Introduction, IntroStatus
from askwell.network.schemas import (
    ConnectorAnswer,
    ConnectorDecision,
    ConnectorRead,
    IntroRead,
    IntroRequest,
    IntroRole,
    TargetAnswer,
    TargetDecision,
)
from askwell.network.ties import Interaction, curated_of, record_interactions, ref
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.people.schemas import PersonRef

#: Routes examined per connector query before grouping by connector.
_ROUTES = 200


@dataclass(frozen=True)
class Need:
    ask: Ask | None
    text: str
    topics: frozenset[str]
    phrases: phrases.Need


def _need(db: Session, *, actor: Actor, ask_id: int | None, query: str) -> Need:
    if ask_id is not None:
        ask = asks_repo.get_ask(db, actor=actor, ask_id=ask_id)
        if ask.author_id != actor.person_id:
            raise NotYourAskForIntro()
        text = " ".join([ask.title, ask.body, ask.what])
        return Need(
            ask,
            ask.title,
            topics.need_topics(tags=ask.tag_names, text=text),
            phrases.Need.of(text=text, tags=ask.tag_names),
        )
    if not query.strip():
        raise InvalidInput(
            "Say what you need: choose one of your asks or describe it in a few words.",
            fields={"query": "Describe what you need, or choose an ask."},
        )
    return Need(None, query.strip(), topics.need_topics(text=query), phrases.Need.of(text=query))


@dataclass(frozen=True)
class Route:
    connector: repository.ProfileRow
    target: repository.ProfileRow
    score: float
    your_tie: float
    matched: tuple[str, ...]


def _routes(
    db: Session,
    *,
    actor: Actor,
    need: Need,
    now: datetime,
    targets: Mapping[int, float] | None,
    only_connector: int | None = None,
) -> list[Route]:
    """Good routes asker → connector → target, best first, to people who accept suggestions.

    With ``only_connector`` every person that connector knows is scored (not just the overall top
    routes), so a request to a less obvious connector still finds their best match.
    """
    people = repository.profile_rows(db, org_id=actor.org_id)
    fit_of = topics.fits(
        need.topics,
        (
            topics.profile(p.id, skills=p.skills, can_help_with=p.can_help_with, title=p.title)
            for p in people.values()
        ),
    )
    scores = dict(targets) if targets is not None else {pid: f.score for pid, f in fit_of.items()}
    graph = index.org_graph(db, org_id=actor.org_id)
    me = graph.index.get(actor.person_id)
    if me is None:
        return []
    current = graph.current(now)
    direct_ids = {graph.person(int(i)) for i in current.neighbours(me)[0]}
    if only_connector is not None:
        if only_connector not in graph.index:
            return []
        reachable = {graph.person(int(i)) for i in current.neighbours(graph.index[only_connector])[0]}
        scores = {pid: s for pid, s in scores.items() if pid in reachable}
    wanted = [
        (graph.index[pid], score)
        for pid, score in scores.items()
        if score > 0
        and pid in graph.index
        and pid in people
        and pid != actor.person_id
        and pid not in direct_ids
        and people[pid].suggestible
    ]
    if not wanted:
        return []
    idx = np.array([i for i, _ in wanted], dtype=np.int64)
    fit = np.array([s for _, s in wanted], dtype=np.float64)
    k = len(wanted) * max(1, current.neighbours(me)[0].size) if only_connector is not None else _ROUTES
    routes: list[Route] = []
    for path in current.connectors(me, idx, k=k, target_fit=fit):
        connector_id, target_id = graph.person(path.connector), graph.person(path.target)
        connector = people.get(connector_id)
        if connector is None or path.score <= 0 or only_connector not in (None, connector_id):
            continue
        routes.append(
            Route(
                connector=connector,
                target=people[target_id],
                score=path.score,
                your_tie=current.strength(me, path.connector),
                matched=tuple(phrases.matches(need.phrases, curated_of(people[target_id]))),
            )
        )
    return routes


def find_connectors(
    db: Session,
    *,
    actor: Actor,
    now: datetime,
    ask_id: int | None = None,
    query: str = "",
    targets: Mapping[int, float] | None = None,
    limit: int = 5,
) -> list[Route]:
    """The best route through each connector, one per connector, best first."""
    need = _need(db, actor=actor, ask_id=ask_id, query=query)
    best: dict[int, Route] = {}
    for route in _routes(db, actor=actor, need=need, now=now, targets=targets):
        best.setdefault(route.connector.id, route)
    return sorted(best.values(), key=lambda r: (-r.score, r.connector.name))[: max(1, min(limit, 50))]


def request_intro(
    db: Session,
    *,
    actor: Actor,
    data: IntroRequest,
    now: datetime,
    targets: Mapping[int, float] | None = None,
) -> Introduction:
    """Ask a connector to introduce the actor to someone they know; nothing is written if a check fails."""
    if data.connector_id == actor.person_id:
        raise InvalidIntroParty("You cannot be your own connector.", "connector_id")
    connector = people_repo.get_person(db, actor=actor, person_id=data.connector_id)
    need = _need(db, actor=actor, ask_id=data.ask_id, query=data.query)
    if repository.tie_between(db, org_id=actor.org_id, a=actor.person_id, b=connector.id) is None:
        raise NoTieToConnector()
    target: Person | repository.ProfileRow
    if data.target_id is None:
        routes = _routes(db, actor=actor, need=need, now=now, targets=targets, only_connector=connector.id)
        if not routes:
            raise NobodyToIntroduce()
        target, score = routes[0].target, routes[0].score
    else:
        if data.target_id == actor.person_id:
            raise InvalidIntroParty("You cannot be introduced to yourself.", "target_id")
        if data.target_id == connector.id:
            raise InvalidIntroParty("You know the connector already: ask them directly.", "target_id")
        target = people_repo.get_person(db, actor=actor, person_id=data.target_id)
        if not target.suggestible:
            raise TargetOptedOut()
        tie = repository.tie_between(db, org_id=actor.org_id, a=connector.id, b=target.id)
        if tie is None:
            raise NoTieToTarget()
        if need.ask is not None and not _can_see(db, need.ask, target):
            raise InvalidIntroParty("They cannot see this ask: share it with them first.", "target_id")
        score = 0.0
    # Lock the asker's row so two identical requests at once cannot both pass the duplicate check.
    repository.lock_person(db, org_id=actor.org_id, person_id=actor.person_id)
    ask_id = need.ask.id if need.ask is not None else None
    query = "" if need.ask is not None else need.text
    if repository.pending_duplicate(
        db,
        org_id=actor.org_id,
        asker_id=actor.person_id,
        connector_id=connector.id,
        target_id=target.id,
        ask_id=ask_id,
        query=query,
    ):
        raise IntroAlreadyPending()
    intro = Introduction(
        org_id=actor.org_id,
        ask_id=ask_id,
        query=query,
        asker_id=actor.person_id,
        connector_id=connector.id,
        target_id=target.id,
        status=IntroStatus.REQUESTED.value,
        message=data.message,
        score=score,
        created_at=now,
    )
    db.add(intro)
    db.flush()
    emit(db, IntroductionRequested(**_parties(intro, now)))
    return intro


def _parties(intro: Introduction, now: datetime) -> dict[str, Any]:
    """The fields every introduction event carries."""
    return {
        "org_id": intro.org_id,
        "at": now,
        "intro_id": intro.id,
        "ask_id": intro.ask_id,
        "asker_id": intro.asker_id,
        "connector_id": intro.connector_id,
        "target_id": intro.target_id,
    }


def _can_see(db: Session, ask: Ask, person: Person) -> bool:
    """Whether ``person`` may see ``ask``: an introduction about an ask they cannot open helps nobody."""
    helpers = frozenset(o.helper_id for o in ask.offers)
    access = AskAccess(
        ask.author_id,
        ask.status,
        ask.visibility,
        ask.team_id,
        frozenset(a.person_id for a in ask.audience),
        helpers,
    )
    return can_view(access, viewer_id=person.id, viewer_teams=people_repo.actor_for(db, person).teams)


def intro_facts(intro: Introduction) -> IntroFacts:
    return IntroFacts(intro.asker_id, intro.connector_id, intro.target_id, intro.status)


def _require(intro: Introduction, actor: Actor, action: IntroAction) -> None:
    """The one check of who may take which step (``network.actions``, which pages read too)."""
    require_intro_action(intro_facts(intro), action, viewer_id=actor.person_id)


def answer_as_connector(
    db: Session, *, actor: Actor, intro_id: int, data: ConnectorAnswer, now: datetime
) -> Introduction:
    intro = repository.get_intro(db, actor=actor, intro_id=intro_id, lock=True)
    _require(intro, actor, IntroAction.ANSWER_AS_CONNECTOR)
    intro.connector_note = data.note
    intro.connector_responded_at = now
    if data.decision == ConnectorDecision.REDIRECT:
        assert data.suggested_person_id is not None  # the schema guarantees it
        if data.suggested_person_id in (intro.asker_id, actor.person_id):
            raise InvalidIntroParty(
                "Suggest someone other than the asker or yourself.", "suggested_person_id"
            )
        suggested = people_repo.get_person(db, actor=actor, person_id=data.suggested_person_id)
        if not suggested.suggestible:
            raise InvalidIntroParty("That person has opted out of being suggested.", "suggested_person_id")
        intro.suggested_target_id = suggested.id
        intro.status = IntroStatus.REDIRECTED.value
        emit(db, IntroductionRedirected(**_parties(intro, now), suggested_id=suggested.id))
    elif data.decision == ConnectorDecision.DECLINE:
        intro.status = IntroStatus.CONNECTOR_DECLINED.value
        emit(db, IntroductionRefused(**_parties(intro, now)))
    else:
        intro.status = IntroStatus.CONNECTOR_ACCEPTED.value
        emit(db, IntroductionAgreed(**_parties(intro, now)))
    db.flush()
    return intro


def answer_as_target(
    db: Session, *, actor: Actor, intro_id: int, data: TargetAnswer, now: datetime
) -> Introduction:
    """The target's yes records the introduction in the ledger and ties the asker and the target."""
    intro = repository.get_intro(db, actor=actor, intro_id=intro_id, lock=True)
    _require(intro, actor, IntroAction.ANSWER_AS_TARGET)
    me = people_repo.get_person(db, actor=actor, person_id=actor.person_id)
    intro.target_note = data.note
    intro.target_responded_at = now
    accepted = data.decision == TargetDecision.ACCEPT
    if accepted:
        intro.status = IntroStatus.TARGET_ACCEPTED.value
        record_interactions(
            db, org_id=actor.org_id, events=[Interaction(intro.asker_id, me.id, now, "intro")], now=now
        )
        record(
            db,
            org_id=actor.org_id,
            kind=EntryKind.INTRODUCTION,
            actor_id=intro.connector_id,
            subject_id=intro.asker_id,
            ask_id=intro.ask_id,
            at=now,
            data={"target_id": me.id, "introduction_id": intro.id},
        )
    else:
        intro.status = IntroStatus.TARGET_DECLINED.value
    emit(db, IntroductionAnswered(**_parties(intro, now), accepted=accepted))
    db.flush()
    return intro


def withdraw_intro(db: Session, *, actor: Actor, intro_id: int, now: datetime) -> Introduction:
    intro = repository.get_intro(db, actor=actor, intro_id=intro_id, lock=True)
    _require(intro, actor, IntroAction.WITHDRAW)
    intro.status = IntroStatus.WITHDRAWN.value
    db.flush()
    return intro


def intro_views(db: Session, *, actor: Actor, intros: list[Introduction]) -> list[IntroRead]:
    """Introductions as the actor may see them; the asker chose the target, so everyone sees all three."""
    ids: set[int] = set()
    for i in intros:
        ids.update({i.asker_id, i.connector_id, i.target_id})
        if i.suggested_target_id is not None:
            ids.add(i.suggested_target_id)
    people = people_repo.people_by_ids(db, org_id=actor.org_id, ids=ids)
    titles = repository.ask_titles(db, actor=actor, ask_ids=[i.ask_id for i in intros if i.ask_id])
    views: list[IntroRead] = []
    for i in intros:
        role = (
            IntroRole.ASKER
            if i.asker_id == actor.person_id
            else IntroRole.CONNECTOR
            if i.connector_id == actor.person_id
            else IntroRole.TARGET
        )
        status = IntroStatus(i.status)
        suggested = people.get(i.suggested_target_id) if i.suggested_target_id else None
        views.append(
            IntroRead(
                id=i.id,
                status=status,
                role=role,
                ask_id=i.ask_id,
                ask_title=titles.get(i.ask_id) if i.ask_id else None,
                query=i.query,
                asker=_ref_or_gone(people, i.asker_id),
                connector=_ref_or_gone(people, i.connector_id),
                target=_ref_or_gone(people, i.target_id),
                suggested=ref(suggested) if suggested is not None else None,
                message=i.message,
                connector_note=i.connector_note,
                target_note=i.target_note
                if role != IntroRole.CONNECTOR or status != IntroStatus.WITHDRAWN
                else "",
                created_at=i.created_at,
                connector_responded_at=i.connector_responded_at,
                target_responded_at=i.target_responded_at,
            )
        )
    return views


def _ref_or_gone(people: Mapping[int, Person], person_id: int) -> PersonRef:
    person = people.get(person_id)
    return ref(person) if person is not None else PersonRef(id=person_id, name="(former member)", title="")


def my_intros(db: Session, *, actor: Actor) -> list[IntroRead]:
    return intro_views(db, actor=actor, intros=repository.my_intros(db, actor=actor))


def intro(db: Session, *, actor: Actor, intro_id: int) -> IntroRead:
    return intro_views(db, actor=actor, intros=[repository.get_intro(db, actor=actor, intro_id=intro_id)])[0]


def intros_for_ask(db: Session, *, actor: Actor, ask_id: int) -> list[IntroRead]:
    """What an ask page shows under "introductions" (only the ones the viewer takes part in)."""
    asks_repo.get_ask(db, actor=actor, ask_id=ask_id)  # an ask the viewer cannot see is not found
    return intro_views(db, actor=actor, intros=repository.intros_for_ask(db, actor=actor, ask_id=ask_id))


def connector_read(route: Route) -> ConnectorRead:
    """A route as the asker sees it: whom to ask, whom they would introduce, and what matched."""
    return ConnectorRead(
        connector=ref(route.connector),
        target=ref(route.target),
        score=round(route.score, 4),
        your_tie=round(route.your_tie, 4),
        matched=list(route.matched[:6]),
    )

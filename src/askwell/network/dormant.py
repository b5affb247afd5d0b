"""Dormant ties: ranked for the person's open asks by relevance and novelty; reconnecting; weekly nudges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.asks.models import Ask
from askwell.core.events import ReconnectRequested, ReconnectSuggested, emit
from askwell.network import phrases, repository, topics
from askwell.network.errors import NotYourAskForIntro, TieNotFound, TieToSelf
from askwell.network.models import ReconnectNudge, Tie
from askwell.network.rules import DEFAULT_DORMANT_DAYS, dormant_score, is_dormant, novelty
from askwell.network.schemas import DormantRead, ReconnectRequest
from askwell.network.strength import past_strength, strength_now
from askwell.network.ties import (
    INNER_CIRCLE_MIN,
    INNER_CIRCLE_SIZE,
    curated_of,
    evidence_of,
    profile_of,
    ref,
    strengthen,
)
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor


def suggested_message(
    *, me: str, them: str, ask_title: str | None, topics_: Iterable[str], since: datetime
) -> str:
    """A short, editable opener that names the time apart and the reason for writing now.

    ``topics_`` must be curated terms (their skills, their "I can help with" phrases, tags); with none,
    the message names no topic rather than guess one.
    """
    first = them.split()[0] if them.strip() else them
    when = since.strftime("%B %Y")
    about = ", ".join(list(topics_)[:3])
    if ask_title:
        reason = f"I'm working on “{ask_title}” and " + (
            f"remembered you know {about}" if about else "thought of you"
        )
        close = "Would you have 20 minutes in the next two weeks to share how you would approach it?"
    else:
        reason = "I was thinking about what we worked on together" + (f" ({about})" if about else "")
        close = "Would you be up for a short catch-up?"
    return (
        f"Hi {first}, it's been a while (since {when}). {reason}. {close} Happy to return the favour. — {me}"
    )


def _inner_circle(current_ties: list[tuple[int, float]]) -> list[int]:
    strong = [(pid, s) for pid, s in current_ties if s >= INNER_CIRCLE_MIN]
    strong.sort(key=lambda x: -x[1])
    return [pid for pid, _ in strong[:INNER_CIRCLE_SIZE]]


def dormant_ties(
    db: Session,
    *,
    actor: Actor,
    now: datetime,
    dormant_days: float = DEFAULT_DORMANT_DAYS,
    relevance: Mapping[int, Mapping[int, float]] | None = None,
    limit: int = 50,
) -> list[DormantRead]:
    """The actor's dormant ties ranked for their open asks by relevance and novelty (docs/network.md).

    ``relevance`` (ask id → person id → fit) comes from matching when it has one; otherwise the
    topic fit is used. Without open asks, ties are ranked by how much they know that the inner circle
    does not, with past closeness only as the light prior.
    """
    mine = repository.my_ties(db, actor=actor)
    current: list[tuple[int, float]] = []
    dormant: list[tuple[Tie, Person, float]] = []
    for tie, other in mine:
        state = evidence_of(tie)
        past = past_strength(state)
        if is_dormant(last_interaction=tie.last_at, past_strength=past, now=now, threshold_days=dormant_days):
            dormant.append((tie, other, past))
        else:
            current.append((other.id, strength_now(state, now=now)))
    if not dormant:
        return []
    circle = _inner_circle(current)
    profiles = repository.people_with_skills(
        db, org_id=actor.org_id, ids=[*circle, *(o.id for _, o, _ in dormant), actor.person_id]
    )
    circle_topics = [profile_of(profiles[pid]).topics for pid in circle if pid in profiles]
    asks = repository.open_asks_of(db, actor=actor)
    me = profiles.get(actor.person_id)
    circle_union: set[str] = set().union(*circle_topics)
    results: list[DormantRead] = []
    for tie, other, past in dormant:
        prof = profile_of(profiles[other.id]) if other.id in profiles else topics.Profile(other.id, {})
        best: tuple[float, float, float, Ask | None] | None = None
        for ask in asks:
            need = topics.need_topics(tags=ask.tag_names, text=_need_text(ask))
            if relevance is not None and ask.id in relevance:
                rel = float(relevance[ask.id].get(other.id, 0.0))
            else:
                rel = _self_fit(need, prof, circle_profiles=[profiles[p] for p in circle if p in profiles])
            nov = novelty(prof.topics, circle_topics, ask_topics=need)
            score = dormant_score(relevance=rel, novelty=nov, past_strength=past)
            if best is None or score > best[0]:
                best = (score, rel, nov, ask)
        if best is None or best[0] <= 0:
            # Irrelevant to every open ask: listed last. With no open asks at all, what the tie knows
            # beyond the inner circle ranks them, past closeness still only a light prior.
            nov = novelty(prof.topics, circle_topics)
            general = dormant_score(relevance=1.0, novelty=nov, past_strength=past)
            best = (0.0 if asks else general, 0.0, nov, None)
        score, rel, nov, chosen = best
        own = curated_of(profiles[other.id]) if other.id in profiles else []
        # What to name: their own terms found in the ask (else, with no ask, all of them), and of those
        # the ones nobody in the inner circle covers; never a stem of free text.
        about = (
            phrases.matches(phrases.Need.of(text=_need_text(chosen), tags=chosen.tag_names), own)
            if chosen is not None
            else own
        )
        novel = [term for term in about if topics.words(term) - circle_union]
        results.append(
            DormantRead(
                person=ref(other),
                past_strength=round(past, 4),
                last_at=tie.last_at,
                months_silent=int((now - tie.last_at).days // 30),
                score=round(score, 4),
                relevance=round(rel, 4),
                novelty=round(nov, 4),
                ask_id=chosen.id if chosen else None,
                ask_title=chosen.title if chosen else None,
                novel_topics=novel[:5],
                suggested_message=suggested_message(
                    me=me.name if me else "",
                    them=other.name,
                    ask_title=chosen.title if chosen else None,
                    topics_=about if chosen is not None else novel,
                    since=tie.last_at,
                ),
            )
        )
    results.sort(key=lambda d: (-d.score, -d.past_strength, d.person.name))
    return results[:limit]


def _need_text(ask: Ask) -> str:
    return f"{ask.title} {ask.body} {ask.what}"


def _self_fit(need: frozenset[str], prof: topics.Profile, *, circle_profiles: list[Person]) -> float:
    """Topic fit of one person, with idf taken over them and the inner circle (the people one would ask)."""
    pool = [prof, *(profile_of(p) for p in circle_profiles if p.id != prof.person_id)]
    return topics.fits(need, pool)[prof.person_id].score


def reconnect(db: Session, *, actor: Actor, person_id: int, data: ReconnectRequest, now: datetime) -> Tie:
    """Send a reconnect message to a tie; the message is itself an interaction, so the tie wakes up."""
    if person_id == actor.person_id:
        raise TieToSelf()
    other = people_repo.get_person(db, actor=actor, person_id=person_id)
    tie = repository.tie_between(db, org_id=actor.org_id, a=actor.person_id, b=other.id, lock=True)
    if tie is None:
        raise TieNotFound()
    me = people_repo.get_person(db, actor=actor, person_id=actor.person_id)
    ask_title = None
    if data.ask_id is not None:
        ask = asks_repo.get_ask(db, actor=actor, ask_id=data.ask_id)
        if ask.author_id != actor.person_id:
            raise NotYourAskForIntro()
        ask_title = ask.title
    message = data.message or suggested_message(
        me=me.name, them=other.name, ask_title=ask_title, topics_=(), since=tie.last_at
    )
    strengthen(tie, at=now, origin="message", now=now)
    emit(
        db,
        ReconnectRequested(
            org_id=actor.org_id, at=now, from_id=me.id, to_id=other.id, ask_id=data.ask_id, message=message
        ),
    )
    db.flush()
    return tie


def nudge_reconnect(
    db: Session, *, actor: Actor, now: datetime, dormant_days: float = DEFAULT_DORMANT_DAYS
) -> ReconnectNudge | None:
    """At most one nudge a week: suggest the best dormant tie for one of the person's open asks."""
    last = repository.last_nudge_at(db, org_id=actor.org_id, person_id=actor.person_id)
    if last is not None and (now - last).days < 7:
        return None
    best = next(
        (d for d in dormant_ties(db, actor=actor, now=now, dormant_days=dormant_days) if d.ask_id), None
    )
    if best is None or best.score <= 0 or best.ask_id is None:
        return None
    nudge = ReconnectNudge(
        org_id=actor.org_id,
        person_id=actor.person_id,
        tie_person_id=best.person.id,
        ask_id=best.ask_id,
        message=best.suggested_message,
        sent_at=now,
    )
    db.add(nudge)
    emit(
        db,
        ReconnectSuggested(
            org_id=actor.org_id,
            at=now,
            person_id=actor.person_id,
            tie_person_id=best.person.id,
            ask_id=best.ask_id,
        ),
    )
    db.flush()
    return nudge

"""Over the whole demo organization: every term shown to explain a suggestion, an introduction or a
dormant tie is a phrase someone chose (a skill, an "I can help with" phrase, a tag, an ask title),
exactly as written, and never a stop word, a number or a word stem."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from askwell.asks.models import Ask, AskStatus
from askwell.demo.build import create_demo
from askwell.matching import repository as matching_repo
from askwell.matching import service
from askwell.network import dormant, intros
from askwell.network import repository as network_repo
from askwell.network.phrases import FILLER, help_phrases
from askwell.people.models import Person
from askwell.people.repository import actor_for
from tests.conftest import NOW
from tests.matching.conftest import FakeEncoder

OPEN = (AskStatus.OPEN.value, AskStatus.IN_PROGRESS.value)


def _listing(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + f" and {terms[-1]}"


@dataclass
class Shown:
    """Every term shown, with where it was shown, and how many of each kind were checked."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def check(self, where: str, terms: Iterable[str], *, curated: set[str], tags: list[str]) -> None:
        for term in terms:
            self.counts[where] = self.counts.get(where, 0) + 1
            words = re.findall(r"[^\W_][\w'’+#&/-]*", term.casefold())
            if term not in curated:
                self.problems.append(f"{where}: {term!r} is not a phrase anyone wrote")
            if any(w.isdigit() for w in words) and term not in tags:
                self.problems.append(f"{where}: {term!r} shows a number")
            if all(w in FILLER for w in words) and term not in tags:
                self.problems.append(f"{where}: {term!r} is a stop word")


@pytest.fixture
def demo(db: Session) -> int:
    ctx = create_demo(db, now=NOW, seed=7, size=40, slug="demo-terms", password_hash="x")
    db.flush()
    return ctx.org.id


def test_every_shown_term_is_a_curated_phrase(db: Session, demo: int) -> None:
    org_id = demo
    sources = {s.person_id: s for s in matching_repo.profile_sources(db, org_id=org_id)}
    people = network_repo.profile_rows(db, org_id=org_id)
    titles = set(db.scalars(select(Ask.title).where(Ask.org_id == org_id)))

    def curated_of(pid: int) -> set[str]:
        source = sources.get(pid)
        if source is None:
            return set()
        helped = {t for h in source.helps for t in (h.ask_title, *h.ask_tags)}
        return {*source.skills, *help_phrases(source.can_help_with), *helped}

    shown = Shown()
    query = select(Ask).where(Ask.org_id == org_id, Ask.status.in_(OPEN)).options(selectinload(Ask.tags))
    asks = db.scalars(query.order_by(Ask.id)).all()
    assert len(asks) >= 5
    encode = FakeEncoder()
    for ask in asks:
        author = db.get(Person, ask.author_id)
        assert author is not None
        actor = actor_for(db, author)
        tags = list(ask.tag_names)
        found = service.suggest(
            db, actor=actor, ask_id=ask.id, now=NOW, encode=encode, limit=20, persist=False
        )
        for s in found.suggestions:
            allowed = curated_of(s.person.id) | set(tags)
            shown.check("suggestion", s.terms, curated=allowed, tags=tags)
            knows = [r for r in s.reasons if r.startswith("Knows about ")]
            assert all(r == f"Knows about {_listing(s.terms)}" for r in knows) if s.terms else knows == []
            for reason in s.reasons:
                if reason.startswith("Helped with ") and " about " in reason:
                    topic = reason.split(" about ", 1)[1].split(", thanked")[0]
                    shown.check("evidence", [topic], curated=allowed | titles, tags=tags)
        for s in service.introductions(db, actor=actor, ask_id=ask.id, now=NOW, encode=encode, limit=20):
            shown.check("introduction", s.terms, curated=curated_of(s.person.id) | set(tags), tags=tags)
        for route in intros.find_connectors(db, actor=actor, now=NOW, ask_id=ask.id, limit=20):
            target = people[route.target.id]
            allowed = {*target.skills, *help_phrases(target.can_help_with), *tags}
            shown.check("connector", route.matched, curated=allowed, tags=tags)
        for tie in dormant.dormant_ties(db, actor=actor, now=NOW):
            allowed = curated_of(tie.person.id) | set(tags)
            shown.check("dormant", tie.novel_topics, curated=allowed, tags=tags)
            message = tie.suggested_message
            about = re.search(r"remembered you know (.+?)\. Would", message) or re.search(
                r"worked on together \((.+?)\)\.", message
            )
            if about:
                shown.check("message", about.group(1).split(", "), curated=allowed, tags=tags)
            assert "you know ." not in message and "()" not in message

    assert shown.problems == []
    # The check is not vacuous: terms of each kind were shown and checked.
    assert shown.counts.get("suggestion", 0) >= 5
    assert shown.counts.get("dormant", 0) + shown.counts.get("message", 0) >= 1

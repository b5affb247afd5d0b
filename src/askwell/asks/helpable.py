"""Which open asks a person could help with, and why: a pure ranking over candidates already loaded.

Reasons are worded from curated terms only (the person's own skills, the ask's tags, its team), never
from words picked out of the ask's text.

| signal                          | weight | why                                                  |
|---------------------------------|--------|------------------------------------------------------|
| shared with me / asked directly | 5      | the asker chose me: outweighs two matched skills     |
| one of my skills, per skill     | 2      | expertise is what makes help useful                  |
| from my team                    | 1      | teammates share context, and help them is cheap      |
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from askwell.asks.models import Ask

ASKED_WEIGHT = 5.0
SKILL_WEIGHT = 2.0
TEAM_WEIGHT = 1.0
# A title names a skill when the skill stands as a whole phrase: "Python" in "Python packaging", not in "Pythonic".
MIN_TITLE_SKILL = 3
MAX_SKILLS_NAMED = 3


@dataclass(frozen=True)
class Helpable:
    ask: Ask
    reasons: tuple[str, ...]
    score: float


def _in_title(skill: str, title: str) -> bool:
    return (
        len(skill) >= MIN_TITLE_SKILL
        and re.search(rf"(?<!\w){re.escape(skill.casefold())}(?!\w)", title.casefold()) is not None
    )


def rank(
    asks: Sequence[Ask],
    *,
    skills: Sequence[str],
    teams: frozenset[int],
    teammates: frozenset[int],
    asked_directly: frozenset[int],
    limit: int = 5,
) -> list[Helpable]:
    """The asks with at least one reason, best first (ties: newest first, as the candidates come)."""
    ranked: list[tuple[float, int, Helpable]] = []
    for position, ask in enumerate(asks):
        tag_keys = {t.key for t in ask.tags}
        matched = [s for s in skills if s.casefold() in tag_keys or _in_title(s, ask.title)]
        reasons: list[str] = []
        score = 0.0
        if ask.id in asked_directly:
            reasons.append("shared with you")
            score += ASKED_WEIGHT
        if matched:
            shown = matched[:MAX_SKILLS_NAMED]
            reasons.append("needs " + ", ".join(shown) + (" and more" if len(matched) > len(shown) else ""))
            score += SKILL_WEIGHT * len(matched)
        if ask.team_id in teams or ask.author_id in teammates:
            reasons.append("from your team")
            score += TEAM_WEIGHT
        if reasons:
            ranked.append((-score, position, Helpable(ask=ask, reasons=tuple(reasons), score=score)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [h for _, _, h in ranked[:limit]]

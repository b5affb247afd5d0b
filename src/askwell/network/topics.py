"""Pure, explainable fit between a need (an ask or a free query) and people, from words they share.

This is network's own default "who fits": matching (which sits above network) passes better fit
scores into the services when it has them. Topics are lower-cased word stems; a person's come from
their skills (weight 1), "I can help with" (0.7) and title (0.4). A topic known to few people counts
more (inverse document frequency), so "soc" outweighs "engineer".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from askwell.network.phrases import FILLER

SKILL_WEIGHT = 1.0
HELP_WITH_WEIGHT = 0.7
TITLE_WEIGHT = 0.4

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "get",
        "had",
        "has",
        "have",
        "help",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "know",
        "like",
        "me",
        "my",
        "need",
        "needs",
        "of",
        "on",
        "one",
        "or",
        "our",
        "out",
        "please",
        "so",
        "some",
        "someone",
        "something",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "up",
        "us",
        "was",
        "we",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "anyone",
        "who's",
        "knows",
        "using",
        "use",
    ]
)


def stem(word: str) -> str:
    """A light stemmer: plurals and -ing/-ed forms meet their base ("audits" → "audit")."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def words(text: str) -> set[str]:
    """The topic stems of a text, without stop words, request and scheduling words, numbers and one-letter noise."""
    return {
        stem(w)
        for w in _WORD.findall(text.lower())
        if w not in STOPWORDS and w not in FILLER and len(w) > 1 and not w.isdigit()
    }


@dataclass(frozen=True)
class Profile:
    """What a person's profile says they know, as weighted topics."""

    person_id: int
    weights: Mapping[str, float]

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(self.weights)


def profile(person_id: int, *, skills: Iterable[str], can_help_with: str, title: str) -> Profile:
    weights: dict[str, float] = {}
    for text, weight in ((title, TITLE_WEIGHT), (can_help_with, HELP_WITH_WEIGHT)):
        for topic in words(text):
            weights[topic] = max(weights.get(topic, 0.0), weight)
    for skill in skills:
        for topic in words(skill):
            weights[topic] = SKILL_WEIGHT
    return Profile(person_id=person_id, weights=weights)


def need_topics(*, tags: Iterable[str] = (), text: str = "") -> frozenset[str]:
    """Topics of an ask (its tags, title and body) or of a free query."""
    found = words(text)
    for tag in tags:
        found |= words(tag)
    return frozenset(found)


@dataclass(frozen=True)
class Fit:
    score: float
    matched: tuple[str, ...] = field(default_factory=tuple)


def fits(need: frozenset[str], people: Iterable[Profile]) -> dict[int, Fit]:
    """Each person's fit in [0, 1]: the idf-weighted share of the need's known topics they cover.

    Topics nobody in the organization has are left out of the denominator: they say nothing about
    who fits better, and would only shrink every score alike.
    """
    profiles = list(people)
    df: dict[str, int] = {}
    for p in profiles:
        for topic in need & p.topics:
            df[topic] = df.get(topic, 0) + 1
    if not df:
        return {p.person_id: Fit(0.0) for p in profiles}
    n = len(profiles)
    idf = {topic: math.log(1.0 + n / count) for topic, count in df.items()}
    total = sum(idf.values())
    result: dict[int, Fit] = {}
    for p in profiles:
        common = sorted(need & p.topics, key=lambda t: (-idf[t], t))
        score = sum(idf[t] * p.weights[t] for t in common) / total
        result[p.person_id] = Fit(min(score, 1.0), tuple(common))
    return result

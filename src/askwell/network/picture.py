"""Pure layout of "my network" as an SVG picture: me in the middle, rings outward.

Inner circle on the first ring, people reachable in two steps on the second, dormant ties on the
outer ring. Coordinates are computed here so the template only draws; nothing needs JavaScript.
The kinds of tie (``KINDS``) are the one source of the picture's colours and words: its dots, lines
and legend all read them, so the legend cannot drift from what is drawn. A tie's strength is told
in words from its evidence (``tie_in_words``): how often, over how long, how recently, and how.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from askwell.network.schemas import TieRead

SIZE = 360
CENTER = SIZE / 2
RADII = {"inner": 80.0, "two_step": 125.0, "dormant": 165.0}
MAX_PER_RING = 24


@dataclass(frozen=True)
class Kind:
    """One kind of tie as the picture shows it: its dot colour, its name and what it means."""

    ring: str
    colour: str
    label: str
    meaning: str


KINDS: dict[str, Kind] = {
    "inner": Kind("inner", "#3b6fd8", "Inner circle", "people you work with now"),
    "two_step": Kind("two_step", "#8a94a6", "Two steps", "people your inner circle knows"),
    "dormant": Kind("dormant", "#8a6d00", "Dormant", "once close, silent for a year or more"),
}


@dataclass(frozen=True)
class Node:
    person_id: int
    name: str
    label: str
    ring: str
    x: float
    y: float
    # 1-5: drawn as line thickness / dot size classes (CSS classes, no inline style).
    weight: int
    via_x: float | None = None
    via_y: float | None = None


@dataclass(frozen=True)
class Picture:
    size: int
    center: float
    nodes: list[Node]
    rings: dict[str, float]
    kinds: dict[str, Kind] = field(default_factory=lambda: KINDS)


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def weight_class(strength: float) -> int:
    return max(1, min(5, 1 + int(strength * 5)))


def layout(
    *,
    inner: list[tuple[int, str, float]],
    two_step: list[tuple[int, str, float, int]],
    dormant: list[tuple[int, str, float]],
) -> Picture:
    """Place people evenly on their ring; a two-step person sits near the inner-circle tie leading to them.

    ``inner`` and ``dormant`` are (person id, name, strength); ``two_step`` adds the connector's id.
    """
    nodes: list[Node] = []
    angle_of: dict[int, float] = {}
    inner = inner[:MAX_PER_RING]
    for i, (pid, name, strength) in enumerate(inner):
        angle = 2 * math.pi * i / max(len(inner), 1) - math.pi / 2
        angle_of[pid] = angle
        nodes.append(_node(pid, name, "inner", angle, strength))
    placed: dict[int, int] = {}
    for pid, name, score, via in two_step[:MAX_PER_RING]:
        base = angle_of.get(via, 0.0)
        k = placed.get(via, 0)
        placed[via] = k + 1
        angle = base + (k - 1) * 0.18 * (1 if k % 2 else -1)
        node = _node(pid, name, "two_step", angle, score)
        if via in angle_of:
            vx, vy = _point(RADII["inner"], angle_of[via])
            node = Node(node.person_id, node.name, node.label, node.ring, node.x, node.y, node.weight, vx, vy)
        nodes.append(node)
    dormant = dormant[:MAX_PER_RING]
    for i, (pid, name, strength) in enumerate(dormant):
        angle = 2 * math.pi * (i + 0.5) / max(len(dormant), 1) - math.pi / 2
        nodes.append(_node(pid, name, "dormant", angle, strength))
    return Picture(size=SIZE, center=CENTER, nodes=nodes, rings=dict(RADII))


def _point(radius: float, angle: float) -> tuple[float, float]:
    return round(CENTER + radius * math.cos(angle), 1), round(CENTER + radius * math.sin(angle), 1)


def _node(pid: int, name: str, ring: str, angle: float, strength: float) -> Node:
    x, y = _point(RADII[ring], angle)
    return Node(pid, name, _initials(name), ring, x, y, weight_class(strength))


# --- a tie in words --------------------------------------------------------------------------------------

#: How each origin of evidence reads in a sentence ("... through help given and thanks").
ORIGIN_WORDS = {
    "help_given": "help given",
    "thanks": "thanks",
    "offer": "offers of help",
    "ring": "a reciprocity ring",
    "standup": "stand-ups",
    "same_team": "being in the same team",
    "message": "messages",
    "intro": "an introduction",
    "imported": "an imported contact list",
}


def _span(days: float) -> str:
    """A length of time as people say it: "5 days", "3 weeks", "4 months", "2 years"."""
    if days < 1.5:
        return "a day"
    if days < 14:
        return f"{round(days)} days"
    if days < 60:
        weeks = round(days / 7)
        return f"{weeks} weeks"
    if days < 730:
        months = max(2, round(days / 30.44))
        return f"{months} months"
    return f"{round(days / 365.25)} years"


def _ago(days: float) -> str:
    if days < 1:
        return "today"
    if days < 2:
        return "yesterday"
    return f"{_span(days)} ago"


def _listed(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def tie_in_words(
    *, interactions: int, first_at: datetime, last_at: datetime, origins: Sequence[str], now: datetime
) -> str:
    """What a tie's strength rests on, as a sentence: "3 times in the last 2 months, most recently 5 days ago,
    through help given and thanks". Only what the tie stores (a count, the first and last time, the
    kinds of evidence), never a percentage nobody can check."""
    times = "once" if interactions == 1 else f"{interactions} times"
    first_days = max((now - first_at).total_seconds(), 0.0) / 86400
    last_days = max((now - last_at).total_seconds(), 0.0) / 86400
    if interactions == 1:
        sentence = f"{times}, {_ago(last_days)}"
    elif first_days < 1:
        sentence = f"{times} today"
    else:
        sentence = f"{times} in the last {_span(first_days)}, most recently {_ago(last_days)}"
    how = [ORIGIN_WORDS[o] for o in dict.fromkeys(origins) if o in ORIGIN_WORDS]
    return f"{sentence}, through {_listed(how)}" if how else sentence


def words_for(ties: Iterable[TieRead], *, now: datetime) -> dict[int, str]:
    """``tie_in_words`` for each tie, by the other person's id (what the page shows beside a name)."""
    return {
        t.person.id: tie_in_words(
            interactions=t.interactions, first_at=t.first_at, last_at=t.last_at, origins=t.origins, now=now
        )
        for t in ties
    }

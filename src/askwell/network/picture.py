"""Pure layout of "my network" as an SVG picture: me in the middle, rings outward.

Inner circle on the first ring, people reachable in two steps on the second, dormant ties on the
outer ring. Coordinates are computed here so the template only draws; nothing needs JavaScript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 360
CENTER = SIZE / 2
RADII = {"inner": 80.0, "two_step": 125.0, "dormant": 165.0}
MAX_PER_RING = 24


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

"""Who helps whom in a ring: an optimal min-cost flow over offers and who-can-help suggestions.

Pure: no session, no I/O. The rings service hands in the ring's open requests, the candidate pairings
(offers made in the ring, and for requests nobody offered on, who-can-help suggestions among the
participants) and the rules; the facilitator adjusts and confirms the proposal.

The network: source → request (the first unit earns the coverage bonus, up to ``k - 1`` more units
earn nothing extra) → helper (one unit per candidate pairing, its cost below) → sink (the helper's
capacity). A zero-cost bypass from source to sink lets requests stay unfilled, so every input is
feasible and the solver only ever trades benefits. Costs are negative benefits, integers, and the tiers
are lexicographic: each tier's unit exceeds the largest total that every lower tier together can reach
in this instance (``P`` = the most pairings possible: min(k × requests, total capacity, candidates)).

| tier | term per unit          | integer cost                          | why                                      |
|------|------------------------|---------------------------------------|------------------------------------------|
| 1    | a request covered      | −COVER = −(P + 1) × OFFER             | every request gets help where possible   |
| 2    | an offered pairing     | −OFFER = −(P × PAIR_MAX + 1)          | people who offered beat suggestions      |
| 3    | any pairing            | −PAIR_BASE = −1                       | a second helper is better than none      |
| 3    | fit (0..1)             | −round(FIT_SCALE × fit), FIT_SCALE=100 | who-can-help score: can they help?      |
| 3    | reach (0..1)           | −round(REACH_SCALE × reach), 50       | a direct tie is likelier to follow up    |

``PAIR_MAX`` = PAIR_BASE + FIT_SCALE + REACH_SCALE = 151 is the most tier 3 can give one pairing, so a
covered request always outweighs any number of offers, and an offer any amount of fit and reach. Fit
weighs twice reach because being able to help is the point; reach only separates people who could.
With 20,000 requests and k = 2 the largest arc cost is about 2.4e11, well inside the int64 range that
OR-Tools' cost scaling needs (cost × nodes < 9.2e18).

Hard constraints (never traded): a helper is never paired with their own request, a declined
(request, helper) pair is never proposed, no helper exceeds their capacity, no request gets more than
``max_helpers_per_request`` helpers. Inputs that cannot be honoured (k < 1, negative capacities) give
an empty assignment with a ``message``, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from ortools.graph.python import min_cost_flow

PAIR_BASE = 1  # any pairing is worth making (a second helper beats none)
FIT_SCALE = 100  # fit in hundredths: finer differences are noise in who-can-help scores
REACH_SCALE = 50  # reach weighs half of fit: closeness only separates people who could help
PAIR_MAX = PAIR_BASE + FIT_SCALE + REACH_SCALE
MAX_REASONS = 3  # the explanation names at most three terms: a sentence, not a list

_WORD = re.compile(r"[^\W\d_]")  # a curated term has at least one letter (no ids, no bare numbers)


@dataclass(frozen=True)
class RequestSlot:
    request_id: int
    requester_id: int


@dataclass(frozen=True)
class Candidate:
    request_id: int
    helper_id: int
    fit: float  # 0..1 who-can-help score (text fit etc.), 0 when unknown
    offered: bool  # the helper made an offer on this request (weighted above suggestions)
    reach: float = 0.0  # 0..1 network reach/closeness (direct tie 1, two-step 0.5, none 0)
    offer_note: str | None = None  # "I can help" / "I know someone" / "I have a resource"
    reasons: tuple[str, ...] = ()  # curated words for the explanation (skills, tags)


@dataclass(frozen=True)
class AssignmentRules:
    capacity: int = 2  # max requests per helper (default; per-helper overrides below)
    max_helpers_per_request: int = 2
    capacities: Mapping[int, int] = field(default_factory=dict)  # helper_id -> capacity override
    declined: frozenset[tuple[int, int]] = frozenset()  # (request_id, helper_id) never paired


@dataclass(frozen=True)
class Pairing:
    request_id: int
    helper_id: int
    source: Literal["offer", "suggestion"]
    explanation: str  # one sentence in words, e.g. "Offered: “I know someone” · knows dbt, SQL"


@dataclass(frozen=True)
class Assignment:
    pairings: tuple[Pairing, ...]
    unfilled: tuple[int, ...]  # request ids with no helper
    objective: int  # min-cost flow objective (integer costs)
    message: str | None  # human message when nothing/partly feasible, else None


@dataclass(frozen=True)
class _Problem:
    """The valid candidates (one per pair, the best) with their tier-3 values and the tier units."""

    requests: tuple[RequestSlot, ...]
    candidates: tuple[Candidate, ...]
    values: tuple[int, ...]  # tier 2 + tier 3 benefit of each candidate
    capacity: dict[int, int]  # helper -> capacity (only helpers with a candidate)
    k: int
    offer: int
    cover: int


def _tier3(c: Candidate) -> int:
    fit, reach = c.fit, c.reach
    fit = 0.0 if not fit > 0 else 1.0 if fit > 1 else fit  # NaN counts as 0
    reach = 0.0 if not reach > 0 else 1.0 if reach > 1 else reach
    return PAIR_BASE + int(FIT_SCALE * fit + 0.5) + int(REACH_SCALE * reach + 0.5)


def _invalid(rules: AssignmentRules) -> str | None:
    if rules.max_helpers_per_request < 1:
        return "Each request must be allowed at least one helper; nothing was proposed."
    if rules.capacity < 0 or any(v < 0 for v in rules.capacities.values()):
        return "A helper's capacity cannot be negative; nothing was proposed."
    return None


def _prepare(
    requests: Sequence[RequestSlot], candidates: Sequence[Candidate], rules: AssignmentRules
) -> _Problem:
    slots: dict[int, RequestSlot] = {}
    for r in requests:
        slots.setdefault(r.request_id, r)
    best: dict[tuple[int, int], tuple[bool, int, Candidate]] = {}
    declined, overrides, default = rules.declined, rules.capacities, rules.capacity
    for c in candidates:
        slot = slots.get(c.request_id)
        if slot is None or c.helper_id == slot.requester_id:
            continue
        key = (c.request_id, c.helper_id)
        if (declined and key in declined) or overrides.get(c.helper_id, default) < 1:
            continue
        tier = _tier3(c)
        old = best.get(key)
        if old is None or (c.offered, tier) > old[:2]:
            best[key] = (c.offered, tier, c)
    kept = tuple(c for _, _, c in best.values())
    capacity = {c.helper_id: overrides.get(c.helper_id, default) for c in kept}
    k = rules.max_helpers_per_request
    most = min(k * len(slots), sum(capacity.values()), len(kept))
    offer = most * PAIR_MAX + 1
    values = tuple(offer * offered + tier for offered, tier, _ in best.values())
    return _Problem(tuple(slots.values()), kept, values, capacity, k, offer, (most + 1) * offer)


def _words(terms: Sequence[str]) -> list[str]:
    out: list[str] = []
    for term in terms:
        t = " ".join(str(term).split())
        if t and _WORD.search(t) and t.lower() not in {o.lower() for o in out}:
            out.append(t)
    return out[:MAX_REASONS]


def explain(c: Candidate) -> str:
    """One sentence in words: why this person, from the offer note, curated terms and the tie."""
    parts = [
        f"Offered: “{c.offer_note.strip()}”" if c.offered and c.offer_note and c.offer_note.strip() else ""
    ]
    if c.offered and not parts[0]:
        parts[0] = "Offered to help"
    if not c.offered:
        parts[0] = "Suggested from who can help"
    terms = _words(c.reasons)
    if terms:
        parts.append("knows " + ", ".join(terms))
    if c.reach >= 1:
        parts.append("a direct tie of the requester")
    elif c.reach > 0:
        parts.append("two steps from the requester")
    return " · ".join(parts)


def _finish(problem: _Problem, chosen: Sequence[int], objective: int | None = None) -> Assignment:
    picked = [problem.candidates[i] for i in chosen]
    pairings = tuple(
        sorted(
            (
                Pairing(c.request_id, c.helper_id, "offer" if c.offered else "suggestion", explain(c))
                for c in picked
            ),
            key=lambda p: (p.request_id, p.source != "offer", p.helper_id),
        )
    )
    covered = {p.request_id for p in pairings}
    unfilled = tuple(r.request_id for r in problem.requests if r.request_id not in covered)
    if objective is None:
        objective = -(problem.cover * len(covered) + sum(problem.values[i] for i in chosen))
    message = None
    if unfilled:
        possible = {c.request_id for c in problem.candidates}
        none = sum(1 for r in unfilled if r not in possible)
        busy = len(unfilled) - none
        said = []
        if none:
            said.append(
                f"{none} request{'s have' if none != 1 else ' has'} nobody who offered or could be suggested"
            )
        if busy:
            said.append(
                f"{busy} request{'s' if busy != 1 else ''} could not be filled because "
                "every possible helper is already at capacity"
            )
        message = "; ".join(said) + "."
        message = message[0].upper() + message[1:]
    return Assignment(pairings, unfilled, objective, message)


def propose(
    requests: Sequence[RequestSlot], candidates: Sequence[Candidate], rules: AssignmentRules
) -> Assignment:
    """The optimal proposal (OR-Tools min-cost flow) under the cost table of this module."""
    invalid = _invalid(rules)
    if invalid is not None:
        return Assignment((), tuple(dict.fromkeys(r.request_id for r in requests)), 0, invalid)
    p = _prepare(requests, candidates, rules)
    if not p.candidates:
        return _finish(p, [], 0)
    req_index = {r.request_id: i for i, r in enumerate(p.requests)}
    helpers = list(p.capacity)
    helper_index = {h: i for i, h in enumerate(helpers)}
    n_req, n_help, n_cand = len(p.requests), len(helpers), len(p.candidates)
    cand_req = np.fromiter((req_index[c.request_id] for c in p.candidates), dtype=np.int64, count=n_cand)
    cand_help = np.fromiter((helper_index[c.helper_id] for c in p.candidates), dtype=np.int64, count=n_cand)
    capacity = np.fromiter((p.capacity[h] for h in helpers), dtype=np.int64, count=n_help)
    # A helper with no more candidates than capacity can never be a bottleneck: their arcs go straight
    # to the sink, which keeps only the contested helpers as nodes (exact, and far fewer nodes).
    contested = np.flatnonzero(np.bincount(cand_help, minlength=n_help) > capacity)
    source, sink, req0, help0 = 0, 1, 2, 2 + n_req
    node_of_helper = np.full(n_help, sink, dtype=np.int64)
    node_of_helper[contested] = help0 + np.arange(contested.size)
    counts = np.bincount(cand_req, minlength=n_req)
    live = np.flatnonzero(counts > 0)
    extra = np.minimum(counts[live], p.k) - 1
    more = live[extra > 0]
    supply = int(live.size + extra.sum())
    tails = np.concatenate(
        [
            cand_req + req0,
            np.full(live.size, source),
            np.full(more.size, source),
            help0 + np.arange(contested.size),
            [source],
        ]
    )
    heads = np.concatenate(
        [node_of_helper[cand_help], req0 + live, req0 + more, np.full(contested.size, sink), [sink]]
    )
    caps = np.concatenate(
        [
            np.ones(n_cand, dtype=np.int64),
            np.ones(live.size, dtype=np.int64),
            extra[extra > 0],
            capacity[contested],
            [supply],
        ]
    )
    costs = np.concatenate(
        [
            -np.asarray(p.values, dtype=np.int64),
            np.full(live.size, -p.cover, dtype=np.int64),
            np.zeros(more.size + contested.size + 1, dtype=np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    supplies = np.zeros(help0 + contested.size, dtype=np.int64)
    supplies[source], supplies[sink] = supply, -supply
    flow.set_nodes_supplies(np.arange(supplies.size, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - every input is feasible through the bypass arc
        return Assignment((), tuple(r.request_id for r in p.requests), 0, f"The solver gave up ({status}).")
    used = flow.flows(np.arange(n_cand, dtype=np.int32))
    return _finish(p, np.flatnonzero(used > 0).tolist(), int(flow.optimal_cost()))


def propose_greedy(
    requests: Sequence[RequestSlot], candidates: Sequence[Candidate], rules: AssignmentRules
) -> Assignment:
    """The baseline: requests in order, each takes its best free candidate (offers first, then fit and
    reach); a second round fills up to k. Same constraints, same objective, no look-ahead."""
    invalid = _invalid(rules)
    if invalid is not None:
        return Assignment((), tuple(dict.fromkeys(r.request_id for r in requests)), 0, invalid)
    p = _prepare(requests, candidates, rules)
    by_request: dict[int, list[int]] = {}
    for i, c in enumerate(p.candidates):
        by_request.setdefault(c.request_id, []).append(i)
    for options in by_request.values():
        options.sort(key=lambda i: (-p.values[i], p.candidates[i].helper_id))
    left = dict(p.capacity)
    chosen: list[int] = []
    taken: dict[int, int] = {}
    for _round in range(p.k):
        for r in p.requests:
            if taken.get(r.request_id, 0) != _round:
                continue
            for i in by_request.get(r.request_id, []):
                h = p.candidates[i].helper_id
                if left[h] > 0:
                    left[h] -= 1
                    chosen.append(i)
                    taken[r.request_id] = _round + 1
                    by_request[r.request_id].remove(i)
                    break
    return _finish(p, chosen)

"""Ring assignment on a Stack Exchange dump: replay the later questions as weekly asynchronous rings.

Procedure (fixed up front, the same for every site, no per-site tuning):

- The time split of the routing evaluation (``routing.split_by_time``, older 70 %) only sets where the
  replay starts; from there every ``WINDOW_DAYS`` window is one ring.
- A ring's requests are the questions asked in its window; its participants are the people who
  answered any question before the window opened. No offers are given: every candidate comes from
  who can help alone (a BM25 shortlist over what each person answered before the window plus the
  ``ACTIVE`` people who answered most lately, re-ordered by the product's ranker
  ``matching.scoring.rank`` with their track record, recency and reply speed), the best ``CANDIDATES``
  per request.
- ``rings.assignment.propose`` pairs each request with up to ``HELPERS`` helpers, each person taking
  at most ``CAPACITY`` requests per ring.
- A request is a hit when one of its proposed helpers actually answered it (at any later time); hit
  rates are over the requests that some participant answered (the others cannot be hit by anyone).
- Baselines in the same run: the ``HELPERS`` most active participants for every request (ignores
  capacity), and ``HELPERS`` participants drawn at random (seeded) for every request.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import numpy as np

from askwell.evals.routing import Answer, Question, SiteDataError, read_posts, split_by_time
from askwell.matching import scoring
from askwell.matching.lexical import LexicalIndex
from askwell.rings.assignment import AssignmentRules, Candidate, RequestSlot, propose

WINDOW_DAYS = 7  # a weekly ring: long enough for a handful of requests, short enough to be one session
CAPACITY = 2  # requests per person per ring (the rings domain's default)
HELPERS = 2  # helpers per request (the rings domain's default)
CANDIDATES = 10  # who-can-help candidates per request: the sparse list the assignment chooses from
POOL = 50  # BM25 shortlist per request that the ranker re-orders
ACTIVE = 10  # the people who answered most in the last RECENT_DAYS join every request's pool
RECENT_DAYS = 90
SEED = 20240611
METHODS = ("assignment", "most_active", "random")


@dataclass(frozen=True)
class Ring:
    start: datetime
    requests: list[Question]
    participants: list[int]


def _rings(questions: Sequence[Question], start: datetime, answers: Sequence[Answer]) -> list[Ring]:
    first_answer: dict[int, datetime] = {}
    for a in answers:
        if a.owner is not None and (a.owner not in first_answer or a.created < first_answer[a.owner]):
            first_answer[a.owner] = a.created
    later = sorted((q for q in questions if q.created >= start), key=lambda q: (q.created, q.id))
    rings: list[Ring] = []
    window = timedelta(days=WINDOW_DAYS)
    opened = start
    while later:
        batch = [q for q in later if q.created < opened + window]
        later = later[len(batch) :]
        if batch:
            people = sorted(p for p, when in first_answer.items() if when < opened)
            rings.append(Ring(opened, batch, people))
        opened += window
    return rings


def _who_can_help(
    ring: Ring, history: Sequence[Answer], by_id: Mapping[int, Question]
) -> tuple[dict[int, list[Candidate]], Counter[int]]:
    """Candidates per request from who can help alone, and everyone's answer count before the ring."""
    before = [a for a in history if a.owner is not None and a.created < ring.start and a.question_id in by_id]
    mine: dict[int, list[Answer]] = defaultdict(list)
    for a in before:
        assert a.owner is not None
        mine[a.owner].append(a)
    ids = [p for p in ring.participants if mine[p]]
    activity: Counter[int] = Counter({p: len(mine[p]) for p in ids})
    if not ids:
        return {}, activity
    texts = [
        " ".join(
            f"{by_id[a.question_id].title} {' '.join(by_id[a.question_id].tags)} {a.body}" for a in mine[p]
        )
        for p in ids
    ]
    index = LexicalIndex(ids, texts)
    features = {
        p: scoring.CandidateFeatures(
            person_id=p,
            total_helps=len(mine[p]),
            helped_at=tuple(a.created for a in mine[p]),
            last_helped_at=max(a.created for a in mine[p]),
            median_reply=sorted(a.created - by_id[a.question_id].created for a in mine[p])[len(mine[p]) // 2],
        )
        for p in ids
    }
    recent = [sum(a.created >= ring.start - timedelta(days=RECENT_DAYS) for a in mine[p]) for p in ids]
    busiest = sorted(range(len(ids)), key=lambda i: (-recent[i], ids[i]))[:ACTIVE]
    out: dict[int, list[Candidate]] = {}
    for q in ring.requests:
        scores = index.scores(q.text)
        shortlist = np.argsort(-scores, kind="stable")[: POOL + 1].tolist()
        top = float(scores[shortlist[0]]) if shortlist and scores[shortlist[0]] > 0 else 1.0
        # Retrieval's shortlist plus the most active lately: both are who-can-help candidates.
        order = list(dict.fromkeys([*shortlist, *busiest]))
        pool = [replace(features[ids[i]], fit=float(scores[i]) / top) for i in order if ids[i] != q.owner]
        ranked = scoring.rank(pool, now=ring.start, limit=None)[:CANDIDATES]
        out[q.id] = [
            Candidate(
                request_id=q.id,
                helper_id=cast(int, s.person_id),
                fit=min(1.0, max(0.0, s.score)),
                offered=False,
            )
            for s in ranked
        ]
    return out, activity


def evaluate(posts: Path) -> dict[str, object]:
    """The JSON-shaped result (see the module docstring for the procedure)."""
    questions, answers = read_posts(posts)
    split = split_by_time(questions, answers)
    by_id = {q.id: q for q in questions}
    answerers: dict[int, set[int]] = defaultdict(set)
    for a in answers:
        if a.owner is not None:
            answerers[a.question_id].add(a.owner)
    rings = _rings(questions, split.cutoff, answers)
    if not rings:
        raise SiteDataError(f"{posts}: no question after the split ({split.cutoff:%Y-%m-%d})")
    rng = np.random.default_rng(SEED)
    rules = AssignmentRules(capacity=CAPACITY, max_helpers_per_request=HELPERS)
    hits = dict.fromkeys(METHODS, 0)
    max_load = dict.fromkeys(METHODS, 0)
    over = dict.fromkeys(METHODS, 0)  # person-rings above capacity
    person_rings = dict.fromkeys(METHODS, 0)
    answerable = n_requests = unfilled = ceiling = 0
    for ring in rings:
        candidates, activity = _who_can_help(ring, answers, by_id)
        people = [p for p in ring.participants if p in activity]
        n_requests += len(ring.requests)
        proposal = propose(
            [RequestSlot(q.id, q.owner if q.owner is not None else -1) for q in ring.requests],
            [c for q in ring.requests for c in candidates.get(q.id, [])],
            rules,
        )
        unfilled += len(proposal.unfilled)
        given: dict[str, dict[int, set[int]]] = {m: defaultdict(set) for m in METHODS}
        for p in proposal.pairings:
            given["assignment"][p.request_id].add(p.helper_id)
        busiest = sorted(people, key=lambda p: (-activity[p], p))
        for q in ring.requests:
            given["most_active"][q.id] = set([p for p in busiest[: HELPERS + 1] if p != q.owner][:HELPERS])
            others = [p for p in people if p != q.owner]
            if others:
                picks = rng.choice(len(others), min(HELPERS, len(others)), replace=False)
                given["random"][q.id] = {others[i] for i in picks}
        # The ceiling: had the assignment known who would answer, how many requests could it hit within
        # capacity and k? (The same solver over the true answerers only.)
        truths = {q.id: answerers.get(q.id, set()) & set(people) - {q.owner} for q in ring.requests}
        oracle = propose(
            [RequestSlot(q.id, q.owner if q.owner is not None else -1) for q in ring.requests],
            [Candidate(r, h, fit=1.0, offered=False) for r, helpers in truths.items() for h in helpers],
            rules,
        )
        ceiling += len({p.request_id for p in oracle.pairings})
        for q in ring.requests:
            truth = truths[q.id]
            if truth:
                answerable += 1
                for m in METHODS:
                    hits[m] += bool(given[m].get(q.id, set()) & truth)
        for m in METHODS:
            load = Counter(h for helpers in given[m].values() for h in helpers)
            max_load[m] = max(max_load[m], max(load.values(), default=0))
            over[m] += sum(n > CAPACITY for n in load.values())
            person_rings[m] += len(load)
    return {
        "n_rings": len(rings),
        "n_requests": n_requests,
        "capacity": CAPACITY,
        "hit_rate": {m: round(hits[m] / answerable, 4) if answerable else 0.0 for m in METHODS},
        "max_load": max_load,
        # Context for the report; the JSON contract is the keys above.
        "n_answerable": answerable,
        "ceiling": round(ceiling / answerable, 4) if answerable else 0.0,
        "unfilled": unfilled,
        "within_capacity": {
            m: round(1 - over[m] / person_rings[m], 4) if person_rings[m] else 1.0 for m in METHODS
        },
        "start": split.cutoff.isoformat(),
    }


LABELS = {
    "assignment": "assignment (min-cost flow)",
    "most_active": "most active for everything",
    "random": "random (fixed seed)",
}


def render_markdown(site: str, r: Mapping[str, object], *, command: str, when: datetime) -> str:
    """One site's section: the procedure, each method's row and the targets, met or not."""
    hit, load, within = r["hit_rate"], r["max_load"], r["within_capacity"]
    assert isinstance(hit, Mapping) and isinstance(load, Mapping) and isinstance(within, Mapping)
    lines = [
        f"## Reciprocity ring assignment ({site})",
        "",
        f"`{command}` — run {when:%Y-%m-%d %H:%M} UTC. {r['n_rings']} rings from "
        f"{str(r.get('start', '?'))[:10]}, {r['n_requests']} requests ({r['n_answerable']} answered by a "
        f"participant), {r.get('unfilled', '?')} left unfilled by the assignment.",
        "",
        f"Procedure, fixed for every site: after the routing split (older 70 % of questions) the site is "
        f"replayed as {WINDOW_DAYS}-day rings; a ring's requests are that week's questions, its "
        f"participants everyone who answered before the week. No offers: candidates are the best "
        f"{CANDIDATES} per request by who can help (BM25 shortlist plus the {ACTIVE} most active in the last "
        f"{RECENT_DAYS} days, re-ordered by the ranker). Capacity "
        f"{CAPACITY} requests per person per ring, k = {HELPERS} helpers per request. A hit: a proposed "
        "helper actually answered; rates over the requests some participant answered.",
        "",
        "| method | hit rate | max load in a ring | person-rings within capacity |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {LABELS[m]} | {hit[m]:.3f} | {load[m]} | {within[m]:.1%} |" for m in METHODS]
    lines += [
        f"| ceiling within capacity (knowing who answered) | {r.get('ceiling', 0.0):.3f} | ≤ {CAPACITY} | 100.0% |"
    ]
    a, ma, rnd = hit["assignment"], hit["most_active"], hit["random"]
    lines += [
        "",
        f"Targets: everyone within capacity — {'met' if load['assignment'] <= CAPACITY else 'MISSED'}; "
        f"≥ 2× random — {f'{a / rnd:.1f}×' if rnd else 'random hit none'}, "
        f"{'met' if a >= 2 * rnd and a > 0 else 'MISSED'}; "
        f"≥ 0.9× most active — {f'{a / ma:.2f}×' if ma else 'most active hit none'}, "
        f"{'met' if a >= 0.9 * ma else 'MISSED'}.",
    ]
    return "\n".join(lines) + "\n"

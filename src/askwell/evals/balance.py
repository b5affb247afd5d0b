"""The give/ask balance on a real community: a Stack Exchange site read as a help ledger.

A question is an ask, an answer is help given, an accepted answer is thanks (from the asker to the
answerer). The site's history is cut at the midpoint of its time span. Everyone who posted in the
first half is classified by ``insights.balance`` (the product's own rule, thresholds from this
site's distribution) over their first-half gives (answers) and asks (questions); retention is the
share of each pattern who still posted anything in the second half.

Patterns also differ in how much people posted, and people who post more are more likely to post
again; so the report adds retention among people with at least ``MIN_POSTS`` first-half posts, where
volume confounds the comparison less.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from askwell.evals.routing import read_posts
from askwell.insights.balance import Activity, Pattern, classify_all, shares

MIN_POSTS = 3


def evaluate(posts: Path) -> dict[str, object]:
    questions, answers = read_posts(posts)
    times = [q.created for q in questions] + [a.created for a in answers]
    start, end = min(times), max(times)
    middle = start + (end - start) / 2
    gives: Counter[int] = Counter()
    asks: Counter[int] = Counter()
    thanks: Counter[int] = Counter()
    later: set[int] = set()
    answer_owner = {a.id: a.owner for a in answers}
    for q in questions:
        if q.owner is None:
            continue
        if q.created < middle:
            asks[q.owner] += 1
            owner = answer_owner.get(q.accepted_answer_id) if q.accepted_answer_id else None
            if owner is not None and owner != q.owner:
                thanks[owner] += 1
        else:
            later.add(q.owner)
    for a in answers:
        if a.owner is None:
            continue
        if a.created < middle:
            gives[a.owner] += 1
        else:
            later.add(a.owner)
    people = set(gives) | set(asks)
    activities = {p: Activity(gives=gives[p], asks=asks[p]) for p in people}
    patterns = classify_all(activities)
    return {
        "n_people": len(people),
        "patterns": shares(patterns),
        "retention": _retention(patterns, later),
        "retention_min_posts": _retention(
            {p: pat for p, pat in patterns.items() if activities[p].total >= MIN_POSTS}, later
        ),
        "counts": {pat.value: sum(1 for v in patterns.values() if v == pat) for pat in Pattern},
        "counts_min_posts": {
            pat.value: sum(1 for p, v in patterns.items() if v == pat and activities[p].total >= MIN_POSTS)
            for pat in Pattern
        },
        "thanks_received_share": (sum(1 for p in people if thanks[p]) / len(people)) if people else 0.0,
        "start": start.isoformat(),
        "middle": middle.isoformat(),
        "end": end.isoformat(),
    }


def _retention(patterns: Mapping[int, Pattern], later: set[int]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for pat in Pattern:
        group = [p for p, v in patterns.items() if v == pat]
        out[pat.value] = round(sum(1 for p in group if p in later) / len(group), 4) if group else None
    return out


def _pct(value: object) -> str:
    return "–" if not isinstance(value, float) else f"{value:.1%}"


def render_markdown(results: Mapping[str, Mapping[str, object]], *, command: str, when: datetime) -> str:
    """One table over every site: pattern shares and retention, all people and people with 3+ posts."""
    lines = [
        "## Give/ask balance and retention (Stack Exchange)",
        "",
        f"`{command}` — run {when:%Y-%m-%d %H:%M} UTC. A question is an ask, an answer is help given, an "
        "accepted answer is thanks. Each site is cut at the midpoint of its history; people who posted "
        "in the first half are classified by the product's rule (`insights/balance.py`, thresholds from "
        "that site's own distribution) and *retained* if they posted anything in the second half. "
        f"The second table keeps people with at least {MIN_POSTS} first-half posts, since volume alone "
        "predicts posting again.",
        "",
        "| site | people | balanced | generous giver | frequent asker | quiet | retained: balanced "
        "| generous giver | frequent asker | quiet |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    order = [
        p.value for p in (Pattern.BALANCED, Pattern.GENEROUS_GIVER, Pattern.FREQUENT_ASKER, Pattern.QUIET)
    ]
    for site, r in results.items():
        pats, ret = r["patterns"], r["retention"]
        assert isinstance(pats, Mapping) and isinstance(ret, Mapping)
        lines.append(
            f"| {site} | {r['n_people']} | "
            + " | ".join(_pct(pats[p]) for p in order)
            + " | "
            + " | ".join(_pct(ret[p]) for p in order)
            + " |"
        )
    lines += [
        "",
        f"People with at least {MIN_POSTS} posts in the first half (count, retained):",
        "",
        "| site | balanced | generous giver | frequent asker | quiet |",
        "|---|---:|---:|---:|---:|",
    ]
    for site, r in results.items():
        counts, ret = r["counts_min_posts"], r["retention_min_posts"]
        assert isinstance(counts, Mapping) and isinstance(ret, Mapping)
        lines.append(f"| {site} | " + " | ".join(f"{counts[p]}, {_pct(ret[p])}" for p in order) + " |")
    return "\n".join(lines)

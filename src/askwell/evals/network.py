"""Tie formation and reactivation on a temporal message network: our scores beside classic baselines.

Protocol (also written into the report):

* Times are taken from the data. Two cuts sit at the 50 % and 70 % quantiles of event times, so each
  holds a fixed share of the activity whatever the network's pace. The *fit* snapshot uses events
  before the first cut and labels from the first to the second; the *evaluation* snapshot uses events
  before the second cut and labels from the second cut to the end. Only the fit snapshot is used to
  fit the small logistic models behind "ours", so nothing is learnt from the evaluated period.
* Tie strengths follow :mod:`askwell.network.rules` with each message as one interaction; the
  half-life is half the time between the cuts, so recency is measured on the data's own time scale.
* Formation: positives are pairs of people both active before the cut, not tied before it, who
  exchange a message after it. Negatives are pairs drawn uniformly (fixed seed) from all not-tied,
  not-positive pairs of active people, 20 per positive, so pairs at distance two and at any greater
  distance (or none) appear as often as they exist. Precision@k ranks that same set (ties in a
  score are broken by a fixed random order).
* Reactivation: pairs tied before the cut and silent for at least a quarter of the history before the
  cut; positives talk again after the cut. All such pairs are scored, no sampling.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from askwell.network.graph import TieGraph
from askwell.network.rules import DEFAULT_SATURATION, ORIGIN_WEIGHTS, decay, saturate

FIELD_ORDERS: dict[str, tuple[int, int, int]] = {"src,dst,t": (0, 1, 2), "t,src,dst": (1, 2, 0)}
SECONDS_PER_UNIT: dict[str, float] = {"seconds": 86_400.0, "days": 1.0}
CUT_QUANTILES = (0.5, 0.7)
HALF_LIFE_SHARE = 0.5  # of the time between the two cuts
SILENCE_SHARE = 0.25  # of the history before a cut
NEGATIVES_PER_POSITIVE = 20
MAX_NEGATIVES = 200_000
PRECISION_K = 100
SEED = 2004
# Path scores are at most 1; anything below this is "no route" for the log feature.
_PATH_FLOOR = 1e-6

FORMATION_METHODS = (
    "two_step",
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
)
REACTIVATION_METHODS = ("ours", "recency", "frequency")


class NetworkDataError(ValueError):
    """The input cannot be evaluated: unreadable, malformed, or too small to hold both classes."""


@dataclass(frozen=True)
class Events:
    """Messages as person indices ``0..n_people-1`` and times in days."""

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    t: npt.NDArray[np.float64]
    n_people: int


@dataclass(frozen=True)
class Snapshot:
    """Everything known at a cut: each tied pair's count and last time, and the tie graphs."""

    cut: float
    pair_u: npt.NDArray[np.int64]
    pair_v: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]
    last: npt.NDArray[np.float64]
    past_strength: npt.NDArray[np.float64]
    current: TieGraph  # strengths decayed to the cut
    degree: npt.NDArray[np.float64]

    @property
    def active(self) -> npt.NDArray[np.bool_]:
        return self.degree > 0

    def tied(self, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        n = self.current.n_people
        keys = self.pair_u * n + self.pair_v
        query = np.minimum(u, v) * n + np.maximum(u, v)
        pos = np.minimum(np.searchsorted(keys, query), max(len(keys) - 1, 0))
        return keys[pos] == query if len(keys) else np.zeros(len(query), dtype=bool)


def _check_options(fields: str, time_unit: str) -> None:
    if fields not in FIELD_ORDERS:
        raise NetworkDataError(f"--fields must be one of {', '.join(FIELD_ORDERS)}, not {fields!r}")
    if time_unit not in SECONDS_PER_UNIT:
        raise NetworkDataError(f"--time-unit must be one of {', '.join(SECONDS_PER_UNIT)}, not {time_unit!r}")


def _events(data: npt.NDArray[np.int64], fields: str, time_unit: str) -> Events:
    """Renumber people ``0..n-1`` (in id order) and turn times into days since the first event."""
    if len(data) == 0:
        raise NetworkDataError("no events in the input")
    i_src, i_dst, i_t = FIELD_ORDERS[fields]
    ids, people = np.unique(data[:, [i_src, i_dst]], return_inverse=True)
    people = people.reshape(-1, 2).astype(np.int64)
    times = data[:, i_t]
    days = (times - times.min()).astype(np.float64) / SECONDS_PER_UNIT[time_unit]
    return Events(people[:, 0], people[:, 1], days, len(ids))


def parse_events(lines: Iterable[str], *, fields: str = "src,dst,t", time_unit: str = "seconds") -> Events:
    """Read three integers a line; skip blanks and ``#``/``%`` comments; name the first bad line."""
    _check_options(fields, time_unit)
    rows: list[tuple[int, int, int]] = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text[0] in "#%":
            continue
        parts = text.split()
        try:
            if len(parts) != 3:
                raise ValueError
            rows.append((int(parts[0]), int(parts[1]), int(parts[2])))
        except ValueError:
            raise NetworkDataError(
                f"line {number}: expected three integers ({fields}), got {text[:60]!r}"
            ) from None
    return _events(np.asarray(rows, dtype=np.int64).reshape(-1, 3), fields, time_unit)


def load_events(path: Path, *, fields: str = "src,dst,t", time_unit: str = "seconds") -> Events:
    """:func:`parse_events` over a file, with a one-line error when it cannot be read.

    NumPy's C reader handles well-formed files (millions of lines in seconds); only when it refuses
    one does the line-by-line reader run, to name the offending line.
    """
    _check_options(fields, time_unit)
    try:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an empty file warns; the check below reports it
                data = np.loadtxt(path, dtype=np.int64, comments=("#", "%"), ndmin=2, encoding="utf-8")
            if data.shape[1] == 3:
                return _events(data, fields, time_unit)
        except ValueError:
            pass
        with path.open(encoding="utf-8") as handle:
            return parse_events(handle, fields=fields, time_unit=time_unit)
    except (OSError, UnicodeDecodeError) as exc:
        raise NetworkDataError(f"cannot read {path}: {exc}") from None


def _pair_keys(events: Events, mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    u, v = events.src[mask], events.dst[mask]
    keep = u != v
    keys: npt.NDArray[np.int64] = np.minimum(u, v)[keep] * events.n_people + np.maximum(u, v)[keep]
    return keys


def snapshot(events: Events, cut: float, half_life: float) -> Snapshot:
    """Aggregate messages before ``cut`` into ties with the strength rules of the product."""
    n = events.n_people
    mask = (events.t < cut) & (events.src != events.dst)
    u = np.minimum(events.src[mask], events.dst[mask])
    v = np.maximum(events.src[mask], events.dst[mask])
    t = events.t[mask]
    order = np.lexsort((t, u * n + v))
    keys, t = (u * n + v)[order], t[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.empty(0, np.int64)
    group = np.cumsum(np.r_[False, keys[1:] != keys[:-1]]) if keys.size else np.empty(0, np.int64)
    pair_keys = keys[starts]
    count = np.diff(np.r_[starts, keys.size])
    last = t[np.r_[starts[1:], keys.size] - 1] if keys.size else np.empty(0)
    message = ORIGIN_WEIGHTS["message"]
    mass = np.bincount(group, weights=message * decay(last[group] - t, half_life), minlength=len(starts))
    past = saturate(mass, DEFAULT_SATURATION)
    pair_u, pair_v = pair_keys // n, pair_keys % n
    graph = TieGraph.from_edges(pair_u, pair_v, past, last, n_people=n)
    degree = np.diff(graph.indptr).astype(np.float64)
    return Snapshot(cut, pair_u, pair_v, count, last, past, graph.at(cut, half_life), degree)


def _formation_pairs(
    events: Events, snap: Snapshot, end: float, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    n = events.n_people
    later = np.unique(_pair_keys(events, (events.t >= snap.cut) & (events.t < end)))
    pu, pv = later // n, later % n
    keep = snap.active[pu] & snap.active[pv] & ~snap.tied(pu, pv)
    pu, pv = pu[keep], pv[keep]
    positives = pu * n + pv
    active = np.flatnonzero(snap.active)
    available = len(active) * (len(active) - 1) // 2 - len(snap.pair_u) - len(positives)
    wanted = min(NEGATIVES_PER_POSITIVE * len(positives), MAX_NEGATIVES, max(available, 0))
    chosen = np.empty(0, dtype=np.int64)
    for _ in range(50):
        if len(chosen) >= wanted:
            break
        draw = 2 * (wanted - len(chosen)) + 16
        a, b = rng.choice(active, draw), rng.choice(active, draw)
        a, b = np.minimum(a, b), np.maximum(a, b)
        ok = (a != b) & ~snap.tied(a, b)
        keys = (a * n + b)[ok]
        keys = keys[~np.isin(keys, positives)]
        # keep the first occurrence of each new pair, in drawing order, so the sample stays uniform
        merged = np.r_[chosen, keys]
        _, first = np.unique(merged, return_index=True)
        chosen = merged[np.sort(first)][:wanted]
    nu, nv = chosen // n, chosen % n
    labels = np.r_[np.ones(len(pu)), np.zeros(len(nu))]
    return np.r_[pu, nu], np.r_[pv, nv], labels


def formation_scores(
    snap: Snapshot, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]
) -> dict[str, npt.NDArray[np.float64]]:
    """Baselines on the unweighted graph, our path score, and the activity features beside it."""
    weights = snap.current.as_csr()
    binary = weights.copy()
    binary.data = np.ones_like(binary.data)
    shared = binary[u].multiply(binary[v]).tocsr()
    deg = snap.degree
    # a common neighbour has degree >= 2, so the clamps only guard people who are nobody's neighbour
    inv_log = 1.0 / np.log(np.maximum(deg, 2.0))
    inv_deg = 1.0 / np.maximum(deg, 1.0)
    reach = snap.current.reach
    return {
        "common_neighbours": np.asarray(shared.sum(axis=1)).ravel(),
        "adamic_adar": shared @ inv_log,
        "resource_allocation": shared @ inv_deg,
        "preferential_attachment": deg[u] * deg[v],
        "paths": snap.current.pair_scores(u, v),
        "activity": np.log1p(reach[u]) + np.log1p(reach[v]),
        "log_degree": np.log1p(deg[u]) + np.log1p(deg[v]),
    }


def _formation_features(scores: dict[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    return np.column_stack([np.log(scores["paths"] + _PATH_FLOOR), scores["activity"], scores["log_degree"]])


def _reactivation_pairs(
    events: Events, snap: Snapshot, end: float, threshold: float
) -> tuple[dict[str, npt.NDArray[np.float64]], npt.NDArray[np.float64]]:
    n = events.n_people
    silence = snap.cut - snap.last
    dormant = silence >= threshold
    u, v = snap.pair_u[dormant], snap.pair_v[dormant]
    later = np.unique(_pair_keys(events, (events.t >= snap.cut) & (events.t < end)))
    labels = np.isin(u * n + v, later).astype(np.float64)
    reach = snap.current.reach
    features = {
        "silence": silence[dormant],
        "count": snap.count[dormant].astype(np.float64),
        "past_strength": snap.past_strength[dormant],
        "activity": np.log1p(reach[u]) + np.log1p(reach[v]),
    }
    return features, labels


def _reactivation_features(features: dict[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    return np.column_stack(
        [
            np.log(features["silence"]),
            np.log1p(features["count"]),
            features["past_strength"],
            features["activity"],
        ]
    )


def _fit(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], what: str) -> Any:
    if y.min() == y.max():
        raise NetworkDataError(f"the earlier cut has only one class for {what}; the network is too small")
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(x, y)


def _auc(y: npt.NDArray[np.float64], score: npt.NDArray[np.float64]) -> float:
    return float(roc_auc_score(y, score))


def precision_at_k(
    y: npt.NDArray[np.float64], score: npt.NDArray[np.float64], k: int, rng: np.random.Generator
) -> float:
    """Share of positives among the ``k`` top scores, ties broken by a random (seeded) order."""
    order = np.lexsort((rng.permutation(len(y)), -score))
    return float(y[order[:k]].mean())


def _check_classes(y: npt.NDArray[np.float64], what: str) -> None:
    if y.size == 0 or y.min() == y.max():
        raise NetworkDataError(f"the evaluation period has no {what} to tell apart; the network is too small")


def evaluate_network(events: Events, *, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run both tasks and return the JSON-ready result (see the module docstring for the protocol)."""
    step = progress or (lambda _label: None)
    rng = np.random.default_rng(SEED)
    start, end = float(events.t.min()), float(events.t.max())
    fit_cut, eval_cut = (float(q) for q in np.quantile(events.t, CUT_QUANTILES))
    if not start < fit_cut < eval_cut < end:
        raise NetworkDataError("the events do not span enough distinct times to place two cuts")
    half_life = HALF_LIFE_SHARE * (eval_cut - fit_cut)
    after_end = np.nextafter(end, np.inf)

    step("fit snapshot")
    fit_snap = snapshot(events, fit_cut, half_life)
    fu, fv, fy = _formation_pairs(events, fit_snap, eval_cut, rng)
    formation_model = _fit(_formation_features(formation_scores(fit_snap, fu, fv)), fy, "tie formation")
    fit_threshold = SILENCE_SHARE * (fit_cut - start)
    fit_react, fit_react_y = _reactivation_pairs(events, fit_snap, eval_cut, fit_threshold)
    reactivation_model = _fit(_reactivation_features(fit_react), fit_react_y, "reactivation")

    step("evaluation snapshot")
    snap = snapshot(events, eval_cut, half_life)
    u, v, y = _formation_pairs(events, snap, after_end, rng)
    _check_classes(y, "new and absent ties")
    scores = formation_scores(snap, u, v)
    scores["two_step"] = formation_model.decision_function(_formation_features(scores))
    k = min(PRECISION_K, int(y.sum()))
    formation_auc = {name: _auc(y, scores[name]) for name in FORMATION_METHODS}
    tie_order_seed = rng.integers(2**32)
    formation_precision = {
        name: precision_at_k(y, scores[name], k, np.random.default_rng(tie_order_seed))
        for name in FORMATION_METHODS
    }

    step("reactivation")
    threshold = SILENCE_SHARE * (eval_cut - start)
    react, react_y = _reactivation_pairs(events, snap, after_end, threshold)
    _check_classes(react_y, "silent pairs that did and did not talk again")
    reactivation_scores = {
        "ours": reactivation_model.decision_function(_reactivation_features(react)),
        "recency": -react["silence"],
        "frequency": react["count"],
    }
    step("done")
    return {
        "formation": {
            "auc": formation_auc,
            "precision_at_k": formation_precision,
            "k": k,
            "paths_only_auc": _auc(y, scores["paths"]),
            "n_positive": int(y.sum()),
            "n_negative": int(len(y) - y.sum()),
        },
        "reactivation": {
            "auc": {name: _auc(react_y, reactivation_scores[name]) for name in REACTIVATION_METHODS},
            "n_positive": int(react_y.sum()),
            "n_pairs": len(react_y),
        },
        "protocol": {
            "n_events": len(events.t),
            "n_people": events.n_people,
            "span_days": end - start,
            "fit_cut_day": fit_cut,
            "eval_cut_day": eval_cut,
            "half_life_days": half_life,
            "silence_threshold_days": threshold,
            "negatives_per_positive": NEGATIVES_PER_POSITIVE,
            "seed": SEED,
        },
    }


def render_markdown(result: dict[str, Any], *, command: str, date: str) -> str:
    """The report section: both tables, the protocol in numbers, and how to reproduce them."""
    formation, reactivation, protocol = result["formation"], result["reactivation"], result["protocol"]
    labels = {
        "two_step": "two-step (ours)",
        "common_neighbours": "common neighbours",
        "adamic_adar": "Adamic–Adar",
        "resource_allocation": "resource allocation",
        "preferential_attachment": "preferential attachment",
    }
    k = formation["k"]
    lines = [
        "## Network: tie formation and reactivation",
        "",
        f"`{command}` — run {date}.",
        "",
        f"{protocol['n_events']:,} messages among {protocol['n_people']:,} people over "
        f"{protocol['span_days']:.1f} days. Cuts at the 50 % and 70 % event-time quantiles "
        f"(day {protocol['fit_cut_day']:.1f} to fit, day {protocol['eval_cut_day']:.1f} to evaluate); "
        f"tie half-life {protocol['half_life_days']:.2f} days (half the time between the cuts).",
        "",
        f"**Tie formation** — {formation['n_positive']:,} new pairs after the cut against "
        f"{formation['n_negative']:,} uniformly sampled untied pairs (seed {protocol['seed']}).",
        "",
        f"| method | ROC AUC | precision@{k} |",
        "|---|---:|---:|",
    ]
    for name in FORMATION_METHODS:
        lines.append(
            f"| {labels[name]} | {formation['auc'][name]:.3f} | {formation['precision_at_k'][name]:.3f} |"
        )
    lines += [
        "",
        "Ours: a logistic model fitted on the earlier cut only, over the log of the two-step path score "
        "(`TieGraph.pair_scores`, strength- and recency-weighted, connector reach discounted) and both "
        f"people's recent tie strength and degree. The path score alone: AUC {formation['paths_only_auc']:.3f}.",
        "",
        f"**Reactivation** — {reactivation['n_pairs']:,} pairs silent for at least "
        f"{protocol['silence_threshold_days']:.1f} days (a quarter of the history before the cut); "
        f"{reactivation['n_positive']:,} talked again.",
        "",
        "| method | ROC AUC |",
        "|---|---:|",
        f"| ours | {reactivation['auc']['ours']:.3f} |",
        f"| recency only | {reactivation['auc']['recency']:.3f} |",
        f"| frequency only | {reactivation['auc']['frequency']:.3f} |",
        "",
        "Ours: a logistic model fitted on the earlier cut over silence, message count, strength at the "
        "last message and both people's current activity.",
    ]
    return "\n".join(lines) + "\n"

"""Tie formation and reactivation on a temporal message network: learned models beside classic baselines.

Protocol (also printed in the JSON ``protocol`` and written into the report):

* **Cut pairs.** Times are taken from the data. Each *cut pair* is three event-time quantiles
  ``(fit, eval, end)``, so each period holds a fixed share of the activity whatever the network's pace.
  The *fit* snapshot is the history before ``fit``, labelled by ``[fit, eval)``; the *evaluated*
  snapshot is the history before ``eval``, labelled by ``[eval, end)``. The default pair (50 %, 70 %,
  100 %) is the one reported since the first version (its figures stay under the old JSON keys); the
  others (40/55/70, 50/65/80, 60/75/90, 70/85/100) slide the same 15 %-of-activity windows over the
  history. Each pair is evaluated on its own; nothing is shared between pairs.
* **Features never look past their cut.** Every feature is computed from :func:`snapshot`, which reads
  only events strictly before the cut; labels are the only thing read after it.
* **Training and selection.** The earlier logistic models ("ours before") are fitted on the fit
  snapshot only. The learned models train on the fit snapshot and up to three earlier ones (5 % of the
  activity apart), all labelled up to the eval cut, so they see several horizons rather than one. Their
  family and regularisation are chosen among a fixed list of candidates forward in time: trained on
  the earlier snapshots labelled up to the fit cut, validated on the fit snapshot labelled
  ``[fit, eval)``, keeping the simplest candidate (the list runs from the most regularised logistic
  model to the largest trees) within one standard error of the best validation AUC, then refitted on
  every training snapshot. The evaluated period is never used to choose or fit anything.
* Tie strengths follow :mod:`askwell.network.rules` with each message as one interaction; the
  half-life is half the time between the cuts, so recency is measured on the data's own time scale.
* Formation: positives are pairs of people both active before the cut, not tied before it, who
  exchange a message after it. Negatives are pairs drawn uniformly (fixed seed) from all not-tied,
  not-positive pairs of active people, 20 per positive, so pairs at distance two and at any greater
  distance (or none) appear as often as they exist. Precision@k ranks that same set (ties in a
  score are broken by a fixed random order).
* Reactivation: pairs tied before the cut and silent for at least a quarter of the history before the
  cut; positives talk again after the cut. All such pairs are scored, no sampling.
* Share of the gap closed: ``(learned - best single) / (1 - best single)``, with the best single index
  (common neighbours, Adamic–Adar, resource allocation, preferential attachment, two-step path score)
  for formation and the better of recency and frequency for reactivation. The same share against the
  best of *every* single feature reported is printed beside it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from askwell.network.graph import TieGraph
from askwell.network.rules import DEFAULT_SATURATION, ORIGIN_WEIGHTS, decay, saturate

FIELD_ORDERS: dict[str, tuple[int, int, int]] = {"src,dst,t": (0, 1, 2), "t,src,dst": (1, 2, 0)}
SECONDS_PER_UNIT: dict[str, float] = {"seconds": 86_400.0, "days": 1.0}
CUT_QUANTILES = (0.5, 0.7)
#: Every cut pair evaluated, as (fit, eval, end) event-time quantiles; the first is the default one
#: whose figures fill the JSON keys older consumers read.
CUT_PAIRS: tuple[tuple[float, float, float], ...] = (
    (0.5, 0.7, 1.0),
    (0.4, 0.55, 0.7),
    (0.5, 0.65, 0.8),
    (0.6, 0.75, 0.9),
    (0.7, 0.85, 1.0),
)
HALF_LIFE_SHARE = 0.5  # of the time between the two cuts
SILENCE_SHARE = 0.25  # of the history before a cut
NEGATIVES_PER_POSITIVE = 20
MAX_NEGATIVES = 200_000
PRECISION_K = 100
SEED = 2004
CV_FOLDS = 3
#: The learned models train on this many snapshots (the fit cut and earlier ones), each this share of
#: the activity before the next, none before this quantile.
TRAINING_SNAPSHOTS = 4
TRAINING_STEP = 0.05
MIN_TRAINING_QUANTILE = 0.1
GAP_TARGET = 0.25
# Path scores are at most 1; anything below this is "no route" for the log feature.
_PATH_FLOOR = 1e-6
_RA_FLOOR = 1e-4

FORMATION_METHODS = (
    "two_step",
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
)
REACTIVATION_METHODS = ("ours", "recency", "frequency")
#: Single indices whose best sets the bar the learned formation model is measured against.
FORMATION_INDICES = (
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
    "two_step_path",
)
#: Single recency features for formation, reported (and counted in the "any single" bar) too.
FORMATION_RECENCY = ("recent_activity", "last_active", "recent_degree")
REACTIVATION_BASELINES = ("recency", "frequency")
REACTIVATION_SINGLES = ("reciprocity", "burstiness", "shared_active", "endpoint_last_active")


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
    """Everything known at a cut: per tied pair its messages each way, last time, burstiness and the
    tie graphs; per person when they were last active and how active they were recently.

    Built by :func:`snapshot` from events strictly before ``cut`` only, so no feature can see the period
    it is asked to predict.
    """

    cut: float
    half_life: float
    pair_u: npt.NDArray[np.int64]
    pair_v: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]
    forward: npt.NDArray[np.int64]  # messages pair_u -> pair_v (the rest went the other way)
    first: npt.NDArray[np.float64]
    last: npt.NDArray[np.float64]
    burst: npt.NDArray[np.float64]
    past_strength: npt.NDArray[np.float64]
    current: TieGraph  # strengths decayed to the cut
    degree: npt.NDArray[np.float64]
    person_last: npt.NDArray[np.float64]  # last message before the cut; -inf for nobody
    person_recent: npt.NDArray[np.float64]  # messages within one half-life before the cut
    person_activity: npt.NDArray[np.float64]  # messages, each decayed by its age at the cut
    person_messages: npt.NDArray[np.float64]  # messages sent or received before the cut

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


def _group_burstiness(
    group: npt.NDArray[np.int64], t: npt.NDArray[np.float64], n_groups: int
) -> npt.NDArray[np.float64]:
    """Goh–Barabási burstiness ``(sd - mean) / (sd + mean)`` of each group's inter-event times.

    ``t`` must be sorted within each group. -1 is perfectly regular, 0 a Poisson process, towards +1
    bursty. With fewer than two gaps the spread is unknown, so the value is the neutral 0.
    """
    if t.size == 0:
        return np.zeros(n_groups)
    same = group[1:] == group[:-1]
    gaps, owner = np.diff(t)[same], group[1:][same]
    n = np.bincount(owner, minlength=n_groups).astype(np.float64)
    total = np.bincount(owner, weights=gaps, minlength=n_groups)
    squares = np.bincount(owner, weights=gaps * gaps, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        sd = np.sqrt(np.maximum(squares / n - mean * mean, 0.0))
        value = (sd - mean) / (sd + mean)
    result: npt.NDArray[np.float64] = np.where((n >= 2) & (sd + mean > 0), value, 0.0)
    return result


def burstiness(times: npt.ArrayLike) -> float:
    """Burstiness of one series of event times (any order): see :func:`_group_burstiness`."""
    t = np.sort(np.asarray(times, dtype=np.float64))
    return float(_group_burstiness(np.zeros(t.size, dtype=np.int64), t, 1)[0])


def reciprocity(forward: npt.ArrayLike, total: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Share of a pair's messages sent by the quieter side: 0 one-way, 0.5 perfectly balanced."""
    f = np.asarray(forward, dtype=np.float64)
    n = np.asarray(total, dtype=np.float64)
    share: npt.NDArray[np.float64] = np.minimum(f, n - f) / np.maximum(n, 1.0)
    return share


def snapshot(events: Events, cut: float, half_life: float) -> Snapshot:
    """Aggregate messages before ``cut`` into ties with the strength rules of the product.

    Only events strictly before ``cut`` are read: everything a model sees about a cut is in here.
    """
    n = events.n_people
    mask = (events.t < cut) & (events.src != events.dst)
    src, dst, t = events.src[mask], events.dst[mask], events.t[mask]
    u, v = np.minimum(src, dst), np.maximum(src, dst)
    order = np.lexsort((t, u * n + v))
    keys, t, outgoing = (u * n + v)[order], t[order], (src == u)[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if keys.size else np.empty(0, np.int64)
    group = np.cumsum(np.r_[False, keys[1:] != keys[:-1]]) if keys.size else np.empty(0, np.int64)
    pair_keys = keys[starts]
    count = np.diff(np.r_[starts, keys.size])
    forward = np.bincount(group, weights=outgoing, minlength=len(starts)).astype(np.int64)
    last = t[np.r_[starts[1:], keys.size] - 1] if keys.size else np.empty(0)
    first = t[starts] if keys.size else np.empty(0)
    burst = _group_burstiness(group, t, len(starts))
    message = ORIGIN_WEIGHTS["message"]
    mass = np.bincount(group, weights=message * decay(last[group] - t, half_life), minlength=len(starts))
    past = saturate(mass, DEFAULT_SATURATION)
    pair_u, pair_v = pair_keys // n, pair_keys % n
    graph = TieGraph.from_edges(pair_u, pair_v, past, last, n_people=n)
    degree = np.diff(graph.indptr).astype(np.float64)
    people = np.r_[src, dst]
    times = np.r_[events.t[mask], events.t[mask]]
    person_last = np.full(n, -np.inf)
    np.maximum.at(person_last, people, times)
    recent = np.bincount(people, weights=(times >= cut - half_life), minlength=n).astype(np.float64)
    activity = np.bincount(people, weights=decay(cut - times, half_life), minlength=n).astype(np.float64)
    return Snapshot(
        cut=cut,
        half_life=half_life,
        pair_u=pair_u,
        pair_v=pair_v,
        count=count,
        forward=forward,
        first=first,
        last=last,
        burst=burst,
        past_strength=past,
        current=graph.at(cut, half_life),
        degree=degree,
        person_last=person_last,
        person_recent=recent,
        person_activity=activity,
        person_messages=np.bincount(people, minlength=n).astype(np.float64),
    )


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


def _binary(snap: Snapshot) -> sp.csr_matrix:
    binary = snap.current.as_csr().copy()
    binary.data = np.ones_like(binary.data)
    return binary


def formation_scores(
    snap: Snapshot, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]
) -> dict[str, npt.NDArray[np.float64]]:
    """Baselines on the unweighted graph, our path score, and the activity features beside it."""
    binary = _binary(snap)
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


def _endpoint_features(snap: Snapshot, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]) -> dict[str, Any]:
    """Each person's recency, recent activity and recency-weighted degree, as (lower, higher) of the pair.

    Taking the lower and the higher rather than ``u``'s and ``v``'s keeps the features symmetric.
    """
    since = np.log1p(np.maximum(snap.cut - snap.person_last, 0.0))
    recent = np.log1p(snap.person_recent)
    activity = np.log1p(snap.person_activity)
    reach = np.log1p(snap.current.reach)
    degree = np.log1p(snap.degree)
    out: dict[str, Any] = {}
    for name, values in (
        ("since_last", since),
        ("recent", recent),
        ("activity", activity),
        ("reach", reach),
        ("degree", degree),
    ):
        out[f"{name}_min"] = np.minimum(values[u], values[v])
        out[f"{name}_max"] = np.maximum(values[u], values[v])
    return out


def _shared_active(snap: Snapshot, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]) -> Any:
    """Common neighbours who sent or received a message within one half-life before the cut."""
    binary = _binary(snap)
    recently = (snap.person_recent > 0).astype(np.float64)
    return binary[u].multiply(binary[v]).tocsr() @ recently


def formation_features(
    snap: Snapshot, u: npt.NDArray[np.int64], v: npt.NDArray[np.int64]
) -> dict[str, npt.NDArray[np.float64]]:
    """Every formation feature of the pairs: the indices (log where heavy-tailed), paths and recency."""
    scores = formation_scores(snap, u, v)
    features = {
        "log_common_neighbours": np.log1p(scores["common_neighbours"]),
        "log_adamic_adar": np.log1p(scores["adamic_adar"]),
        "log_resource_allocation": np.log(scores["resource_allocation"] + _RA_FLOOR),
        "log_preferential_attachment": np.log1p(scores["preferential_attachment"]),
        "log_two_step_path": np.log(scores["paths"] + _PATH_FLOOR),
        "log_shared_active": np.log1p(_shared_active(snap, u, v)),
    }
    features.update(_endpoint_features(snap, u, v))
    return features


def _formation_singles(
    scores: dict[str, npt.NDArray[np.float64]], features: dict[str, npt.NDArray[np.float64]]
) -> dict[str, npt.NDArray[np.float64]]:
    """The single scores reported beside the learned model (higher means "more likely to form")."""
    return {
        "common_neighbours": scores["common_neighbours"],
        "adamic_adar": scores["adamic_adar"],
        "resource_allocation": scores["resource_allocation"],
        "preferential_attachment": scores["preferential_attachment"],
        "two_step_path": scores["paths"],
        "recent_activity": features["recent_min"],
        "last_active": -features["since_last_max"],
        "recent_degree": features["reach_min"],
    }


def _legacy_formation_features(scores: dict[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    return np.column_stack([np.log(scores["paths"] + _PATH_FLOOR), scores["activity"], scores["log_degree"]])


def _dormant(snap: Snapshot, threshold: float) -> npt.NDArray[np.int64]:
    """Indices of the snapshot's pairs silent for at least ``threshold`` days."""
    return np.flatnonzero(snap.cut - snap.last >= threshold)


def reactivation_features(snap: Snapshot, pairs: npt.NDArray[np.int64]) -> dict[str, npt.NDArray[np.float64]]:
    """Every reactivation feature of the snapshot's pairs at indices ``pairs``.

    Recency and frequency, past strength, reciprocity (share of messages sent by the quieter side),
    burstiness of the pair's inter-message times, how long the tie lasted, each person's own recency
    and activity, and the neighbours both share (all of them, and those active recently).
    """
    u, v = snap.pair_u[pairs], snap.pair_v[pairs]
    count = snap.count[pairs].astype(np.float64)
    binary = _binary(snap)
    silence = np.maximum(snap.cut - snap.last[pairs], 1e-9)
    # the pair's own rhythm: its mean gap between messages (the whole silence when it wrote once)
    rhythm = (snap.last[pairs] - snap.first[pairs]) / np.maximum(count - 1.0, 1.0)
    share = count / np.maximum(np.minimum(snap.person_messages[u], snap.person_messages[v]), 1.0)
    features = {
        "log_silence": np.log(silence),
        "log_silence_over_rhythm": np.log(silence) - np.log(np.maximum(rhythm, 1e-3)),
        "share_of_quieter": share,
        "log_count": np.log1p(count),
        "past_strength": snap.past_strength[pairs],
        "reciprocity": reciprocity(snap.forward[pairs], count),
        "burstiness": snap.burst[pairs],
        "log_duration": np.log1p(snap.last[pairs] - snap.first[pairs]),
        "log_common_neighbours": np.log1p(np.asarray(binary[u].multiply(binary[v]).sum(axis=1)).ravel()),
        "log_shared_active": np.log1p(_shared_active(snap, u, v)),
    }
    features.update(_endpoint_features(snap, u, v))
    return features


def _legacy_reactivation_features(snap: Snapshot, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    u, v = snap.pair_u[pairs], snap.pair_v[pairs]
    reach = snap.current.reach
    return np.column_stack(
        [
            np.log(snap.cut - snap.last[pairs]),
            np.log1p(snap.count[pairs].astype(np.float64)),
            snap.past_strength[pairs],
            np.log1p(reach[u]) + np.log1p(reach[v]),
        ]
    )


def _reactivation_singles(
    snap: Snapshot, pairs: npt.NDArray[np.int64], features: dict[str, npt.NDArray[np.float64]]
) -> dict[str, npt.NDArray[np.float64]]:
    return {
        "recency": -(snap.cut - snap.last[pairs]),
        "frequency": snap.count[pairs].astype(np.float64),
        "reciprocity": features["reciprocity"],
        "burstiness": features["burstiness"],
        "shared_active": features["log_shared_active"],
        "endpoint_last_active": -features["since_last_max"],
    }


def _matrix(features: dict[str, npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    return np.column_stack([features[name] for name in sorted(features)])


def _candidates() -> dict[str, ClassifierMixin]:
    """The fixed list the learned model is chosen from, simplest first (for the one-standard-error rule).

    Regularised logistic regressions over standardised features (three strengths of the L2 penalty)
    and two small gradient-boosted tree ensembles (shallow, shrunk, L2-penalised leaves, a floor on
    leaf size); early stopping is off so that a fit is deterministic.
    """
    models: dict[str, ClassifierMixin] = {}
    for c in (0.01, 0.1, 1.0):
        models[f"logistic C={c:g}"] = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
    for leaves in (4, 8):
        models[f"boosted trees {leaves} leaves"] = HistGradientBoostingClassifier(
            learning_rate=0.1,
            max_iter=100,
            max_leaf_nodes=leaves,
            min_samples_leaf=40,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=SEED,
        )
    return models


def select_and_fit(
    data: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    what: str,
    *,
    train: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
    validate: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
) -> tuple[Any, str, dict[str, float]]:
    """Choose a candidate by ROC AUC, then refit it on all of ``data``.

    With ``train`` and ``validate`` (earlier snapshots and a later one, all before the evaluated
    period), the choice is forward in time, as the model will be used; otherwise by stratified k-fold
    inside ``data``. The evaluated period is never passed here.
    """
    x, y = data
    if y.size == 0 or y.min() == y.max():
        raise NetworkDataError(f"the earlier cut has only one class for {what}; the network is too small")
    candidates = _candidates()
    scores: dict[str, list[float]] = {name: [] for name in candidates}
    if train is not None and validate is not None and _two_classes(train[1]) and _two_classes(validate[1]):
        splits = [(train, validate)]
    else:
        folds = min(CV_FOLDS, int(y.sum()), int(len(y) - y.sum()))
        splitter = StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=SEED)
        splits = [] if folds < 2 else [((x[a], y[a]), (x[b], y[b])) for a, b in splitter.split(x, y)]
        splits = [(tr, te) for tr, te in splits if _two_classes(tr[1]) and _two_classes(te[1])]
    errors: list[float] = []
    for (train_x, train_y), (test_x, test_y) in splits:
        for name, model in candidates.items():
            fitted = clone(model).fit(train_x, train_y)
            scores[name].append(_auc(test_y, _decision(fitted, test_x)))
        errors.append(_auc_standard_error(max(values[-1] for values in scores.values()), test_y))
    auc = {name: float(np.mean(values)) for name, values in scores.items() if values}
    chosen = _one_standard_error(auc, float(np.mean(errors)) if errors else 0.0, list(candidates))
    return clone(candidates[chosen]).fit(x, y), chosen, auc


def _auc_standard_error(auc: float, y: npt.NDArray[np.float64]) -> float:
    """Hanley & McNeil (1982) standard error of a ROC AUC on ``y``'s positives and negatives."""
    pos, neg = float(y.sum()), float(len(y) - y.sum())
    q1, q2 = auc / (2.0 - auc), 2.0 * auc * auc / (1.0 + auc)
    variance = (auc * (1 - auc) + (pos - 1) * (q1 - auc * auc) + (neg - 1) * (q2 - auc * auc)) / (pos * neg)
    return float(np.sqrt(max(variance, 0.0)))


def _one_standard_error(auc: dict[str, float], error: float, simplest_first: list[str]) -> str:
    """The simplest candidate within one standard error of the best (Breiman et al., 1984).

    With a few hundred positives a validation AUC moves by a couple of points from noise alone; the
    rule keeps such noise from buying a more flexible model that then travels less well in time.
    """
    if not auc:
        return simplest_first[0]
    best = max(auc.values())
    return next(name for name in simplest_first if name in auc and auc[name] >= best - error)


def _two_classes(y: npt.NDArray[np.float64]) -> bool:
    return bool(y.size) and y.min() != y.max()


def _decision(model: Any, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    scores: npt.NDArray[np.float64] = np.asarray(model.predict_proba(x))[:, 1]
    return scores


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


def gap_closed(model: float, best_single: float) -> float:
    """Share of the distance from the best single score to a perfect 1.0 that the model covers."""
    return (model - best_single) / (1.0 - best_single) if best_single < 1.0 else 0.0


def _best(aucs: dict[str, float], names: Iterable[str]) -> str:
    return max(names, key=lambda name: aucs[name])


@dataclass(frozen=True)
class CutPair:
    """One fit snapshot and one evaluated period, as days since the first event and their quantiles."""

    quantiles: tuple[float, float, float]
    fit: float
    eval: float
    end: float  # labels of the evaluated period are events before this (exclusive)

    @property
    def label(self) -> str:
        return "/".join(f"{round(q * 100)}" for q in self.quantiles)

    @property
    def half_life(self) -> float:
        return HALF_LIFE_SHARE * (self.eval - self.fit)


def cut_plan(events: Events) -> list[CutPair]:
    """Every cut pair of :data:`CUT_PAIRS` placed on this network's event times (the default first)."""
    start, last = float(events.t.min()), float(events.t.max())
    plan = []
    for quantiles in CUT_PAIRS:
        fit, eval_, end = (float(q) for q in np.quantile(events.t, quantiles))
        if quantiles[2] >= 1.0:
            end = float(np.nextafter(last, np.inf))
        plan.append(CutPair(quantiles, fit, eval_, end))
    if not start < plan[0].fit < plan[0].eval < last:
        raise NetworkDataError("the events do not span enough distinct times to place two cuts")
    return plan


def _training_cuts(events: Events, cut: CutPair) -> list[float]:
    """Earlier fit snapshots for the learned models: the fit cut and up to three before it.

    Each sits :data:`TRAINING_STEP` of the activity earlier (never below :data:`MIN_TRAINING_QUANTILE`),
    so the learned model sees several horizons and network sizes rather than one.
    """
    first = cut.quantiles[0]
    quantiles = [first - TRAINING_STEP * j for j in range(1, TRAINING_SNAPSHOTS)]
    earlier = [float(np.quantile(events.t, q)) for q in quantiles if q >= MIN_TRAINING_QUANTILE]
    return [cut.fit, *(c for c in earlier if c > float(events.t.min()))]


@dataclass(frozen=True)
class _TrainingSet:
    formation_x: npt.NDArray[np.float64]
    formation_y: npt.NDArray[np.float64]
    reactivation_x: npt.NDArray[np.float64]
    reactivation_y: npt.NDArray[np.float64]


def _training_set(events: Events, snap: Snapshot, label_end: float, seed: int) -> _TrainingSet:
    """Both tasks' features at ``snap`` (events before its cut) and labels from ``[cut, label_end)``."""
    n = events.n_people
    u, v, fy = _formation_pairs(events, snap, label_end, np.random.default_rng([SEED, seed]))
    pairs = _dormant(snap, SILENCE_SHARE * (snap.cut - float(events.t.min())))
    later = np.unique(_pair_keys(events, (events.t >= snap.cut) & (events.t < label_end)))
    ry = np.isin(snap.pair_u[pairs] * n + snap.pair_v[pairs], later).astype(np.float64)
    return _TrainingSet(
        _matrix(formation_features(snap, u, v)), fy, _matrix(reactivation_features(snap, pairs)), ry
    )


def _stack(sets: list[_TrainingSet], task: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    x = np.vstack([getattr(item, f"{task}_x") for item in sets])
    y = np.concatenate([getattr(item, f"{task}_y") for item in sets])
    return x, y


def evaluate_cut(events: Events, cut: CutPair) -> dict[str, Any]:
    """Both tasks on one cut pair: fit on snapshots before the eval cut, score the evaluated period.

    The legacy models' random draws happen in the same order as in the first version (fit negatives,
    evaluation negatives, tie order), so the default cut reproduces its earlier figures exactly; the
    learned models' training pairs are drawn from their own seeded streams.
    """
    rng = np.random.default_rng(SEED)
    start = float(events.t.min())
    half_life = cut.half_life
    n = events.n_people

    fit_snap = snapshot(events, cut.fit, half_life)
    fu, fv, fy = _formation_pairs(events, fit_snap, cut.eval, rng)
    fit_scores = formation_scores(fit_snap, fu, fv)
    legacy_formation = _fit(_legacy_formation_features(fit_scores), fy, "tie formation")
    fit_pairs = _dormant(fit_snap, SILENCE_SHARE * (cut.fit - start))
    fit_later = np.unique(_pair_keys(events, (events.t >= cut.fit) & (events.t < cut.eval)))
    fit_react_y = np.isin(fit_snap.pair_u[fit_pairs] * n + fit_snap.pair_v[fit_pairs], fit_later)
    legacy_reactivation = _fit(
        _legacy_reactivation_features(fit_snap, fit_pairs), fit_react_y.astype(np.float64), "reactivation"
    )

    # Learned models: every training snapshot labelled up to the eval cut; for the choice among the
    # candidates, the earlier snapshots labelled up to the fit cut train and the fit snapshot validates.
    cuts = _training_cuts(events, cut)
    snaps = [fit_snap, *(snapshot(events, c, half_life) for c in cuts[1:])]
    final = [_training_set(events, s, cut.eval, j) for j, s in enumerate(snaps)]
    inner = [_training_set(events, s, cut.fit, 100 + j) for j, s in enumerate(snaps[1:])]
    models: dict[str, Any] = {}
    choices: dict[str, str] = {}
    validation: dict[str, dict[str, float]] = {}
    for task, what in (("formation", "tie formation"), ("reactivation", "reactivation")):
        validate = _stack(final[:1], task)
        models[task], choices[task], validation[task] = select_and_fit(
            _stack(final, task), what, train=_stack(inner, task) if inner else None, validate=validate
        )
    formation_model, formation_choice, formation_cv = (
        models["formation"],
        choices["formation"],
        validation["formation"],
    )
    reactivation_model, reactivation_choice, reactivation_cv = (
        models["reactivation"],
        choices["reactivation"],
        validation["reactivation"],
    )
    fy_all = _stack(final, "formation")[1]
    fit_react_all = _stack(final, "reactivation")[1]

    snap = snapshot(events, cut.eval, half_life)
    u, v, y = _formation_pairs(events, snap, cut.end, rng)
    _check_classes(y, "new and absent ties")
    scores = formation_scores(snap, u, v)
    features = formation_features(snap, u, v)
    singles = _formation_singles(scores, features)
    ranked = {
        "two_step": legacy_formation.decision_function(_legacy_formation_features(scores)),
        **{name: scores[name] for name in FORMATION_METHODS[1:]},
        "learned": _decision(formation_model, _matrix(features)),
    }
    k = min(PRECISION_K, int(y.sum()))
    tie_order_seed = rng.integers(2**32)
    formation_auc = {name: _auc(y, score) for name, score in ranked.items()}
    formation_auc.update(
        {name: _auc(y, singles[name]) for name in (*FORMATION_INDICES[4:], *FORMATION_RECENCY)}
    )
    precision = {
        name: precision_at_k(y, score, k, np.random.default_rng(tie_order_seed))
        for name, score in ranked.items()
    }
    best_index = _best(formation_auc, FORMATION_INDICES)
    best_any = _best(formation_auc, (*FORMATION_INDICES, *FORMATION_RECENCY))

    threshold = SILENCE_SHARE * (cut.eval - start)
    pairs = _dormant(snap, threshold)
    later = np.unique(_pair_keys(events, (events.t >= cut.eval) & (events.t < cut.end)))
    react_y = np.isin(snap.pair_u[pairs] * n + snap.pair_v[pairs], later).astype(np.float64)
    _check_classes(react_y, "silent pairs that did and did not talk again")
    react_features = reactivation_features(snap, pairs)
    react_scores = {
        "ours": legacy_reactivation.decision_function(_legacy_reactivation_features(snap, pairs)),
        **_reactivation_singles(snap, pairs, react_features),
        "learned": _decision(reactivation_model, _matrix(react_features)),
    }
    react_auc = {name: _auc(react_y, score) for name, score in react_scores.items()}
    best_baseline = _best(react_auc, REACTIVATION_BASELINES)
    best_react_any = _best(react_auc, (*REACTIVATION_BASELINES, *REACTIVATION_SINGLES))
    return {
        "cut": cut.label,
        "quantiles": list(cut.quantiles),
        "fit_cut_day": cut.fit,
        "eval_cut_day": cut.eval,
        "end_day": cut.end,
        "half_life_days": half_life,
        "silence_threshold_days": threshold,
        "formation": {
            "auc": formation_auc,
            "precision_at_k": precision,
            "k": k,
            "paths_only_auc": formation_auc["two_step_path"],
            "best_single": best_index,
            "gap_closed": gap_closed(formation_auc["learned"], formation_auc[best_index]),
            "best_any_single": best_any,
            "gap_closed_vs_any_single": gap_closed(formation_auc["learned"], formation_auc[best_any]),
            "model": formation_choice,
            "validation_auc": formation_cv,
            "n_fit_pairs": len(fy_all),
            "n_positive": int(y.sum()),
            "n_negative": int(len(y) - y.sum()),
        },
        "reactivation": {
            "auc": react_auc,
            "best_single": best_baseline,
            "gap_closed": gap_closed(react_auc["learned"], react_auc[best_baseline]),
            "best_any_single": best_react_any,
            "gap_closed_vs_any_single": gap_closed(react_auc["learned"], react_auc[best_react_any]),
            "model": reactivation_choice,
            "validation_auc": reactivation_cv,
            "n_fit_pairs": len(fit_react_all),
            "n_positive": int(react_y.sum()),
            "n_pairs": len(react_y),
        },
    }


def _summary(cuts: list[dict[str, Any]], task: str) -> dict[str, Any]:
    done = [cut for cut in cuts if "skipped" not in cut]
    gaps = [cut[task]["gap_closed"] for cut in done]
    worst = min(range(len(done)), key=lambda i: gaps[i])
    learned = [cut[task]["auc"]["learned"] for cut in done]
    best = [cut[task]["auc"][cut[task]["best_single"]] for cut in done]
    return {
        "n_cuts": len(done),
        "mean_learned_auc": float(np.mean(learned)),
        "mean_best_single_auc": float(np.mean(best)),
        "mean_gap_closed": float(np.mean(gaps)),
        "worst_gap_closed": gaps[worst],
        "worst_cut": done[worst]["cut"],
        "target": GAP_TARGET,
        "target_met_on_every_cut": all(gap >= GAP_TARGET for gap in gaps),
    }


SPLIT_TEXT = (
    "per cut pair (fit, eval, end) at event-time quantiles: the evaluated period is [eval, end), scored "
    "from the events before eval; everything a model learns from is labelled before eval. The earlier "
    'models ("ours before") learn from the snapshot at fit labelled [fit, eval); the learned models from '
    f"that one and up to {TRAINING_SNAPSHOTS - 1} earlier snapshots ({TRAINING_STEP:.0%} of the activity "
    "apart), each labelled up to eval. Features only ever read events before their snapshot. The default "
    "pair 50/70/100 fills the top-level keys; every pair is also in `cuts`."
)
SELECTION_TEXT = (
    "learned models are chosen per cut pair and task among fixed candidates (logistic regression "
    "C = 0.01, 0.1, 1 on standardised features; gradient-boosted trees with 4 or 8 leaves, 100 rounds, "
    "learning rate 0.1) forward in time: trained on the earlier snapshots labelled up to the fit cut, "
    "validated (ROC AUC) on the fit snapshot labelled [fit, eval), keeping the simplest candidate within "
    "one standard error (Hanley-McNeil) of the best; the chosen one is refitted on every training "
    "snapshot. The evaluated period is never used to choose or fit anything."
)


def evaluate_network(events: Events, *, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run both tasks on every cut pair and return the JSON-ready result (protocol: module docstring).

    The default cut pair must be evaluable (otherwise the network is too small); a later pair whose
    periods hold only one class is reported as skipped rather than failing the whole run.
    """
    step = progress or (lambda _label: None)
    start, end = float(events.t.min()), float(events.t.max())
    plan = cut_plan(events)
    cuts: list[dict[str, Any]] = []
    for index, cut in enumerate(plan):
        step(f"cut {cut.label}")
        try:
            cuts.append(evaluate_cut(events, cut))
        except NetworkDataError as exc:
            if index == 0:
                raise
            cuts.append({"cut": cut.label, "quantiles": list(cut.quantiles), "skipped": str(exc)})
    step("done")
    default = cuts[0]
    formation, reactivation = default["formation"], default["reactivation"]
    return {
        "formation": {
            "auc": {name: formation["auc"][name] for name in FORMATION_METHODS},
            "precision_at_k": {name: formation["precision_at_k"][name] for name in FORMATION_METHODS},
            "k": formation["k"],
            "paths_only_auc": formation["paths_only_auc"],
            "n_positive": formation["n_positive"],
            "n_negative": formation["n_negative"],
            "learned_auc": formation["auc"]["learned"],
            "learned_precision_at_k": formation["precision_at_k"]["learned"],
            "best_single": formation["best_single"],
            "gap_closed": formation["gap_closed"],
            "model": formation["model"],
        },
        "reactivation": {
            "auc": {name: reactivation["auc"][name] for name in REACTIVATION_METHODS},
            "n_positive": reactivation["n_positive"],
            "n_pairs": reactivation["n_pairs"],
            "learned_auc": reactivation["auc"]["learned"],
            "best_single": reactivation["best_single"],
            "gap_closed": reactivation["gap_closed"],
            "model": reactivation["model"],
        },
        "cuts": cuts,
        "summary": {"formation": _summary(cuts, "formation"), "reactivation": _summary(cuts, "reactivation")},
        "protocol": {
            "n_events": len(events.t),
            "n_people": events.n_people,
            "span_days": end - start,
            "fit_cut_day": default["fit_cut_day"],
            "eval_cut_day": default["eval_cut_day"],
            "half_life_days": default["half_life_days"],
            "silence_threshold_days": default["silence_threshold_days"],
            "negatives_per_positive": NEGATIVES_PER_POSITIVE,
            "seed": SEED,
            "cut_pairs": [list(quantiles) for quantiles in CUT_PAIRS],
            "split": SPLIT_TEXT,
            "selection": SELECTION_TEXT,
            "candidates": list(_candidates()),
            "cv_folds": CV_FOLDS,
            "gap_target": GAP_TARGET,
        },
    }


_LABELS = {
    "two_step": "two-step (ours before)",
    "common_neighbours": "common neighbours",
    "adamic_adar": "Adamic–Adar",
    "resource_allocation": "resource allocation",
    "preferential_attachment": "preferential attachment",
    "two_step_path": "two-step path",
    "recent_activity": "recent activity",
    "last_active": "last active",
    "recent_degree": "recent degree",
    "learned": "learned",
    "ours": "ours before",
    "recency": "recency",
    "frequency": "frequency",
    "reciprocity": "reciprocity",
    "burstiness": "burstiness",
    "shared_active": "shared active neighbours",
    "endpoint_last_active": "last active (either)",
}


def _cut_table(cuts: list[dict[str, Any]], task: str, columns: tuple[str, ...]) -> list[str]:
    lines = [
        "| cut (fit/eval/end %) | "
        + " | ".join(_LABELS[name] for name in columns)
        + " | best single | gap closed "
        "| vs any single | model (chosen forward in time) |",
        "|---|" + "---:|" * (len(columns) + 3) + "---|",
    ]
    for cut in cuts:
        if "skipped" in cut:
            lines.append(f"| {cut['cut']} | skipped: {cut['skipped']} |")
            continue
        part = cut[task]
        cells = [f"{part['auc'][name]:.3f}" for name in columns]
        lines.append(
            f"| {cut['cut']} | "
            + " | ".join(cells)
            + f" | {_LABELS[part['best_single']]} | {part['gap_closed']:.0%} "
            f"| {part['gap_closed_vs_any_single']:.0%} | {part['model']} |"
        )
    return lines


def render_markdown(result: dict[str, Any], *, command: str, date: str) -> str:
    """The report section: the protocol, one table per task over every cut pair, and a before/after line."""
    formation, reactivation, protocol = result["formation"], result["reactivation"], result["protocol"]
    summary = result["summary"]
    cuts = result["cuts"]
    default = cuts[0]
    k = formation["k"]
    best_index = _best(formation["auc"], FORMATION_METHODS[1:])
    lines = [
        "## Network: tie formation and reactivation",
        "",
        f"`{command}` — run {date}.",
        "",
        f"{protocol['n_events']:,} messages among {protocol['n_people']:,} people over "
        f"{protocol['span_days']:.1f} days.",
        "",
        f"- Split: {protocol['split']}",
        f"- Selection: {protocol['selection']}",
        "- Tie half-life: half the time between a pair's two cuts; dormant: silent for a quarter of the "
        "history before the cut. Formation negatives: "
        f"{protocol['negatives_per_positive']} uniformly sampled untied pairs of active people per new pair "
        f"(seed {protocol['seed']}).",
        "- Gap closed = (learned − best single) / (1 − best single); best single: the best of common "
        "neighbours, Adamic–Adar, resource allocation, preferential attachment and the two-step path "
        'score (formation), the better of recency and frequency (reactivation). "vs any single" '
        "measures against the best of every single feature in the table.",
        "",
        f"**Before / after** (default cut 50/70/100, day {default['fit_cut_day']:.1f} to fit, day "
        f"{default['eval_cut_day']:.1f} to evaluate): formation AUC before "
        f"{formation['auc']['two_step']:.3f} (two-step logistic model) vs best index "
        f"{_LABELS[best_index]} {formation['auc'][best_index]:.3f}; after {formation['learned_auc']:.3f} "
        f"(learned), {formation['gap_closed']:.0%} of the gap closed. Reactivation AUC before "
        f"{reactivation['auc']['ours']:.3f} vs recency {reactivation['auc']['recency']:.3f} / frequency "
        f"{reactivation['auc']['frequency']:.3f}; after {reactivation['learned_auc']:.3f} (learned), "
        f"{reactivation['gap_closed']:.0%} of the gap closed.",
        "",
    ]
    for task, title in (("formation", "Tie formation"), ("reactivation", "Reactivation")):
        s = summary[task]
        met = "met" if s["target_met_on_every_cut"] else "not met"
        lines.append(
            f"**{title}** over {s['n_cuts']} cut pairs: mean learned AUC {s['mean_learned_auc']:.3f} "
            f"against {s['mean_best_single_auc']:.3f} for the best single; gap closed mean "
            f"{s['mean_gap_closed']:.0%}, "
            f"worst {s['worst_gap_closed']:.0%} (cut {s['worst_cut']}). Target ≥ {s['target']:.0%} on every "
            f"cut: {met}."
        )
        lines.append("")
    lines += [
        "### Tie formation (ROC AUC per cut pair)",
        "",
        *_cut_table(
            cuts,
            "formation",
            (*FORMATION_METHODS[1:], "two_step_path", *FORMATION_RECENCY, "two_step", "learned"),
        ),
        "",
        "| cut | new pairs | sampled untied pairs | fit pairs |",
        "|---|---:|---:|---:|",
        *[
            f"| {cut['cut']} | {cut['formation']['n_positive']:,} | {cut['formation']['n_negative']:,} "
            f"| {cut['formation']['n_fit_pairs']:,} |"
            for cut in cuts
            if "skipped" not in cut
        ],
        "",
        f"On the default cut, precision@{k}: "
        + ", ".join(f"{_LABELS[name]} {formation['precision_at_k'][name]:.3f}" for name in FORMATION_METHODS)
        + f", learned {formation['learned_precision_at_k']:.3f}.",
        "",
        "Learned formation features: log common neighbours, log Adamic–Adar, log resource allocation, log "
        "preferential attachment, log two-step path score (`TieGraph.pair_scores`), log common neighbours "
        "active within a half-life, and for each person (as the lower and the higher of the pair) log time "
        "since last active, log messages within a half-life, log recency-weighted message count, log "
        'recency-weighted degree (reach) and log degree. "Ours before": the earlier logistic model over '
        "the log path score, summed log reach and summed log degree.",
        "",
        "### Reactivation (ROC AUC per cut pair)",
        "",
        *_cut_table(
            cuts, "reactivation", (*REACTIVATION_BASELINES, *REACTIVATION_SINGLES, "ours", "learned")
        ),
        "",
        "| cut | silent pairs | talked again | fit pairs |",
        "|---|---:|---:|---:|",
        *[
            f"| {cut['cut']} | {cut['reactivation']['n_pairs']:,} | {cut['reactivation']['n_positive']:,} "
            f"| {cut['reactivation']['n_fit_pairs']:,} |"
            for cut in cuts
            if "skipped" not in cut
        ],
        "",
        "Learned reactivation features: log silence, log silence over the pair's mean gap, log message "
        "count, the pair's share of the quieter person's messages, strength at the last message, "
        "reciprocity (share sent by the quieter side), burstiness ((σ − μ)/(σ + μ) of the pair's gaps), "
        "log tie duration, log common neighbours and those active within a half-life, and each person's "
        "recency, recent activity, recency-weighted activity, reach and degree (lower and higher of the "
        'pair). "Ours before": the earlier logistic model over log silence, log count, past strength '
        "and summed log reach.",
    ]
    return "\n".join(lines) + "\n"

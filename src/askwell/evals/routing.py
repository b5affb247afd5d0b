"""Question routing on a Stack Exchange dump: who, among people seen before, will answer a new question.

A stand-in for "who can help with this ask". Questions are split by time: the older 70 % (and only
answers written before the split) build each person's expertise; newer questions answered by someone
seen before are the test. Every feature comes from the training part, so no test label leaks in.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import math
import re
import statistics
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import ParseError, iterparse

import numpy as np

from askwell.matching import ranker, scoring
from askwell.matching.embeddings import encode
from askwell.matching.fusion import reciprocal_rank_fusion
from askwell.matching.lexical import LexicalIndex

TRAIN_SHARE = 0.7
# "full" is the product's ranker (learned, then the load cap); the methods after it show what the load cap
# costs, what a new organization gets from the prior alone, and the hand-set ranker this replaced.
METHODS = (
    "random",
    "most_active",
    "bm25",
    "dense",
    "hybrid",
    "full",
    "full_no_load",
    "spread_only",
    "prior_only",
    "hand_set",
)
METRICS = ("mrr", "p1", "r5", "r10")
SEED = 20240611
NEIGHBOURS = 20  # past questions consulted as "similar asks" for the evidence of past help
EVIDENCE_DAYS = 365.0
CANDIDATE_POOL = 200  # hybrid shortlist the ranker re-orders; the rest keep their hybrid order
BUSY_WINDOW = timedelta(days=365)  # the busiest helpers are those who helped most in the last year
TEXT_CHARS = 1200  # about 256 word pieces, the model's window; longer text is cut by the model anyway
# Published anchors on StackOverflow (Amendola et al., "TUEF", 2024; accepted answerer as ground truth).
ANCHORS = {"BM25 MRR": 0.369, "BM25 P@1": 0.234, "TUEF MRR": 0.579}

Embed = Callable[[Sequence[str]], np.ndarray]
Progress = Callable[[int, int], None]


class SiteDataError(ValueError):
    """The dump cannot be evaluated (absent, not XML, or missing a field every post must have)."""


@dataclass
class Question:
    id: int
    owner: int | None
    created: datetime
    title: str
    body: str
    tags: tuple[str, ...]
    accepted_answer_id: int | None

    @property
    def text(self) -> str:
        return f"{self.title}. {' '.join(self.tags)}. {self.body}"


@dataclass
class Answer:
    id: int
    question_id: int
    owner: int | None
    created: datetime
    body: str


@dataclass
class Person:
    """What the training part says about one answerer."""

    answers: list[Answer] = field(default_factory=list)
    accepted: int = 0

    @property
    def last_answer(self) -> datetime:
        return max(answer.created for answer in self.answers)


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def strip_html(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _date(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def read_posts(path: Path) -> tuple[list[Question], list[Answer]]:
    """Questions and answers from a Posts.xml, streamed so that large sites fit in memory."""
    if not path.is_file():
        raise SiteDataError(f"{path} not found")
    questions: list[Question] = []
    answers: list[Answer] = []
    try:
        for _event, element in iterparse(path, events=("end",)):
            if element.tag != "row":
                continue
            attrs = element.attrib
            try:
                kind, post_id, created = attrs["PostTypeId"], int(attrs["Id"]), _date(attrs["CreationDate"])
                owner = _int(attrs.get("OwnerUserId"))
                if kind == "1":
                    # Older dumps write "<ipa><hops>", newer ones "|ipa|hops|".
                    raw_tags = attrs.get("Tags", "")
                    tags = re.findall(r"<([^>]+)>", raw_tags) or raw_tags.strip("|").split("|")
                    questions.append(
                        Question(
                            id=post_id,
                            owner=owner,
                            created=created,
                            title=attrs.get("Title", ""),
                            body=strip_html(attrs.get("Body", "")),
                            tags=tuple(tag for tag in tags if tag),
                            accepted_answer_id=_int(attrs.get("AcceptedAnswerId")),
                        )
                    )
                elif kind == "2":
                    parent = _int(attrs.get("ParentId"))
                    if parent is not None:
                        answers.append(
                            Answer(post_id, parent, owner, created, strip_html(attrs.get("Body", "")))
                        )
            except (KeyError, ValueError) as error:
                raise SiteDataError(f"{path}: post {attrs.get('Id', '?')} is malformed ({error})") from None
            element.clear()
    except ParseError as error:
        raise SiteDataError(f"{path} is not well-formed XML ({error})") from None
    if not questions:
        raise SiteDataError(f"{path} holds no questions (PostTypeId 1)")
    return questions, answers


@dataclass
class RoutingSplit:
    cutoff: datetime
    people: dict[int, Person]
    train_questions: dict[int, Question]
    test: list[Question]
    answerers: dict[int, set[int]]  # test question id -> known answerers other than the asker
    accepted: dict[int, int]  # test question id -> known accepted answerer other than the asker


def split_by_time(
    questions: Sequence[Question], answers: Sequence[Answer], train_share: float = TRAIN_SHARE
) -> RoutingSplit:
    ordered = sorted(questions, key=lambda q: (q.created, q.id))
    n_train = max(1, min(len(ordered) - 1, math.floor(train_share * len(ordered))))
    cutoff = ordered[n_train].created if len(ordered) > 1 else ordered[0].created
    train = {q.id: q for q in ordered[:n_train]}
    by_question: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)

    people: dict[int, Person] = defaultdict(Person)
    for question in train.values():
        for answer in by_question.get(question.id, []):
            # Only what was visible at the split: later answers to old questions are the future too.
            if answer.owner is None or answer.created >= cutoff:
                continue
            person = people[answer.owner]
            person.answers.append(answer)
            person.accepted += int(answer.id == question.accepted_answer_id)

    test: list[Question] = []
    answerers: dict[int, set[int]] = {}
    accepted: dict[int, int] = {}
    for question in ordered[n_train:]:
        known = {
            a.owner
            for a in by_question.get(question.id, [])
            if a.owner in people and a.owner != question.owner
        }
        if not known:
            continue
        test.append(question)
        answerers[question.id] = {owner for owner in known if owner is not None}
        accepted_owner = next(
            (a.owner for a in by_question.get(question.id, []) if a.id == question.accepted_answer_id), None
        )
        if accepted_owner in known and accepted_owner is not None:
            accepted[question.id] = accepted_owner
    return RoutingSplit(cutoff, dict(people), train, test, answerers, accepted)


def metrics(
    rankings: Sequence[Sequence[Hashable]], relevant: Sequence[AbstractSet[Hashable]]
) -> dict[str, float]:
    """Mean reciprocal rank of the first relevant person, precision at 1, recall at 5 and at 10."""
    totals = dict.fromkeys(METRICS, 0.0)
    for ranking, wanted in zip(rankings, relevant, strict=True):
        first = next((position for position, item in enumerate(ranking, start=1) if item in wanted), None)
        totals["mrr"] += 1.0 / first if first else 0.0
        totals["p1"] += float(bool(ranking) and ranking[0] in wanted)
        totals["r5"] += len(wanted & set(ranking[:5])) / len(wanted)
        totals["r10"] += len(wanted & set(ranking[:10])) / len(wanted)
    count = len(rankings)
    return {name: round(value / count, 4) if count else 0.0 for name, value in totals.items()}


def _best_first(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Best first; equal scores fall back to a fixed random order, never to id (old ids are the active ones)."""
    return np.lexsort((tiebreak, -scores))


TEXT_COMPONENTS = ("fit", "evidence")
TEXT_SHARES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def weights_with_text_share(share: float) -> dict[str, float]:
    """The ranker's weights rescaled so that fit and evidence carry ``share`` of the total.

    Sites differ in how much the words of a question predict its answerer versus who is simply
    active lately, so the eval picks this one number per site, on the training part only.
    """
    text = sum(scoring.WEIGHTS[name] for name in TEXT_COMPONENTS)
    other = sum(scoring.WEIGHTS.values()) - text
    return {
        name: weight * (share / text if name in TEXT_COMPONENTS else (1 - share) / other)
        for name, weight in scoring.WEIGHTS.items()
    }


@dataclass(frozen=True)
class _Shortlist:
    now: datetime
    candidates: list[scoring.CandidateFeatures]
    rest: list[int]


class _Router:
    """Everything built from the training part, then queried once per test question.

    ``live`` (answer times per person, any period) only feeds the load cap at question time: what a
    deployed organization knows about help in flight. Features never see it.
    """

    def __init__(
        self, split: RoutingSplit, embed: Embed, live: Mapping[int, Sequence[datetime]] | None = None
    ) -> None:
        self.split = split
        self.ids = sorted(split.people)
        self.position = {person: index for index, person in enumerate(self.ids)}
        people = [split.people[person] for person in self.ids]
        questions = split.train_questions
        profiles = [
            " ".join(
                f"{questions[a.question_id].title} {' '.join(questions[a.question_id].tags)} {a.body}"
                for a in p.answers
            )
            for p in people
        ]
        self.lexical = LexicalIndex(self.ids, profiles)

        answered = sorted({a.question_id for p in people for a in p.answers})
        self.past_ids = answered
        self.past_vectors = embed([questions[q].text[:TEXT_CHARS] for q in answered])
        row = {question: index for index, question in enumerate(answered)}
        self.past_answerers: list[list[tuple[int, bool, datetime]]] = [[] for _ in answered]
        dense = np.zeros((len(self.ids), self.past_vectors.shape[1]), dtype=np.float32)
        for index, person in enumerate(people):
            for answer in person.answers:
                dense[index] += self.past_vectors[row[answer.question_id]]
                accepted = answer.id == questions[answer.question_id].accepted_answer_id
                self.past_answerers[row[answer.question_id]].append((index, accepted, answer.created))
        dense /= np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
        self.person_vectors = dense

        self.activity = np.array([len(p.answers) for p in people], dtype=np.float64)
        overall_accepted = sum(p.accepted for p in people) / max(1.0, self.activity.sum())
        year_ago = split.cutoff - BUSY_WINDOW
        busy = ranker.busiest(
            {index: sum(1 for a in p.answers if a.created >= year_ago) for index, p in enumerate(people)},
            people=len(people),
        )
        self.features = [
            scoring.CandidateFeatures(
                busy=index in busy,
                person_id=index,
                total_helps=len(p.answers),
                helped_at=tuple(sorted(a.created for a in p.answers)),
                last_helped_at=p.last_answer,
                median_reply=statistics.median(  # type: ignore[type-var]  # timedeltas sort and halve; typeshed admits numbers only
                    a.created - questions[a.question_id].created for a in p.answers
                ),
                # Shrunk towards the site's rate so that one accepted answer out of one is not "100 %".
                thanked_share=(p.accepted + 2 * overall_accepted) / (len(p.answers) + 2),
            )
            for index, p in enumerate(people)
        ]
        # History ends at the split: windows of activity count back from there, as an organization's
        # count back from today.
        self.context = ranker.RankingContext(history_end=split.cutoff, org_helps=int(self.activity.sum()))
        self.live = [sorted((live or {}).get(person, ())) for person in self.ids]
        self.tiebreak = np.random.default_rng(SEED).permutation(len(self.ids))

    def _blocked(self, question: Question) -> np.ndarray:
        """Nobody is suggested to answer their own question."""
        blocked = np.zeros(len(self.ids), dtype=bool)
        asker = self.position.get(question.owner) if question.owner is not None else None
        if asker is not None:
            blocked[asker] = True
        return blocked

    def _order(self, scores: np.ndarray, blocked: np.ndarray) -> np.ndarray:
        order = _best_first(np.where(blocked, -np.inf, scores), self.tiebreak)
        kept: np.ndarray = order[~blocked[order]]
        return kept

    def retrieve(self, question: Question, vector: np.ndarray) -> _Retrieved:
        blocked = self._blocked(question)
        lexical_scores = self.lexical.scores(question.text)
        cosines = self.person_vectors @ vector
        lexical = self._order(lexical_scores, blocked)
        dense = self._order(cosines, blocked)
        fused = reciprocal_rank_fusion([lexical.tolist(), dense.tolist()])
        return _Retrieved(blocked, lexical, dense, fused, lexical_scores, cosines)

    def rankings(
        self,
        question: Question,
        vector: np.ndarray,
        rng: np.random.Generator,
        *,
        weights: Mapping[str, float],
        model: ranker.RankerModel,
        prior: ranker.RankerModel,
    ) -> dict[str, list[int]]:
        found = self.retrieve(question, vector)
        shortlist = self.shortlist(question, vector, found)
        out = {
            "random": self._order(rng.random(len(self.ids)), found.blocked),
            "most_active": self._order(self.activity, found.blocked),
            "bm25": found.lexical,
            "dense": found.dense,
            "hybrid": np.array([index for index, _score in found.fused]),
            "full": self.full(shortlist, model=model),
            "full_no_load": self.full(shortlist, model=model, constrain_load=False, spread=False),
            "spread_only": self.full(shortlist, model=model, constrain_load=False),
            "prior_only": self.full(shortlist, model=prior),
            "hand_set": self.full(shortlist, weights=weights),
        }
        return {name: [self.ids[i] for i in ranked] for name, ranked in out.items()}

    def shortlist(self, question: Question, vector: np.ndarray, found: _Retrieved) -> _Shortlist:
        """The ranker's input for one question: features of the pooled candidates, the rest in hybrid order."""
        similarity = self.past_vectors @ vector
        nearest = np.argsort(-similarity, kind="stable")[:NEIGHBOURS]
        evidence: dict[int, float] = defaultdict(float)
        helps: dict[int, int] = defaultdict(int)
        thanks: dict[int, int] = defaultdict(int)
        for past in nearest:
            weight = max(float(similarity[past]), 0.0)
            for person, accepted, when in self.past_answerers[past]:
                # Expertise fades more slowly than availability: a year, not the ranker's 90 days.
                age_days = (question.created - when).total_seconds() / 86400
                evidence[person] += weight * (1.5 if accepted else 1.0) * math.exp(-age_days / EVIDENCE_DAYS)
                helps[person] += 1
                thanks[person] += int(accepted)

        hybrid_score = dict(found.fused)
        # Retrieval's shortlist plus everyone who helped with a similar past question: both are candidates.
        pool = [index for index, _ in found.fused[:CANDIDATE_POOL]]
        pooled = set(pool)
        pool += [person for person in evidence if person not in pooled and not found.blocked[person]]
        pooled.update(pool)
        values = np.array([hybrid_score[i] for i in pool])
        low, high = float(values.min()), float(values.max())
        span = high - low if high > low else 1.0
        since = question.created - scoring.LOAD_WINDOW
        candidates = [
            replace(
                self.features[i],
                fit=(hybrid_score[i] - low) / span,
                lexical_fit=float(found.lexical_scores[i]),
                dense_fit=float(found.cosines[i]),
                similar_helps=helps.get(i, 0),
                similar_thanks=thanks.get(i, 0),
                evidence=evidence.get(i, 0.0),
                recent_helps=bisect_left(self.live[i], question.created) - bisect_left(self.live[i], since),
            )
            for i in pool
        ]
        rest = [int(index) for index, _ in found.fused if index not in pooled]
        return _Shortlist(question.created, candidates, rest)

    def full(
        self,
        shortlist: _Shortlist,
        *,
        weights: Mapping[str, float] | None = None,
        model: ranker.RankerModel | None = None,
        constrain_load: bool = True,
        spread: bool = True,
    ) -> np.ndarray:
        scorer = ranker.LearnedScorer(model, self.context) if model is not None else None
        suggestions = scoring.rank(
            shortlist.candidates,
            now=shortlist.now,
            limit=None,
            weights=weights,
            scorer=scorer,
            constrain_load=constrain_load,
            spread=spread,
        )
        return np.array([int(cast(int, s.person_id)) for s in suggestions] + shortlist.rest, dtype=np.int64)

    def query(self, shortlist: _Shortlist, helpers: set[int]) -> ranker.Query:
        """A labelled training example: the shortlist's feature rows, and who of them answered."""
        rows = ranker.features(shortlist.candidates, now=shortlist.now, context=self.context)
        helped = np.array(
            [self.ids[cast(int, c.person_id)] in helpers for c in shortlist.candidates], dtype=np.bool_
        )
        return ranker.Query(rows, helped)


@dataclass(frozen=True)
class _Retrieved:
    blocked: np.ndarray
    lexical: np.ndarray
    dense: np.ndarray
    fused: list[tuple[int, float]]
    lexical_scores: np.ndarray
    cosines: np.ndarray


def _cached(embed: Embed) -> Embed:
    """Calibration re-embeds texts of the training part; each text is encoded once."""
    cache: dict[str, np.ndarray] = {}

    def wrapped(texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(text for text in texts if text not in cache))
        if missing:
            cache.update(zip(missing, embed(missing), strict=True))
        if not texts:
            return embed([])
        return np.stack([cache[text] for text in texts])

    return wrapped


def calibrate_text_share(split: RoutingSplit, answers: Sequence[Answer], embed: Embed) -> float:
    """Choose the text share by MRR on the last 20 % of the training questions, taught by the first 80 %.

    Only answers written before the outer split are used, so the test period never informs the choice.
    Too few validation questions (under 10) keep the product's own weights.
    """
    default = sum(scoring.WEIGHTS[name] for name in TEXT_COMPONENTS) / sum(scoring.WEIGHTS.values())
    seen = [a for a in answers if a.created < split.cutoff]
    inner = split_by_time(list(split.train_questions.values()), seen, train_share=0.8)
    if len(inner.test) < 10:
        return default
    router = _Router(inner, embed)
    vectors = embed([q.text[:TEXT_CHARS] for q in inner.test])
    shortlists = [
        router.shortlist(q, v, router.retrieve(q, v)) for q, v in zip(inner.test, vectors, strict=True)
    ]
    relevant = [inner.answerers[q.id] for q in inner.test]

    def mrr(share: float) -> float:
        weights = weights_with_text_share(share)
        ranked = [
            [router.ids[i] for i in router.full(shortlist, weights=weights)] for shortlist in shortlists
        ]
        return metrics(ranked, relevant)["mrr"]

    return max(TEXT_SHARES, key=mrr)


# --- learning from a site's own earlier part, choosing settings across sites ------------------------------

# The training part is cut at these shares of its questions; each slice's questions are asked of a router
# built on everything before the slice, so every labelled example sees only its own past.
INNER_CUTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
C_GRID = (0.01, 0.1, 1.0, 10.0)
LAM_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
TOP_K = 5  # the suggestions a person sees
TOP_PEOPLE = 0.1  # load concentration: the share of top-5 slots taken by this share of people
PER_SITE_TARGET = 1.15  # full ranker MRR ÷ the better of most active and BM25, on every site
POOLED_TARGET = 1.6  # pooled full ranker MRR ÷ pooled BM25 MRR
SPLIT_TEXT = (
    f"Split: per site by time, the older {TRAIN_SHARE:.0%} of questions (and only answers written before "
    "the split) are the training part; newer questions answered by someone seen before are the test. "
    "Features, labels and the ranker's own training come from the training part only: its questions after "
    f"{INNER_CUTS[0]:.0%} of it, in slices, each asked of the history before the slice."
)


@dataclass
class Site:
    """One community: its time split and the labelled training examples drawn from its training part."""

    name: str
    answers: list[Answer]
    split: RoutingSplit
    slices: list[list[ranker.Query]]

    @property
    def queries(self) -> list[ranker.Query]:
        return [query for part in self.slices for query in part]


def _live(answers: Sequence[Answer]) -> dict[int, list[datetime]]:
    """When each person answered: known at any question's time for what came before it (load only)."""
    times: dict[int, list[datetime]] = defaultdict(list)
    for answer in answers:
        if answer.owner is not None:
            times[answer.owner].append(answer.created)
    return times


def training_slices(split: RoutingSplit, answers: Sequence[Answer], embed: Embed) -> list[list[ranker.Query]]:
    """Labelled examples from the training part alone: who answered each later training question."""
    seen = [a for a in answers if a.created < split.cutoff]
    live = _live(seen)
    ordered = sorted(split.train_questions.values(), key=lambda q: (q.created, q.id))
    slices: list[list[ranker.Query]] = []
    for low, high in itertools.pairwise(INNER_CUTS):
        part = ordered[: max(2, round(high * len(ordered)))]
        inner = split_by_time(part, seen, train_share=low / high) if len(part) >= 2 else None
        if inner is None or not inner.test or not inner.people:
            slices.append([])
            continue
        router = _Router(inner, embed, live)
        vectors = embed([q.text[:TEXT_CHARS] for q in inner.test])
        slices.append(
            [
                router.query(router.shortlist(q, v, router.retrieve(q, v)), inner.answerers[q.id])
                for q, v in zip(inner.test, vectors, strict=True)
            ]
        )
    return slices


def load_site(posts: Path, embed: Embed, *, name: str | None = None) -> Site:
    questions, answers = read_posts(posts)
    split = split_by_time(questions, answers)
    if not split.test:
        raise SiteDataError(f"{posts}: no later question was answered by anyone seen before the split")
    return Site(name or posts.parent.name, answers, split, training_slices(split, answers, embed))


def query_mrr(model: ranker.RankerModel, queries: Sequence[ranker.Query]) -> float:
    """MRR of the first helper among each example's candidates, as the model orders them."""
    total, count = 0.0, 0
    for query in queries:
        if not query.helped.any():
            continue
        order = np.argsort(-model.scores(query.rows), kind="stable")
        first = int(np.flatnonzero(query.helped[order])[0]) + 1
        total += 1.0 / first
        count += 1
    return total / count if count else 0.0


def _prior_for(sites: Sequence[Site], held_out: Site, settings: ranker.FitSettings) -> ranker.RankerModel:
    others = [query for site in sites if site is not held_out for query in site.queries]
    return ranker.fit_prior(
        others,
        settings=settings,
        version="loso",
        trained_on={"sites": [s.name for s in sites if s is not held_out]},
    )


@dataclass(frozen=True)
class Selection:
    settings: ranker.FitSettings
    lines: list[str]


def select_settings(sites: Sequence[Site], *, fallback: ranker.FitSettings) -> Selection:
    """Leave one site out, on training parts only: first the prior's penalty (a prior fitted on the other
    sites, scored on the held-out site's training examples), then the pull towards the prior (adapted on
    the held-out site's earlier slices, scored on its last slice). The best mean MRR over sites wins;
    ties go to the stronger regularisation (earlier in the grid)."""
    usable = [site for site in sites if any(q.usable for q in site.queries)]
    if len(usable) < 2:
        return Selection(
            fallback,
            [
                f"Selection: one site, so the settings stored with the packaged prior (C={fallback.c}, "
                f"lambda={fallback.lam}), themselves chosen leave-one-site-out across the shipped sites."
            ],
        )
    lines = [
        f"Selection: leave one site out over {', '.join(s.name for s in usable)}; test parts never used."
    ]

    def prior_score(c: float) -> float:
        settings = replace(fallback, c=c)
        return statistics.fmean(query_mrr(_prior_for(usable, s, settings), s.queries) for s in usable)

    c_scores = {c: prior_score(c) for c in C_GRID}
    best_c = max(C_GRID, key=lambda c: (round(c_scores[c], 6), -C_GRID.index(c)))
    lines.append(
        "  prior penalty C (mean held-out-site MRR on training examples): "
        + ", ".join(f"{c:g}: {score:.3f}" for c, score in c_scores.items())
        + f" → {best_c:g}"
    )
    chosen = replace(fallback, c=best_c)
    priors = {s.name: _prior_for(usable, s, chosen) for s in usable}

    def lam_score(lam: float | None) -> float:
        scores = []
        for site in usable:
            earlier = [q for part in site.slices[:-1] for q in part]
            prior = priors[site.name]
            model = (
                prior
                if lam is None
                else ranker.adapt(prior, earlier, settings=replace(chosen, lam=lam), version="loso")
            )
            scores.append(query_mrr(model, site.slices[-1]))
        return statistics.fmean(scores)

    lam_scores = {lam: lam_score(lam) for lam in LAM_GRID}
    best_lam = max(LAM_GRID, key=lambda lam: (round(lam_scores[lam], 6), LAM_GRID.index(lam)))
    lines.append(
        "  pull towards the prior lambda (mean MRR on each site's last training slice, adapted on the "
        f"slices before; prior alone {lam_score(None):.3f}): "
        + ", ".join(f"{lam:g}: {score:.3f}" for lam, score in lam_scores.items())
        + f" → {best_lam:g}"
    )
    return Selection(replace(chosen, lam=best_lam), lines)


def build_prior(
    sites: Sequence[Site], *, fallback: ranker.FitSettings
) -> tuple[ranker.RankerModel, Selection]:
    """The packaged prior: settings chosen leave-one-site-out, then fitted on every site's training part.

    Deterministic: the same sites and embeddings give the same file (pairs are drawn with the seed)."""
    selection = select_settings(sites, fallback=fallback)
    settings = selection.settings
    model = ranker.fit_prior(
        [q for site in sites for q in site.queries],
        settings=settings,
        version="pending",
        trained_on={
            "sites": [site.name for site in sites],
            "c": settings.c,
            "lam": settings.lam,
            "seed": settings.seed,
        },
    )
    digest = hashlib.sha256(model.to_json().encode()).hexdigest()[:10]
    return replace(model, version=f"prior-{ranker.FORMAT}-{digest}"), selection


def load_concentration(rankings: Sequence[Sequence[Hashable]], n_people: int) -> float:
    """Share of all top-5 slots taken by the 10 % of people suggested most often (1.0: the same few)."""
    counts = Counter(person for ranking in rankings for person in ranking[:TOP_K])
    slots = sum(counts.values())
    if not slots:
        return 0.0
    top = max(1, math.ceil(TOP_PEOPLE * n_people))
    return round(sum(count for _person, count in counts.most_common(top)) / slots, 4)


def _fallback_settings() -> ranker.FitSettings:
    """The settings stored with the packaged prior (chosen leave-one-site-out when it was built)."""
    try:
        found = ranker.load_prior().trained_on
    except ranker.RankerFileError:
        return ranker.FitSettings()
    return ranker.FitSettings(
        c=float(found.get("c", 1.0)),  # type: ignore[arg-type]  # the prior's trained_on is JSON metadata (object values)
        lam=float(found.get("lam", 10.0)),  # type: ignore[arg-type]  # the prior's trained_on is JSON metadata (object values)
        seed=int(found.get("seed", SEED)),  # type: ignore[call-overload]  # the prior's trained_on is JSON metadata (object values)
    )


def evaluate_site(
    site: Site,
    *,
    embed: Embed,
    prior: ranker.RankerModel,
    settings: ranker.FitSettings,
    progress: Progress | None = None,
) -> dict[str, object]:
    """One site's test part, ranked by every method; the ranker is the prior adapted on the site's own
    training examples (as a deployed organization's would be)."""
    split = site.split
    model = ranker.adapt(prior, site.queries, settings=settings, version=f"{site.name}-adapted")
    text_share = calibrate_text_share(split, site.answers, embed)
    weights = weights_with_text_share(text_share)
    router = _Router(split, embed, _live(site.answers))
    test_vectors = embed([q.text[:TEXT_CHARS] for q in split.test])
    rng = np.random.default_rng(SEED)
    ranked: dict[str, list[list[int]]] = {method: [] for method in METHODS}
    for done, (question, vector) in enumerate(zip(split.test, test_vectors, strict=True), start=1):
        found = router.rankings(question, vector, rng, weights=weights, model=model, prior=prior)
        for method, ranking in found.items():
            ranked[method].append(ranking)
        if progress is not None:
            progress(done, len(split.test))

    accepted_rows = [i for i, q in enumerate(split.test) if q.id in split.accepted]
    any_relevant = [split.answerers[q.id] for q in split.test]
    accepted_relevant = [{split.accepted[split.test[i].id]} for i in accepted_rows]
    return {
        "n_test": len(split.test),
        "any": {m: metrics(ranked[m], any_relevant) for m in METHODS},
        "accepted": {m: metrics([ranked[m][i] for i in accepted_rows], accepted_relevant) for m in METHODS},
        # Added keys (the three above are the original contract).
        "load": {m: load_concentration(ranked[m], len(router.ids)) for m in METHODS},
        "n_accepted": len(accepted_rows),
        "n_candidates": len(router.ids),
        "n_train_examples": sum(1 for q in site.queries if q.usable),
        "text_share": text_share,
        "cutoff": split.cutoff.isoformat(),
        "weights": {name: round(value, 4) for name, value in model.weights.items()},
        # Kept for the pooled figures (dropped from the output): each question's metrics per method.
        "_any": {
            m: [metrics([r], [w]) for r, w in zip(ranked[m], any_relevant, strict=True)] for m in METHODS
        },
        "_accepted": {
            m: [metrics([ranked[m][i]], [w]) for i, w in zip(accepted_rows, accepted_relevant, strict=True)]
            for m in METHODS
        },
    }


def _targets(per_site: Mapping[str, Mapping[str, Any]], pooled: Mapping[str, Any]) -> dict[str, Any]:
    """Whether each target is met on "any answerer" MRR, every site and the worst beside the mean."""
    sites: dict[str, Any] = {}
    for name, result in per_site.items():
        mrr = {m: result["any"][m]["mrr"] for m in METHODS}
        better = max(mrr["most_active"], mrr["bm25"])
        ratio = mrr["full"] / better if better else math.inf
        sites[name] = {
            "ratio_to_best_baseline": round(ratio, 3),
            "met": ratio >= PER_SITE_TARGET,
            "load_below_most_active": result["load"]["full"] < result["load"]["most_active"],
        }
    pooled_bm25 = pooled["any"]["bm25"]["mrr"]
    pooled_ratio = pooled["any"]["full"]["mrr"] / pooled_bm25 if pooled_bm25 else math.inf
    ratios = [site["ratio_to_best_baseline"] for site in sites.values()]
    return {
        "per_site": sites,
        "per_site_target": PER_SITE_TARGET,
        "worst_site_ratio": min(ratios) if ratios else None,
        "mean_site_ratio": round(statistics.fmean(ratios), 3) if ratios else None,
        "every_site_met": all(site["met"] for site in sites.values()),
        "pooled_ratio_to_bm25": round(pooled_ratio, 3),
        "pooled_target": POOLED_TARGET,
        "pooled_met": pooled_ratio >= POOLED_TARGET,
        "load_met": all(site["load_below_most_active"] for site in sites.values()),
    }


def _pooled(per_site: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """All sites' test questions together (each question counts once); load: the mean over sites."""

    def block(key: str) -> dict[str, dict[str, float]]:
        out = {}
        for method in METHODS:
            rows = [row for result in per_site.values() for row in result[key][method]]
            out[method] = {
                metric: round(statistics.fmean(row[metric] for row in rows), 4) if rows else 0.0
                for metric in METRICS
            }
        return out

    return {
        "n_test": sum(int(result["n_test"]) for result in per_site.values()),
        "any": block("_any"),
        "accepted": block("_accepted"),
        "load": {
            m: round(statistics.fmean(float(r["load"][m]) for r in per_site.values()), 4) for m in METHODS
        },
    }


def evaluate_sites(
    posts: Sequence[Path],
    *,
    embed: Embed | None = None,
    progress: Progress | None = None,
    prior: ranker.RankerModel | None = None,
) -> dict[str, Any]:
    """Every site, each with a prior fitted on the other sites' training parts and its own adaptation.

    With one site there is nobody to leave out: the packaged prior (or ``prior``) and its stored settings.
    """
    embed = _cached(embed or (lambda texts: encode(texts, batch_size=64)))
    sites = [load_site(path, embed) for path in posts]
    names = [site.name for site in sites]
    if len(set(names)) != len(names):
        sites = [replace(site, name=f"{site.name}-{i}") for i, site in enumerate(sites, start=1)]
    fallback = _fallback_settings()
    selection = select_settings(sites, fallback=fallback)
    per_site: dict[str, dict[str, Any]] = {}
    for site in sites:
        if len(sites) > 1 and any(q.usable for s in sites if s is not site for q in s.queries):
            site_prior = _prior_for(sites, site, selection.settings)
            prior_text = "fitted on the other sites' training parts"
        else:
            site_prior = prior or ranker.load_prior()
            prior_text = f"the packaged prior {site_prior.version}"
        per_site[site.name] = evaluate_site(
            site, embed=embed, prior=site_prior, settings=selection.settings, progress=progress
        )
        per_site[site.name]["prior"] = prior_text
    pooled = _pooled(per_site)
    procedure = [
        SPLIT_TEXT,
        *selection.lines,
        "Full ranker: a linear pairwise ranker over the features of matching.ranker; per site, a prior "
        "(fitted on the other sites' training parts; with one site, the packaged prior) adapted on the "
        "site's own training examples; then the load cap (helps in the 14 days before each question).",
    ]
    return {
        "sites": {
            name: {k: v for k, v in result.items() if not k.startswith("_")}
            for name, result in per_site.items()
        },
        "pooled": pooled,
        "targets": _targets(per_site, pooled),
        "settings": {"c": selection.settings.c, "lam": selection.settings.lam},
        "procedure": procedure,
    }


def evaluate(
    posts: Path,
    *,
    embed: Embed | None = None,
    progress: Progress | None = None,
    prior: ranker.RankerModel | None = None,
) -> dict[str, Any]:
    """One site: the JSON-shaped result with today's keys (test size, "any" and "accepted" metrics per
    method) and the added ones (load concentration, split and selection procedure)."""
    return single_site(evaluate_sites([posts], embed=embed, progress=progress, prior=prior))


LABELS = {
    "random": "random (fixed seed)",
    "most_active": "most active",
    "bm25": "BM25 only",
    "dense": "dense only (MiniLM)",
    "hybrid": "hybrid (RRF)",
    "full": "full ranker (learned + load cap + spread)",
    "full_no_load": "learned, no load cap or spread",
    "spread_only": "learned + spread, no load cap",
    "prior_only": "prior only (no own history)",
    "hand_set": "hand-set weights + load cap + spread",
}


def single_site(found: Mapping[str, Any]) -> dict[str, Any]:
    """The one-site JSON: today's keys first, then the added ones."""
    (result,) = found["sites"].values()
    return {**result, "targets": found["targets"], "procedure": found["procedure"]}


def pooled_view(found: Mapping[str, Any]) -> dict[str, Any]:
    """The several-site JSON: today's keys hold the pooled figures; each site under "sites"."""
    pooled = found["pooled"]
    return {
        "n_test": pooled["n_test"],
        "any": pooled["any"],
        "accepted": pooled["accepted"],
        "load": pooled["load"],
        "sites": found["sites"],
        "targets": found["targets"],
        "settings": found["settings"],
        "procedure": found["procedure"],
    }


def _met(flag: object) -> str:
    return "met" if flag else "**not met**"


def render_markdown(found: Mapping[str, Any], *, command: str, when: datetime) -> str:
    """The report section: each site and the pooled figure, the targets, the split and the selection."""
    sites: Mapping[str, Any] = found["sites"]
    pooled, targets = found["pooled"], found["targets"]
    lines = [
        "## Question routing (who can help)",
        "",
        f"`{command}` — run {when:%Y-%m-%d %H:%M} UTC.",
        "",
        *[f"- {line.strip()}" for line in found["procedure"]],
        "",
        "MRR with any known answerer as the truth (accepted answerer in brackets); load: share of all "
        "top-5 slots taken by the 10 % most-suggested people (lower spreads asks more widely).",
        "",
        "| site | test q. | " + " | ".join(LABELS[m] for m in METHODS if m != "random") + " |",
        "|---|---:|" + "---:|" * (len(METHODS) - 1),
    ]
    rows = [*sites.items(), ("**pooled**", pooled)]
    for name, result in rows:
        cells = [
            f"{result['any'][m]['mrr']:.3f} ({result['accepted'][m]['mrr']:.3f})"
            for m in METHODS
            if m != "random"
        ]
        lines.append(f"| {name} | {result['n_test']} | " + " | ".join(cells) + " |")
    for name, result in rows:
        cells = [f"{result['load'][m]:.2f}" for m in METHODS if m != "random"]
        lines.append(f"| load: {name} | | " + " | ".join(cells) + " |")
    per_site = targets["per_site"]
    lines += [
        "",
        f"Targets (any answerer): full ranker MRR ≥ {targets['per_site_target']}× the better of most active "
        f"and BM25 on every site — "
        + ", ".join(f"{n} {v['ratio_to_best_baseline']:.2f}×" for n, v in per_site.items())
        + f"; worst {targets['worst_site_ratio']:.2f}×, mean {targets['mean_site_ratio']:.2f}×: "
        f"{_met(targets['every_site_met'])}. Pooled ≥ {targets['pooled_target']}× BM25 — "
        f"{targets['pooled_ratio_to_bm25']:.2f}×: {_met(targets['pooled_met'])}. Top-5 load below most "
        f"active's on every site: {_met(targets['load_met'])}.",
        "",
        "Published anchors on StackOverflow (Amendola et al., TUEF 2024, accepted answerer): "
        + ", ".join(f"{name} {value:.3f}" for name, value in ANCHORS.items())
        + ". Different site and candidate pool, so compare ratios, not levels.",
    ]
    return "\n".join(lines) + "\n"

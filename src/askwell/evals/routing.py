"""Question routing on a Stack Exchange dump: who, among people seen before, will answer a new question.

A stand-in for "who can help with this ask". Questions are split by time: the older 70 % (and only
answers written before the split) build each person's expertise; newer questions answered by someone
seen before are the test. Every feature comes from the training part, so no test label leaks in.
"""

from __future__ import annotations

import html
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse

import numpy as np

from askwell.matching import scoring
from askwell.matching.embeddings import encode
from askwell.matching.fusion import reciprocal_rank_fusion
from askwell.matching.lexical import LexicalIndex

TRAIN_SHARE = 0.7
METHODS = ("random", "most_active", "bm25", "dense", "hybrid", "full")
METRICS = ("mrr", "p1", "r5", "r10")
SEED = 20240611
NEIGHBOURS = 20  # past questions consulted as "similar asks" for the evidence of past help
EVIDENCE_DAYS = 365.0
CANDIDATE_POOL = 200  # hybrid shortlist the ranker re-orders; the rest keep their hybrid order
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


def metrics(rankings: Sequence[Sequence[Hashable]], relevant: Sequence[set[Hashable]]) -> dict[str, float]:
    """Mean reciprocal rank of the first relevant person, precision at 1, recall at 5 and at 10."""
    totals = dict.fromkeys(METRICS, 0.0)
    for ranking, wanted in zip(rankings, relevant, strict=True):
        first = next((position for position, item in enumerate(ranking, start=1) if item in wanted), None)
        totals["mrr"] += 1.0 / first if first else 0.0
        totals["p1"] += float(bool(ranking) and ranking[0] in wanted)
        totals["r5"] += len(wanted.intersection(ranking[:5])) / len(wanted)
        totals["r10"] += len(wanted.intersection(ranking[:10])) / len(wanted)
    count = len(rankings)
    return {name: round(value / count, 4) if count else 0.0 for name, value in totals.items()}


def _best_first(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """Best first; equal scores fall back to a fixed random order, never to id (old ids are the active ones)."""
    return np.lexsort((tiebreak, -scores))


@dataclass(frozen=True)
class _Shortlist:
    now: datetime
    candidates: list[scoring.CandidateFeatures]
    rest: list[int]


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


class _Router:
    """Everything built from the training part, then queried once per test question."""

    def __init__(self, split: RoutingSplit, embed: Embed) -> None:
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
        self.features = [
            scoring.CandidateFeatures(
                person_id=index,
                total_helps=len(p.answers),
                helped_at=tuple(a.created for a in p.answers),
                last_helped_at=p.last_answer,
                median_reply=statistics.median(
                    a.created - questions[a.question_id].created for a in p.answers
                ),
                # Shrunk towards the site's rate so that one accepted answer out of one is not "100 %".
                thanked_share=(p.accepted + 2 * overall_accepted) / (len(p.answers) + 2),
            )
            for index, p in enumerate(people)
        ]
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
        return order[~blocked[order]]

    def _retrieve(
        self, question: Question, vector: np.ndarray, blocked: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return (
            self._order(self.lexical.scores(question.text), blocked),
            self._order(self.person_vectors @ vector, blocked),
        )

    def fused(self, question: Question, vector: np.ndarray) -> tuple[list[tuple[int, float]], np.ndarray]:
        blocked = self._blocked(question)
        lexical, dense = self._retrieve(question, vector, blocked)
        return reciprocal_rank_fusion([lexical.tolist(), dense.tolist()]), blocked

    def rankings(
        self, question: Question, vector: np.ndarray, rng: np.random.Generator, weights: Mapping[str, float]
    ) -> dict[str, list[int]]:
        blocked = self._blocked(question)
        lexical, dense = self._retrieve(question, vector, blocked)
        fused = reciprocal_rank_fusion([lexical.tolist(), dense.tolist()])
        out = {
            "random": self._order(rng.random(len(self.ids)), blocked),
            "most_active": self._order(self.activity, blocked),
            "bm25": lexical,
            "dense": dense,
            "hybrid": np.array([index for index, _score in fused]),
            "full": self.full(self.shortlist(question, vector, fused, blocked), weights),
        }
        return {name: [self.ids[i] for i in ranked] for name, ranked in out.items()}

    def shortlist(
        self, question: Question, vector: np.ndarray, fused: list[tuple[int, float]], blocked: np.ndarray
    ) -> _Shortlist:
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

        hybrid_score = dict(fused)
        # Retrieval's shortlist plus everyone who helped with a similar past question: both are candidates.
        pool = [index for index, _ in fused[:CANDIDATE_POOL]]
        pooled = set(pool)
        pool += [person for person in evidence if person not in pooled and not blocked[person]]
        pooled.update(pool)
        values = np.array([hybrid_score[i] for i in pool])
        low, high = float(values.min()), float(values.max())
        span = high - low if high > low else 1.0
        candidates = [
            replace(
                self.features[i],
                fit=(hybrid_score[i] - low) / span,
                similar_helps=helps.get(i, 0),
                similar_thanks=thanks.get(i, 0),
                evidence=evidence.get(i, 0.0),
            )
            for i in pool
        ]
        rest = [int(index) for index, _ in fused if index not in pooled]
        return _Shortlist(question.created, candidates, rest)

    @staticmethod
    def full(shortlist: _Shortlist, weights: Mapping[str, float]) -> np.ndarray:
        suggestions = scoring.rank(shortlist.candidates, now=shortlist.now, limit=None, weights=weights)
        return np.array([int(s.person_id) for s in suggestions] + shortlist.rest, dtype=np.int64)


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
        router.shortlist(q, v, *router.fused(q, v)) for q, v in zip(inner.test, vectors, strict=True)
    ]
    relevant = [inner.answerers[q.id] for q in inner.test]

    def mrr(share: float) -> float:
        weights = weights_with_text_share(share)
        ranked = [[router.ids[i] for i in router.full(shortlist, weights)] for shortlist in shortlists]
        return metrics(ranked, relevant)["mrr"]

    return max(TEXT_SHARES, key=mrr)


def evaluate(
    posts: Path, *, embed: Embed | None = None, progress: Progress | None = None
) -> dict[str, object]:
    """The JSON-shaped result: test size and, for "any" and "accepted" answerer, each method's metrics."""
    questions, answers = read_posts(posts)
    split = split_by_time(questions, answers)
    if not split.test:
        raise SiteDataError(f"{posts}: no later question was answered by anyone seen before the split")
    embed = _cached(embed or (lambda texts: encode(texts, batch_size=64)))
    text_share = calibrate_text_share(split, answers, embed)
    weights = weights_with_text_share(text_share)
    router = _Router(split, embed)
    test_vectors = embed([q.text[:TEXT_CHARS] for q in split.test])
    rng = np.random.default_rng(SEED)
    ranked: dict[str, list[list[int]]] = {method: [] for method in METHODS}
    for done, (question, vector) in enumerate(zip(split.test, test_vectors, strict=True), start=1):
        for method, ranking in router.rankings(question, vector, rng, weights).items():
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
        # Context for the table; the JSON contract is the three keys above.
        "n_accepted": len(accepted_rows),
        "n_candidates": len(router.ids),
        "text_share": text_share,
        "cutoff": split.cutoff.isoformat(),
    }


LABELS = {
    "random": "random (fixed seed)",
    "most_active": "most active",
    "bm25": "BM25 only",
    "dense": "dense only (MiniLM)",
    "hybrid": "hybrid (RRF)",
    "full": "full ranker",
}


def render_markdown(result: Mapping[str, object], *, command: str, when: datetime) -> str:
    """The report section: both ground truths side by side, the target ratio and the published anchors."""
    any_, accepted = result["any"], result["accepted"]
    assert isinstance(any_, Mapping) and isinstance(accepted, Mapping)
    lines = [
        "## Question routing (who can help)",
        "",
        f"`{command}` — run {when:%Y-%m-%d %H:%M} UTC. Test questions: {result['n_test']} "
        f"(with an accepted answer by a known user: {result.get('n_accepted', '?')}); "
        f"candidates: {result.get('n_candidates', '?')} users who answered before the split "
        f"({str(result.get('cutoff', '?'))[:10]}). The full ranker's text share (fit + evidence), chosen on the "
        f"training part alone: {result.get('text_share', '?')}.",
        "",
        "| method | any MRR | any P@1 | any R@5 | any R@10 | accepted MRR | accepted P@1 | accepted R@5 | accepted R@10 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for method in METHODS:
        cells = [f"{any_[method][m]:.3f}" for m in METRICS] + [f"{accepted[method][m]:.3f}" for m in METRICS]
        lines.append(f"| {LABELS[method]} | " + " | ".join(cells) + " |")
    ratios = []
    for name, block in (("any", any_), ("accepted", accepted)):
        base = block["bm25"]["mrr"]
        ratio = block["full"]["mrr"] / base if base else float("inf")
        ratios.append(f"{name}: {ratio:.2f}×")
    lines += [
        "",
        f"Full ranker MRR ÷ BM25-only MRR (target ≥ 1.3×) — {', '.join(ratios)}.",
        "",
        "Published anchors on StackOverflow (Amendola et al., TUEF 2024, accepted answerer): "
        + ", ".join(f"{name} {value:.3f}" for name, value in ANCHORS.items())
        + ". Different site and candidate pool, so compare ratios, not levels.",
    ]
    return "\n".join(lines) + "\n"

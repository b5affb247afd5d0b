"""Finding the help a stand-up answer asks for: which clause states a need, if any.

A stand-up answer is split into clauses (sentences, lines, and the parts of a sentence joined by
"but", ";" or a dash). Each clause is scored by a small logistic regression over its word and character
n-grams and a few general cues (first person with a need verb, a question, a request to others,
"no blockers", a resolved-past marker such as "sorted yesterday"). The answer needs help when its best
clause scores at least the model's threshold; the need is that clause, trimmed.

The weights are learned offline from labelled answers (``askwell eval standups --train``, see
``askwell.standups.needs_learn``) and shipped as ``needs.json`` beside this module; the regularisation
and the threshold are chosen by leave-one-set-out cross-validation. The file is read once, on the first
call, and kept. Nothing else here touches the disk, a database or the clock.
"""

from __future__ import annotations

import json
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from askwell.core.errors import AskwellError

# Bump when ``clause_features`` changes meaning: a model file of another version is refused.
FEATURE_VERSION = 2
# The value of a cue feature when it fires. Below 1, a cue needs a larger weight to count, so the L2
# penalty holds it back more: chosen by leave-one-set-out over sets 1-3 (1.0: F1 0.920, 0.5: 0.935,
# 0.3: 0.934 mean) — the cues help, but the n-grams must still carry most of the evidence.
CUE_VALUE = 0.3
SHIPPED_PATH = Path(__file__).with_name("needs.json")
# Clauses longer than this are cut before scoring (a pasted log must not cost more than a few ms).
MAX_CLAUSE_CHARS = 600
MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class Need:
    """The part of an answer that states a need: ``text[start:end] == need.text``."""

    start: int
    end: int
    text: str
    confidence: float


# --- Clauses -------------------------------------------------------------------------------------------

# Where one sentence ends and the next begins: the end of a sentence, a line, a semicolon, a slash
# between items ("standup / then X / need Y").
_SENTENCE = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=\S)"  # sentence end
    r"|\s*\n+\s*"  # line break
    r"|\s*;\s*"
    r"|\s+/\s+",
    re.IGNORECASE,
)
# Where a sentence divides into clauses: a dash or comma between words, before a contrast ("done, but
# blocked on ..."), or "and"/"so" before a new subject ("... keeps jamming and I don't know who to call").
_CLAUSE = re.compile(
    r"\s+[-–—]+\s+"
    r"|,\s+"
    r"|\s+(?=(?:but|though|although|however|except)\b)"
    r"|\s+(?:and|so)\s+(?=(?:i|i'm|im|i'd|i've|i'll|we|we're|we'd|my|our|honestly|still|now)\b)",
    re.IGNORECASE,
)
# Bullets, list numbers and leading conjunctions are not part of the statement.
_LEAD = re.compile(
    r"^(?:[-*•·>]+\s*|\d+[.)]\s+|(?:but|and|so|also|though|although|however|except)\b[,:]?\s*)+", re.I
)
_TRAIL = re.compile(r"[\s,;:/]+$")


@dataclass(frozen=True)
class Clause:
    """A clause's offsets in the answer, and which sentence of the answer it belongs to."""

    start: int
    end: int
    sentence: int


def _split(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    for boundary in pattern.finditer(text, start, end):
        pieces.append((start, boundary.start()))
        start = boundary.end()
    pieces.append((start, end))
    return pieces


def clauses(text: str) -> list[Clause]:
    """Each non-empty clause of ``text``, trimmed, in order (offsets into ``text``)."""
    out: list[Clause] = []
    for sentence, (s_start, s_end) in enumerate(_split(text, _SENTENCE, 0, len(text))):
        for c_start, c_end in _split(text, _CLAUSE, s_start, s_end):
            span = _trim(text, c_start, c_end)
            if span is not None:
                out.append(Clause(span[0], span[1], sentence))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    lead = _LEAD.match(stripped)
    if lead and lead.end() < len(stripped):
        start += lead.end()
    piece = text[start:end]
    trail = _TRAIL.search(piece)
    if trail:
        end = start + trail.start()
    if not re.search(r"\w", text[start:end]):
        return None
    return (start, end)


# --- Features ------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!]")
_DIGITS = re.compile(r"\d+")

# General cues, each one feature whose weight is learned (they are evidence, not rules).
_FIRST_PERSON = re.compile(r"\b(?:i|i'?m|i'?ve|i'?d|i'?ll|me|my|we|we'?re|we'?ve|we'?d|our|us)\b")
# Saying what is needed ("need admin creds", "could use a hand", "any tips welcome").
_NEED_WORD = re.compile(
    r"\b(?:need|needs|needed|needing|require[sd]?|could use|would (?:love|appreciate)|looking for|"
    r"tips|advice|pointers|guidance|welcome|(?:a|some) help|help (?:me|us|with|on|getting|setting))\b"
)
# Asking others ("can anyone ...", "who knows ...", "pls").
_ASK_OTHERS = re.compile(
    r"\b(?:(?:can|could|would|will|does|do|has) (?:anyone|anybody|someone|somebody|you|u|we get)|"
    r"(?:anyone|anybody|someone|somebody) (?:know|knows|have|has|got|able|free|around|familiar|with|who)|"
    r"who (?:knows|can|has|owns|is|do i|should i)|whoever|please|pls|plz)\b"
)
# Something stands in the way ("blocked on", "waiting on legal", "mine expired", "no access").
_BLOCKED = re.compile(
    r"\b(?:blocked|blocking|blocker|stuck|waiting (?:on|for)|can'?t|cannot|couldn'?t|unable|struggling|"
    r"no access|(?:don'?t|do not|doesn'?t) have (?:access|permission|the)|expired|hasn'?t (?:replied|answered)|"
    r"haven'?t (?:heard|been able)|no (?:response|reply|answer)|nobody|no one|keeps? (?:failing|rejecting|jamming)|"
    r"out of ideas|short on|behind on)\b"
)
_UNSURE = re.compile(
    r"\b(?:not sure|unsure|no idea|no clue|(?:don'?t|do not) know|unclear|confused|whose job|who owns|"
    r"who to (?:ask|call|talk|contact))\b"
)
# Saying there is nothing needed ("no blockers", "all good", "nothing from me").
_NO_NEED = re.compile(
    r"\b(?:no (?:blockers?|help|issues?|needs?|asks?|impediments?|problems?|concerns?)|"
    r"nothing (?:needed|blocking|from me|to report|right now|today|at the moment|for now)|"
    r"not blocked|none|n/?a|all good|(?:don'?t|do not) need|no need|nope|"
    r"(?:all|i'?m|we'?re) (?:set|fine|good|clear))\b"
)
# Something already resolved ("sorted it yesterday", "fixed, thanks to Ana").
_RESOLVED = re.compile(
    r"\b(?:sorted|fixed|resolved|solved|unblocked|figured (?:it )?out|handled|got (?:it )?working|"
    r"works now|thanks to)\b"
)
_PAST_TIME = re.compile(
    r"\b(?:yesterday|yday|last (?:week|night|friday|sprint)|earlier|this morning|already)\b"
)
# Offering help reads like asking for it, word by word ("happy to help anyone", "can walk anyone through").
_OFFER = re.compile(
    r"\b(?:happy to|glad to|(?:i|we)(?:'?m| am| are)? (?:around|available|free)|"
    r"(?:i|we) can \w+|can (?:help|walk|show|share|cover|take|do|pair|review|shadow) \w+|"
    r"if (?:anyone|anybody|someone|you) (?:needs?|wants?)|ping me|ask me|reach out)\b"
)


def clause_features(clause: str, index: int, count: int) -> dict[str, float]:
    """The features of one clause (its ``index`` among ``count`` in the answer), as name → value.

    Word uni- and bigrams and character 3–5-grams (each block scaled to unit length, so a long clause
    does not outvote a short one), then the cues and where the clause sits in the answer.
    """
    lower = _DIGITS.sub("0", clause[:MAX_CLAUSE_CHARS].lower())
    words = _TOKEN.findall(lower)
    grams: set[str] = {f"w:{w}" for w in words}
    grams.update(f"b:{a} {b}" for a, b in zip(["<s>", *words], [*words, "</s>"], strict=True))
    chars: set[str] = set()
    for word in words:
        padded = f" {word} "
        for n in (3, 4, 5):
            chars.update(f"c:{padded[i : i + n]}" for i in range(max(1, len(padded) - n + 1)))
    out: dict[str, float] = {}
    for block in (grams, chars):
        if block:
            weight = 1.0 / math.sqrt(len(block))
            for g in block:
                out[g] = weight
    first = bool(_FIRST_PERSON.search(lower))
    need = bool(_NEED_WORD.search(lower))
    blocked = bool(_BLOCKED.search(lower))
    unsure = bool(_UNSURE.search(lower))
    resolved = bool(_RESOLVED.search(lower))
    past = bool(_PAST_TIME.search(lower))
    cues = {
        "q:need": need,
        "q:first_person_need": first and need,
        "q:blocked": blocked,
        "q:unsure": unsure,
        "q:ask_others": bool(_ASK_OTHERS.search(lower)),
        "q:question": "?" in lower,
        "q:no_need": bool(_NO_NEED.search(lower)),
        "q:resolved": resolved,
        "q:past_time": past,
        "q:resolved_past": resolved and past,
        "q:offer": bool(_OFFER.search(lower)),
        "q:first_clause": index == 0,
        "q:last_clause": index == count - 1,
        "q:only_clause": count == 1,
    }
    out.update({name: CUE_VALUE for name, on in cues.items() if on})
    out["q:log_words"] = math.log1p(len(words)) / 3.0
    return out


# --- The model -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsModel:
    """A clause-level logistic model as stored: sparse weights, intercept, and the answer threshold."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    version: str
    C: float
    training: dict[str, Any]
    feature_version: int = FEATURE_VERSION
    # A clause next to the best one, in the same sentence, joins the span from this probability up.
    extend_above: float = 1.01

    def probability(self, features: dict[str, float]) -> float:
        w = self.weights
        score = self.intercept + sum(v * w.get(k, 0.0) for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-700.0, min(700.0, score))))

    def to_json(self) -> str:
        data = {
            "version": self.version,
            "feature_version": self.feature_version,
            "C": self.C,
            "threshold": self.threshold,
            "extend_above": self.extend_above,
            "intercept": self.intercept,
            "training": self.training,
            "weights": dict(sorted(self.weights.items())),
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> NeedsModel:
        data = json.loads(raw)
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            version=str(data["version"]),
            C=float(data["C"]),
            training=dict(data["training"]),
            feature_version=int(data["feature_version"]),
            extend_above=float(data.get("extend_above", 1.01)),
        )


class NeedsModelInvalid(AskwellError):
    """The model file was built for other features: retrain it (``askwell eval standups --train``)."""

    status_code = 503


def load_model(path: Path = SHIPPED_PATH) -> NeedsModel:
    """A needs model file, refused unless it was built for the features this code computes."""
    model = NeedsModel.from_json(path.read_text(encoding="utf-8"))
    if model.feature_version != FEATURE_VERSION:
        raise NeedsModelInvalid(
            f"{path.name} was built for features v{model.feature_version}, not v{FEATURE_VERSION}"
        )
    return model


_lock = threading.Lock()
_shipped: NeedsModel | None = None


def shipped_model() -> NeedsModel:
    """The packaged model, read on first use and kept for the life of the process."""
    global _shipped
    if _shipped is None:
        with _lock:
            if _shipped is None:
                _shipped = load_model()
    return _shipped


def scored_clauses(text: str, model: NeedsModel) -> list[tuple[Clause, float]]:
    """Each clause of ``text`` with the model's probability that it states a need."""
    found = clauses(text[:MAX_TEXT_CHARS])
    return [
        (c, model.probability(clause_features(text[c.start : c.end], i, len(found))))
        for i, c in enumerate(found)
    ]


def need_span(scored: list[tuple[Clause, float]], best: int, extend_above: float) -> tuple[int, int]:
    """The best clause, widened to the neighbouring clauses of its sentence that also read as the need."""
    first = last = best
    sentence = scored[best][0].sentence
    while first > 0 and scored[first - 1][0].sentence == sentence and scored[first - 1][1] >= extend_above:
        first -= 1
    while (
        last + 1 < len(scored)
        and scored[last + 1][0].sentence == sentence
        and scored[last + 1][1] >= extend_above
    ):
        last += 1
    return scored[first][0].start, scored[last][0].end


def find_need_with(text: str, model: NeedsModel) -> Need | None:
    """``find_need`` with a given model (training and evaluation score models that are not shipped)."""
    scored = scored_clauses(text, model)
    if not scored:
        return None
    best = max(range(len(scored)), key=lambda i: scored[i][1])
    p = scored[best][1]
    if p < model.threshold:
        return None
    start, end = need_span(scored, best, model.extend_above)
    return Need(start=start, end=end, text=text[start:end], confidence=round(p, 4))


def find_need(text: str) -> Need | None:
    """The clause of a stand-up answer that states a need for help, or None when it states none."""
    return find_need_with(text, shipped_model())

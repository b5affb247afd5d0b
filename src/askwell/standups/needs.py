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
FEATURE_VERSION = 1
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

# Where one clause ends and the next begins: the end of a sentence, a line, a semicolon, a dash between
# words, or a comma/space before a contrasting conjunction ("done, but blocked on ...").
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=\S)"  # sentence end
    r"|\s*\n+\s*"  # line break
    r"|\s*;\s*"
    r"|\s+[-–—]+\s+"  # a dash between words
    r"|,?\s+(?=(?:but|though|although|however|except)\b)",  # before a contrast
    re.IGNORECASE,
)
# Bullets, list numbers and leading conjunctions are not part of the statement.
_LEAD = re.compile(
    r"^(?:[-*•·>]+\s*|\d+[.)]\s+|(?:but|and|so|also|though|although|however|except)\b[,:]?\s*)+", re.I
)
_TRAIL = re.compile(r"[\s,;:]+$")


def clauses(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each non-empty clause of ``text``, trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in [*_BOUNDARY.finditer(text), None]:
        end = boundary.start() if boundary is not None else len(text)
        span = _trim(text, start, end)
        if span is not None:
            spans.append(span)
        if boundary is not None:
            start = boundary.end()
    return spans


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
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'd|i'll|me|my|we|we're|we've|we'd|our|us)\b")
_NEED_VERB = re.compile(
    r"\b(?:need|needs|needed|needing|require[sd]?|could use|would love|would like|looking for|"
    r"want(?:ed)?|help|assist(?:ance)?|advice|input|guidance|pointers?|feedback|review(?:er)?|"
    r"second (?:pair|set) of eyes|pair(?:ing)? with)\b"
)
_BLOCKED = re.compile(
    r"\b(?:blocked|blocking|blocker|stuck|waiting (?:on|for)|can't|cannot|couldn't|unable|struggling|"
    r"no access|lack(?:ing)?|short on|out of|behind on|failing|broken)\b"
)
_UNSURE = re.compile(r"\b(?:not sure|unsure|no idea|don't know|do not know|unclear|confused|lost on)\b")
_OTHERS = re.compile(
    r"\b(?:anyone|anybody|someone|somebody|who (?:knows|can|has|could|is)|whoever|"
    r"any(?:one)? (?:with|who)|can (?:someone|anyone|you)|could (?:someone|anyone|you)|"
    r"would (?:someone|anyone|you)|please)\b"
)
_NO_NEED = re.compile(
    r"\b(?:no (?:blockers?|help|issues?|needs?|asks?|impediments?|problems?|concerns?)|"
    r"nothing (?:needed|blocking|from me|to report|right now|today|at the moment)|"
    r"not blocked|none|n/?a|all good|don't need|do not need|no need|"
    r"(?:all|we're|i'm) (?:set|fine|good|clear))\b"
)
_RESOLVED = re.compile(
    r"\b(?:sorted|fixed|resolved|solved|unblocked|figured (?:it )?out|handled|closed|shipped|merged|"
    r"done|finished|completed|got (?:it )?working|works now|thanks to|thank(?:s| you))\b"
)
_PAST_TIME = re.compile(r"\b(?:yesterday|last (?:week|night|friday|sprint)|earlier|this morning|already)\b")
_HEDGE = re.compile(r"\b(?:might|may|maybe|probably|possibly|at some point|if anyone|would be nice)\b")
_MODAL = re.compile(r"\b(?:could|would|can|should)\b")
# Offering help ("happy to help with ...", "I can pair on ...") reads like asking for it, word by word.
_OFFER = re.compile(
    r"\b(?:happy to|glad to|can help|could help|(?:i|we) can (?:help|pair|take|cover|show|review)|"
    r"available (?:to|for)|free to|ping me|reach out to me|ask me|have (?:capacity|bandwidth|time))\b"
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_DIGITS.sub("0", text.lower()))


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
    need = bool(_NEED_VERB.search(lower))
    blocked = bool(_BLOCKED.search(lower))
    resolved = bool(_RESOLVED.search(lower))
    past = bool(_PAST_TIME.search(lower))
    cues = {
        "q:first_person": first,
        "q:need_verb": need,
        "q:first_person_need": first and need,
        "q:blocked": blocked,
        "q:first_person_blocked": first and blocked,
        "q:unsure": bool(_UNSURE.search(lower)),
        "q:others": bool(_OTHERS.search(lower)),
        "q:modal": bool(_MODAL.search(lower)),
        "q:question": "?" in lower,
        "q:no_need": bool(_NO_NEED.search(lower)),
        "q:resolved": resolved,
        "q:past_time": past,
        "q:resolved_past": resolved and past,
        "q:resolved_blocked": resolved and (blocked or need),
        "q:hedge": bool(_HEDGE.search(lower)),
        "q:offer": bool(_OFFER.search(lower)),
        "q:first_clause": index == 0,
        "q:last_clause": index == count - 1,
        "q:only_clause": count == 1,
    }
    out.update({name: 1.0 for name, on in cues.items() if on})
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


def scored_clauses(text: str, model: NeedsModel) -> list[tuple[int, int, float]]:
    """Each clause of ``text`` with the model's probability that it states a need."""
    spans = clauses(text[:MAX_TEXT_CHARS])
    return [
        (start, end, model.probability(clause_features(text[start:end], i, len(spans))))
        for i, (start, end) in enumerate(spans)
    ]


def find_need_with(text: str, model: NeedsModel) -> Need | None:
    """``find_need`` with a given model (training and evaluation score models that are not shipped)."""
    scored = scored_clauses(text, model)
    if not scored:
        return None
    start, end, p = max(scored, key=lambda s: s[2])
    if p < model.threshold:
        return None
    return Need(start=start, end=end, text=text[start:end], confidence=round(p, 4))


def find_need(text: str) -> Need | None:
    """The clause of a stand-up answer that states a need for help, or None when it states none."""
    return find_need_with(text, shipped_model())

"""The work an ask hands over: its separate jobs, a rough size for each, and the time a helper has for it."""

from __future__ import annotations

import math
import re
from datetime import datetime

from askwell.asks import lexicon as lx
from askwell.asks.coaching.requests import _NEED_NOUN, _NEED_TO, _lemma, _Request
from askwell.asks.coaching.text import _I, _SENTENCE, _TOPIC_END, _WORD, _quote
from askwell.asks.coaching.verdicts import AskDraft, Deliverable, Quote
from askwell.asks.deadlines import Deadline

# Share of a helper's working time a favour may take, and the most it may take without an agreed
# allocation: past roughly two days of someone else's time an ask becomes a project to staff.
DEFAULT_SHARE = 0.5
FAVOUR_CAP_HOURS = 16.0
# With no date the helper fits it in around their own work: about an afternoon.
NO_DEADLINE_CAP_HOURS = 4.0
# "ASAP" gives the helper about a day.
VAGUE_WINDOW_HOURS = 24.0
BUNDLE_LIMIT = 3
# "all", "whole", "everything": scope that turns one task into a project well past a favour.
SCOPE_FACTOR = 20

_CONJOINED = re.compile(
    r"(?:(?:,\s*)?(?:and\s+)?while you'?re (?:at it|in there)\s*,?\s*(?:(?:can|could) (?:you|u|someone)\s+)?"
    r"(?:also\s+)?|,\s*(?:and\s+)?(?:also\s+)?|\band\s+(?:also\s+)?(?:then\s+)?|\balso\s+|\bthen\s+)([\w-]+)",
    _I,
)
# What joins one job to the next, left at the end of the first: "fix the build and also".
_TRAILING_JOINER = re.compile(
    r"(?:[\s,;]*(?:\band\b|\balso\b|\bthen\b|\bwhile you'?re (?:at it|in there)\b|\b(?:can|could) (?:you|u|someone)\b))+"
    r"[\s,;]*$",
    _I,
)
# Where the work stops and the reason for it starts.
_PURPOSE = re.compile(r"\b(?:so that|so I|so we|so the|because|since|otherwise|in order to)\b|[;]", _I)
_POINTS_BACK = re.compile(r"\b(?:this|that|it|these|them|all of (?:it|this))\b", _I)
_SCOPE = re.compile(lx.SCOPE_WORDS, _I)
_LARGE = re.compile(rf"\b(?:{lx.LARGE_ARTIFACTS})\b", _I)
_UNITS = re.compile(
    rf"\b(\d[\d,]*)\s+(?:of\s+(?:our|the|my|your|their|these|those)\s+)?(?:[\w-]+\s+){{0,2}}?(?:{lx.WORK_UNITS})\b",
    _I,
)
_PAGES = re.compile(r"\b(\d[\d,]*)\s*(?:-\s*)?(pages?|pp|words)\b", _I)
_READ_VERBS = frozenset(
    ["review", "look", "check", "proofread", "read", "skim", "sanity-check", "proof", "go"]
)
_DURATION = re.compile(
    r"\b(full[- ]time\s+)?(?:for\s+)?(?:the\s+next\s+)?(\d+|an?|one|two|three|four|five|half an?)\s*"
    r"(min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?)\b",
    _I,
)
_ALLOCATION = re.compile(r"\b(\d{1,3})\s*%\s+of\s+(?:your|their|his|her|my|our|the team's)?\s*time\b", _I)
_NUM_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "half a": 0.5,
    "half an": 0.5,
}


def _deliverables(text: str, requests: list[_Request]) -> list[Deliverable]:
    """Each separate piece of work the ask hands over, with a rough effort in hours."""
    out: list[Deliverable] = []
    whole_pages = _PAGES.search(text)

    def add(verb: str, hours: float, start: int, end: int) -> None:
        q = _quote(text, start, end)
        out.append(Deliverable(verb, q.text, hours, q.start, q.end))

    for req in requests:
        if req.verb is None and req.strength == "weak":
            noun = _NEED_NOUN.search(req.sentence)
            if noun:
                wanted = _TOPIC_END.sub("", _PURPOSE.split(noun.group(1))[0])
                if re.match(r"(?:this|it|that|them|these)\b", wanted, _I):
                    continue  # "I need this working by Friday" points back at the ask itself
                at = req.start + noun.start(1)
                for part in _split_spans(wanted, r",\s*(?:and\s+)?|\s+and\s+"):
                    a, b = part
                    if wanted[a:b].strip():
                        add("provide", _hours("get", wanted[a:b], None), at + a, at + b)
            continue
        for verb, piece, a, b in _clause_verbs(req.verb or "help", req.clause):
            add(verb, _hours(verb, piece, whole_pages), *req.span(a, b))
    points_back = any(r.verb in (None, "help") or _POINTS_BACK.search(r.clause) for r in requests)
    for m in _NEED_TO.finditer(text) if points_back else ():
        # The asker's own to-do list becomes the helper's when the ask points at it ("can anyone help?").
        if any(m.start() >= r.start and m.start() < r.start + len(r.sentence) for r in requests):
            continue
        rest = _SENTENCE.match(text, m.start(1))
        tail = rest.group(0) if rest else text[m.start(1) :]
        for verb, piece, a, b in _clause_verbs(_lemma(m.group(1)), tail):
            add(verb, _hours(verb, piece, None), m.start(1) + a, m.start(1) + b)
    return out


def _split_spans(text: str, separator: str) -> list[tuple[int, int]]:
    """The spans ``re.split(separator, text)`` would return, as positions in ``text``."""
    spans, at = [], 0
    for m in re.finditer(separator, text):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(text)))
    return spans


def _clause_verbs(verb: str, clause: str) -> list[tuple[str, str, int, int]]:
    """Splits "review X, and while you're at it prototype Y and load-test Z" into its separate jobs.

    Each job comes with its words and where they stand in ``clause``.
    """
    body = _PURPOSE.split(clause.split("?")[0])[0]
    marks: list[tuple[int, str]] = [(0, verb)]
    for m in _CONJOINED.finditer(body):
        lemma = _lemma(m.group(1))
        if lemma in lx.ACTION_EFFORT and lemma not in lx.NON_ACTION_VERBS and m.start(1) > marks[-1][0]:
            marks.append((m.start(1), lemma))
    participles = [
        (m.start(), lx.VERB_FORMS[m.group(0).lower()])
        for m in _WORD.finditer(body)
        if m.group(0).lower() in lx.VERB_FORMS and m.start() > 0
    ]
    if verb in ("get", "have", "do") and participles:
        marks = [(0, participles[0][1])] + [p for p in participles[1:]]
    out = []
    for i, (at, v) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(body)
        piece = _TRAILING_JOINER.sub("", body[at:end])  # "fix the build and also" is "fix the build"
        lead = len(piece) - len(piece.lstrip(" ,;"))
        piece = piece.strip(" ,;")
        out.append((v, piece, at + lead, at + lead + len(piece)))
    return out


def _hours(verb: str, clause: str, pages: re.Match[str] | None) -> float:
    base = lx.ACTION_EFFORT.get(verb, lx.MEDIUM)
    if math.isinf(base):
        return base
    if verb in ("get", "do", "make", "take", "have", "provide", "help") and _LARGE.search(clause):
        base = lx.LARGE
    duration = _DURATION.search(clause)
    if duration and re.search(
        r"\bfor\b|full[- ]time|\bof\b", duration.group(0) + clause[duration.end() :][:4]
    ):
        count = _NUM_WORDS.get(duration.group(2).lower()) or float(duration.group(2))
        unit = duration.group(3).lower()
        per = {"m": 1 / 60, "h": 1.0, "d": 8.0, "w": 40.0 if duration.group(1) else 8.0}[unit[0]]
        return count * per
    page_match = _PAGES.search(clause) or (pages if verb in _READ_VERBS | {"translate", "write"} else None)
    if page_match:
        n = float(page_match.group(1).replace(",", ""))
        if page_match.group(2).lower() == "words":
            n /= 300
        rate = 0.05 if verb in _READ_VERBS else 0.5
        return max(n * rate, min(base, 0.25))
    units = _UNITS.search(clause)
    if units:
        n = float(units.group(1).replace(",", ""))
        if n >= 2:
            per_unit = base if base >= lx.LARGE else 0.5 * max(base, 0.5)
            return n * per_unit
    if any(not m.group(0).isupper() for m in _SCOPE.finditer(clause)):  # "VACUUM FULL" is a command
        return base * SCOPE_FACTOR
    return base


def _is_bundle(text: str, deliverables: list[Deliverable]) -> bool:
    if len(deliverables) >= BUNDLE_LIMIT:
        return True
    return bool(
        re.search(r"\b(?:and also|while you'?re (?:at it|in there)|as well as|on top of that)\b", text, _I)
    )


def _split(deliverables: list[Deliverable]) -> tuple[str, tuple[Quote, ...]]:
    """The rewrite that splits a bundle into separate asks, each in the author's words."""
    jobs = tuple(Quote(d.text, d.start, d.end) for d in deliverables[:4])
    return "Split it into separate asks: " + "; ".join(f'"{q.text}"' for q in jobs) + ".", jobs


def _window_hours(draft: AskDraft, deadline: Deadline | None, now: datetime) -> float | None:
    if draft.due is not None:
        return max((draft.due - now).total_seconds() / 3600, 0.0)
    if deadline is None or deadline.kind == "milestone" or deadline.past:
        return None
    if deadline.kind == "vague":
        return VAGUE_WINDOW_HOURS if re.search(r"asap|soon as|urgent", deadline.text, _I) else None
    assert deadline.when is not None
    return max((deadline.when - now).total_seconds() / 3600, 0.0)

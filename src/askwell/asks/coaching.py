"""SMART coaching of an ask as it is written: per-criterion verdicts, reasons, rewrites and success signals.

Pure rules over plain data: no I/O, ``now`` and the author's timezone are passed in. Everything is
precompiled regex so a review runs live while the author types (well under 20 ms).

Whatever the review quotes back is the author's own words exactly as typed: every quote is a span of the
text under review (``Quote``), widened to whole words and numbers, never a piece of a normalised copy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from askwell.asks import lexicon as lx
from askwell.asks.deadlines import Deadline, choose_deadline, find_deadlines
from askwell.asks.effort import describe_hours, find_stated_effort

Criterion = Literal["S", "M", "A", "R", "T"]
Status = Literal["met", "weak", "missing"]
CRITERIA: tuple[Criterion, ...] = ("S", "M", "A", "R", "T")
CRITERION_NAMES: dict[Criterion, str] = {
    "S": "Specific",
    "M": "Meaningful",
    "A": "Action-oriented",
    "R": "Realistic",
    "T": "Time-bound",
}

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
# A few sentences of background count as context for the helper.
CONTEXT_WORDS = 60
# The score estimates the chance of help, so the SMART structure and the published predictors of success
# weigh the same, 50 points each. Within SMART a reason weighs most: a stated need is the strongest text
# predictor of help (Althoff et al., ICWSM 2014; Langer et al.'s "because", 1978); realism weighs least,
# as an oversized ask is also flagged on its own. Among the signals evidence and detail weigh most: in
# Althoff et al. length and evidence were among the strongest text predictors of help.
WEIGHTS: dict[Criterion, float] = {"S": 10, "M": 15, "A": 10, "R": 5, "T": 10}
SIGNAL_WEIGHTS = {"gratitude": 10.0, "reciprocity": 10.0, "evidence": 15.0}
# Detail is graded rather than a threshold: each word of background helps, up to about 150 words.
DETAIL_WEIGHT = 15.0
DETAIL_FULL_WORDS = 150
_STATUS_VALUE: dict[Status, float] = {"met": 1.0, "weak": 0.5, "missing": 0.0}


@dataclass(frozen=True)
class AskDraft:
    """The ask as typed; structured parts, when the form provides them, count as stated."""

    text: str
    what: str | None = None
    why: str | None = None
    action: str | None = None
    effort_hours: float | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class Quote:
    """The author's words as written: ``text == draft.text[start:end]``, whole words, on one line."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class CriterionReview:
    """A verdict with its reason and rewrite, both sentences for people; ``quotes`` are the words they cite."""

    criterion: Criterion
    status: Status
    reason: str
    rewrite: str | None = None
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Signal:
    """A feature research on altruistic requests links to success (Althoff et al. 2014).

    ``name`` is a machine key; ``hint`` is the sentence a person sees: what the ask does when the signal
    is present, what to add when it is not.
    """

    name: str
    present: bool
    hint: str


@dataclass(frozen=True)
class Deliverable:
    """One piece of work the ask hands over; ``text`` is the author's words for it (``draft.text[start:end]``)."""

    verb: str
    text: str
    hours: float
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Review:
    """The verdicts plus what they rest on; ``effort_hours`` is None when unknown or open-ended (a role)."""

    criteria: tuple[CriterionReview, ...]
    deadline: Deadline | None
    deliverables: tuple[Deliverable, ...]
    effort_hours: float | None
    capacity_hours: float | None
    signals: tuple[Signal, ...]
    issues: tuple[str, ...]
    score: int
    likely_rate: float
    own_guess: float | None

    def status(self, criterion: Criterion) -> Status:
        return self.get(criterion).status

    def get(self, criterion: Criterion) -> CriterionReview:
        return next(c for c in self.criteria if c.criterion == criterion)

    @property
    def bundled(self) -> bool:
        return "bundled" in self.issues


_I = re.IGNORECASE
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+|$)")
_OFFER = re.compile(r"^\W*(?:happy to|glad to|i can|i'll|i will|i'm happy|i am happy|i'd be happy)\b", _I)
_IDIOM = re.compile(r"\bdrop (?:what (?:they|you|he|she)(?:'re| are|'s| is) doing|everything)\s+and\s+", _I)
_BE_WILLING = re.compile(
    r"\bbe (?:up for|willing to|able to|free to|around to|available to|open to|down to|keen to|"
    r"(?:kind|nice|generous) enough to|so kind as to)\s+",
    _I,
)
_MODAL = re.compile(
    r"\b(?:can|could|would|will|cld|wud)\s+(?:you|u|ya|y'all|we|someone|somebody|anyone|anybody|one|each|the|"
    r"any|some|every(?:one|body)|an?)\b"  # "could an SRE look at ...": a request addressed to a role
    rf"|\b(?:can|could|would|will)\s+(?:{lx.DEPARTMENTS})\b",
    _I,
)
# "I was wondering whether someone in Permits could ...", "it would help if the PTA could ...".
_IF_SOMEONE = re.compile(
    r"\b(?:if|whether|any chance(?: that)?)\s+(?:(?:some(?:one|body)|any(?:one|body))(?:\s+(?:in|from|on|at|with)\s+"
    r"[^,.?!]{1,40}?)?|you|u|whoever\b[^,.?!]{0,40}?|the\s+[\w&\s-]{1,30}?|"
    rf"(?:{lx.DEPARTMENTS}))\s+(?:could|can|would)\b",
    _I,
)
_FREE_TO = re.compile(
    r"\b(?:any(?:one|body)|any [\w\s-]{1,30}?|(?:are|is) (?:you|any(?:one|body)|some(?:one|body)))\s+"
    r"(?:free|available|around|up for|willing|able|keen|down)\s+(?:to\s+|for\s+)?",
    _I,
)
_DEPARTMENT = re.compile(rf"(?:{lx.DEPARTMENTS})", _I)
# Bullets and list numbers before an item ("- send", "2. restart", "b) check").
_LIST_MARK = re.compile(r"^[\s\-–•*>]*(?:(?:\d{1,2}|[a-h])[.)]\s+)?")
_PLEASE = re.compile(r"\b(?:please|pls|plz|kindly)\b", _I)
# "please have maintenance replace the belt": the action is the causee's verb.
_CAUSATIVE = re.compile(
    r"\b(?:please|pls|plz|can you|could you)\s+(?:have|get|ask)\s+(?:the\s+|our\s+)?[\w&-]+(?:\s+team)?\s+"
    r"(?:to\s+)?([a-z][\w-]+)",
    _I,
)
_NEED_SOMEONE = re.compile(
    r"(?:\b(?:I|[Ww]e)(?:\s+(?:really\s+|just\s+)?(?:need|want|would like)|'d (?:really\s+)?like)|^\W*(?:[A-Z]\w*:\s*)?"
    r"[Nn]eed)\s+(?:someone|somebody|you|u|everyone|everybody|each of you|one of you|all of you|"
    rf"the [\w&\s-]{{1,30}}? team|[A-Z][A-Za-z]+|(?i:{lx.DEPARTMENTS}))(?:\s+[\w-]+){{0,3}}?\s+to\s+([\w-]+)",
)
# "need someone full-time on the upgrade": staffing a piece of work, an action in itself.
_NEED_SOMEONE_ON = re.compile(
    r"\b(?:need|want|looking for)\s+(?:some(?:one|body)|a volunteer)\s+(?:(?:full|part)[- ]time\s+)?(?:on|for)\s+",
    _I,
)
# "need a hand moving 12 boxes": the gerund is the action.
_NEED_A_HAND = re.compile(r"\bneed (?:a|some) (?:hand|help)\s+(?:with\s+)?([a-z]+ing)\b", _I)
# "help me get ready", "help make onboarding better": a state to reach, not a task.
_HELP_TO_STATE = re.compile(
    r"^help(?:\s+(?:me|us|him|her|them))?\s*(?:to\s+)?(?:get|make)\b(?:\s+[\w'-]+){0,3}?\s+"
    r"(?:ready|better|started|organi[sz]ed|sorted|unstuck|going)\b",
    _I,
)
_TYPOS = re.compile(rf"\b(?:{'|'.join(lx.ADDRESSEE_TYPOS)})\b", _I)
_CONDITIONAL_IMPERATIVE = re.compile(
    r"\bif (?:any(?:one|body)|you|some(?:one|body)) (?:has|have|knows?|sees?|finds?|gets?)\b[^.?!]*?"
    r"\b(send|share|forward|drop|post|dm|ping|point|tag|email)\b",
    _I,
)
_WOULD_LOVE = re.compile(
    r"\b(?:I'd|I would|we'd|we would|would)\s+(?:love|appreciate|welcome|value)\s+(?:your\s+|some\s+|a\s+|any\s+)?"
    r"(?:quick\s+)?(feedback|comments|review|eyes|input|notes|edits|a review|a second pair of eyes)\b|"
    r"\b(?:it'd|it would|would) be (?:great|amazing|helpful|awesome|ideal) to get (?:some\s+|a\s+|your\s+)?"
    r"(eyes|feedback|a review|review|input|a second pair of eyes)\b|"
    # "I need a second opinion on the model": a review of a named thing, not an open call for thoughts.
    r"\b(?:I|we)\s+(?:really\s+|still\s+)?(?:need|want|'d like|would like)\s+(?:a\s+)?(?:quick\s+)?"
    r"(second opinion|sanity check|second pair of eyes|fresh pair of eyes|code review|review)\s+(?:on|of)\b|"
    r"\b(comments|feedback|notes|edits|a review)\b[^.?!]{0,60}\bwould be (?:amazing|great|helpful|ideal|perfect|"
    r"awesome|wonderful|fantastic)",
    _I,
)
_WEAK_REQUEST = re.compile(
    r"\b(?:does|do)\s+(?:any(?:one|body)|someone|you|u|y'all)\s+(?:\w+\s+)?(?:know|have|has|got)\b|"
    r"^\W*(?:any(?:one|body)|someone)\s+(?:have|has|got|know)\b|\bis it possible\b|\bwho (?:can|could|do|should|"
    r"would|knows)\b|\bneed(?:s|ed)? help\b|\blooking for\b|\bhoping (?:to get|for|someone|somebody)\b|"
    r"\bany (?:thoughts|ideas|input|feedback|advice|tips|suggestions|recs|recommendations)\b|\blmk\b|"
    r"\blet me know\b|^\W*help\b|\bwhat(?:'s| is) the best way\b|\b(?:some(?:one|body)|we|you) should\b|"
    r"\bhow do (?:I|we)\b|\bwhere (?:can|do|should) (?:I|we)\b|"
    # Wanting something without saying who should do what: "I'd love some pizza", "any help is appreciated".
    r"\b(?:I'd|I would|we'd|we would|would)\s+(?:really\s+|so\s+|greatly\s+)?(?:love|appreciate|welcome|"
    r"be (?:grateful|thankful) for)\s+(?:some|a|an|any)\b|\bany help\b",
    _I,
)
_NEED_NOUN = re.compile(
    r"(?:^\W*|[:;]\s*|\b(?:I|we)\s+(?:still\s+|really\s+|just\s+)?)(?:need|require)\s+"
    r"(?!to\b|someone|somebody|you\b|help\b|everyone\b(?!')|everybody\b(?!')|one of|each of)([^.?!]+)",
    _I,
)
_NEED_TO = re.compile(
    r"\b(?:I|we)\s+(?:still\s+|really\s+|just\s+|also\s+)?(?:need|have)\s+to\s+([\w-]+)", _I
)
_HELP_NEXT = re.compile(r"^help(?:\s+(?:me|us|him|her|them|out))?\s*(?:to\s+|for\s+)?([\w'-]+)?", _I)
_CONJOINED = re.compile(
    r"(?:(?:,\s*)?(?:and\s+)?while you'?re (?:at it|in there)\s*,?\s*(?:(?:can|could) (?:you|u|someone)\s+)?"
    r"(?:also\s+)?|,\s*(?:and\s+)?(?:also\s+)?|\band\s+(?:also\s+)?(?:then\s+)?|\balso\s+|\bthen\s+)([\w-]+)",
    _I,
)
_WORD = re.compile(r"[A-Za-z][\w'-]*")
# What joins one job to the next, left at the end of the first: "fix the build and also".
_TRAILING_JOINER = re.compile(
    r"(?:[\s,;]*(?:\band\b|\balso\b|\bthen\b|\bwhile you'?re (?:at it|in there)\b|\b(?:can|could) (?:you|u|someone)\b))+"
    r"[\s,;]*$",
    _I,
)
# Where the work stops and the reason for it starts.
_PURPOSE = re.compile(r"\b(?:so that|so I|so we|so the|because|since|otherwise|in order to)\b|[;]", _I)
_TOPIC = re.compile(r"\b(?:on|about|with|for|at|over|through|to)\s+([^?.!,]{3,})", _I)
_TOPIC_END = re.compile(r"\s+\b(?:by|before|until|so|because|since|if|when)\b.*$", _I)
_POINTS_BACK = re.compile(r"\b(?:this|that|it|these|them|all of (?:it|this))\b", _I)

_VAGUE_ASK = re.compile(lx.VAGUE_ASK, _I | re.MULTILINE)
# Not vague after all: "two small things: (a) ... (b) ...", and the polite "anything else you need".
_NOT_VAGUE = re.compile(
    r"\b(?:two|three|four|five|a few|a couple of|couple of|\d+)\s+(?:small\s+|quick\s+|little\s+|more\s+)?"
    r"things\b|\banything else\b",
    _I,
)
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
_ARTIFACT = re.compile(rf"\b(?:{lx.ARTIFACTS})\b", _I)
_NUMBER = re.compile(r"\d")
# Not a unit after a figure: the "C" of "4°C" is no name.
_CAPITALISED = re.compile(r"(?<!°)\b[A-Z][A-Za-z0-9&-]*\b")
# Greetings, titles and the departments an ask is addressed to name nothing to pick up.
_NOT_NAMES = frozenset(
    {"I", "Hi", "Hey", "Hello", "Thanks", "Team", "ASAP", "URGENT", "EOD", "OK", "Q"}
    | {"Mr", "Mrs", "Ms", "Dr", "Prof", "IT", "HR", "QA", "PTA"}
)
_QUOTED = re.compile(lx.QUOTED)
_URL = re.compile(r"https?://\S+|\b[\w-]+\.(?:com|org|io|net|dev)/\S*")
_REASON = re.compile(
    lx.REASON_CUES
    + r"|(?:^|[.!?]\s+)(?:trying|hoping|looking) to\b|\band (?:really )?(?:want|trying|hoping) to\b"
    + r"|\b(?:customers?|clients?|users?|patients?|parents|students|residents|guests|members|donors|tenants|"
    r"new hires|staff|employees|vendors|suppliers|families)"
    r"\s+(?:[\w-]+\s+){0,3}?(?:have (?:filed|reported|complained)|has (?:filed|reported|"
    r"complained)|are (?:waiting|blocked|stuck|churning|leaving)|is (?:waiting|blocked|stuck|threatening)|filed|reported|"
    r"complained|can't|cannot|won't|will|would|waiting|threatening|are (?:getting|seeing)|keep|keeps)\b|\b(?:my|our) (?:job|career|tenure|promotion|funding|grant|visa|license)\b",
    _I | re.MULTILINE,
)
_MONEY = re.compile(lx.MONEY + r"|\bARR\b", _I)
_WEAK_REASON = re.compile(lx.WEAK_REASON_CUES, _I)
_GRATITUDE = re.compile(lx.GRATITUDE, _I)
_RECIPROCITY = re.compile(lx.RECIPROCITY, _I)
_EVIDENCE = re.compile(lx.EVIDENCE, _I)
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


@dataclass(frozen=True)
class _Request:
    """A request found in one sentence. ``clause`` is the edited sentence's tail from ``clause_at``."""

    sentence: str
    start: int
    strength: Literal["direct", "weak"]
    verb: str | None
    clause: str
    clause_at: int = 0
    origin: tuple[int, ...] = ()

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Where ``clause[a:b]`` stands in the ask as written (the edits undone)."""
        a, b = self.clause_at + a, self.clause_at + b
        if not self.origin:
            return self.start + a, self.start + b
        start = self.origin[min(a, len(self.origin) - 1)]
        end = self.origin[b - 1] + 1 if b > a else start
        return self.start + start, self.start + end


def review(draft: AskDraft, *, now: datetime, tz: ZoneInfo, own_guess: float | None = None) -> Review:
    """Coach one ask against the five SMART criteria and the signals that make help more likely."""
    text = draft.text.strip()
    sentences = _sentences(text)
    requests = [r for s, start in sentences if (r := _request(s, start)) is not None]
    deadline = _helper_deadline(text, requests, now=now, tz=tz)
    deliverables = _deliverables(text, requests)
    issues: list[str] = []

    a = _action(draft, requests)
    s = _specific(draft, text, requests, deadline)
    m = _meaningful(draft, text, requests)
    t = _time_bound(draft, text, requests, deadline, now=now, tz=tz)
    r, effort, capacity = _realistic(draft, text, requests, deliverables, deadline, now=now, tz=tz)
    if s.status != "met" and any(_vague(q.sentence) for q in requests):
        issues.append("vague")
    if m.status == "missing":
        issues.append("no_reason")
    if a.status != "met":
        issues.append("no_action")
    if len(deliverables) >= 2 and _is_bundle(text, deliverables):
        issues.append("bundled")
        if r.rewrite is None:
            # Two jobs joined by "and also" may fit the time, but each still lands better on its own.
            split, jobs = _split(deliverables)
            r = replace(
                r,
                reason=f"{r.reason} It bundles {len(deliverables)} separate jobs.",
                rewrite=split,
                quotes=(*r.quotes, *jobs),
            )
    if r.status != "met" and "bundled" not in issues:
        issues.append("unrealistic")
    if deadline is not None and deadline.past:
        issues.append("past_deadline")

    criteria = (s, m, a, r, t)
    signals = _signals(text, m.status == "met")
    score = _score(criteria, signals, words=len(text.split()))
    # Spans so far count from the stripped text; the review reports them in the draft as typed.
    lead = len(draft.text) - len(draft.text.lstrip())
    if lead:
        criteria = tuple(replace(c, quotes=tuple(_shift_quote(q, lead) for q in c.quotes)) for c in criteria)
        deliverables = [replace(d, start=d.start + lead, end=d.end + lead) for d in deliverables]
        if deadline is not None:
            deadline = replace(deadline, start=deadline.start + lead, end=deadline.end + lead)
    return Review(
        criteria=criteria,
        deadline=deadline,
        deliverables=tuple(deliverables),
        effort_hours=None if effort is None or math.isinf(effort) else effort,
        capacity_hours=capacity,
        signals=signals,
        issues=tuple(issues),
        score=score,
        likely_rate=likely_rate(score),
        own_guess=own_guess,
    )


def likely_rate(score: int) -> float:
    """A readable prior for "will someone help", rising with ask quality; not a calibrated probability.

    Askers typically guess about half of the help they actually get (Flynn & Lake 2008), so the
    review shows this beside the author's own guess rather than replacing it.
    """
    return round(0.2 + 0.7 * score / 100, 2)


# -- quoting the author ---------------------------------------------------------------------------

_NUMBER_PREFIXES = "$€£¥#"  # "$15,000", "#4412"
_JOINERS = "'’-"  # inside words: "don't", "follow-up"
_NUMBER_JOINERS = ".,:/"  # inside numbers: "12,000", "3.5", "14:00", "3/22"


def _token_char(text: str, i: int) -> bool:
    """Whether ``text[i]`` belongs to a word or number (so a quote must not cut next to it)."""
    c = text[i]
    if c.isalnum():
        return True
    inside = 0 < i < len(text) - 1
    if c in _JOINERS:
        return inside and text[i - 1].isalnum() and text[i + 1].isalnum()
    if c in _NUMBER_JOINERS:
        return inside and text[i - 1].isdigit() and text[i + 1].isdigit()
    return False


def _quote(text: str, start: int, end: int) -> Quote:
    """The author's words around ``text[start:end]``: widened to whole words and numbers, on one line.

    Regex cues often match part of a token ("2%" inside "12%", "$1" inside "$15,000"); a quote that
    cuts a number says something the author never wrote, so the span grows to the token's edges.
    """
    start, end = max(0, start), min(len(text), end)
    while 0 < start < len(text) and _token_char(text, start - 1) and _token_char(text, start):
        start -= 1
    while 0 < end < len(text) and _token_char(text, end - 1) and _token_char(text, end):
        end += 1
    if 0 < start < len(text) and text[start - 1] in _NUMBER_PREFIXES and text[start].isdigit():
        start -= 1
    if 0 < end < len(text) and text[end] == "%" and text[end - 1].isdigit():
        end += 1
    line_end = text.find("\n", start, end)
    if line_end >= 0:
        end = line_end
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:.?!"):
        end -= 1
    return Quote(text[start:end], start, end)


def _clause_quote(text: str, start: int, end: int, *, limit: int = 60) -> Quote:
    """A cue with the rest of its clause ("blocking the payments release"), when the clause is short."""
    stop = re.compile(r"[.?!;,\n(]|\s[-–—]\s").search(text, end)
    clause_end = stop.start() if stop else len(text)
    if clause_end - start <= limit:
        end = max(end, clause_end)
    return _quote(text, start, end)


def _shift_quote(q: Quote, by: int) -> Quote:
    return Quote(q.text, q.start + by, q.end + by)


# -- parsing -------------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[str, int]]:
    """Each sentence, stripped, with where it starts in ``text`` (after its leading spaces)."""
    out = []
    for m in _SENTENCE.finditer(text):
        raw = m.group(0)
        if raw.strip():
            out.append((raw.strip(), m.start() + len(raw) - len(raw.lstrip())))
    return out


def _edit(
    sentence: str, edits: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]
) -> tuple[str, tuple[int, ...]]:
    """``sentence`` rewritten for parsing, with where each character of the result came from.

    Parsing reads "could you be able to fix" as "could you fix" and "sombody" as "somebody"; quotes and
    deliverables are then cut from the sentence as written, through this map.
    """
    text, origin = sentence, list(range(len(sentence) + 1))
    for pattern, repl in edits:
        out: list[str] = []
        where: list[int] = []
        at = 0
        for m in pattern.finditer(text):
            out.append(text[at : m.start()])
            where.extend(origin[at : m.start()])
            new = repl(m)
            out.append(new)
            last = max(m.end() - 1, m.start())
            where.extend(origin[min(m.start() + k, last)] for k in range(len(new)))
            at = m.end()
        out.append(text[at:])
        where.extend(origin[at:])
        text, origin = "".join(out), where
    return text, tuple(origin)


def _lemma(word: str) -> str:
    w = word.lower().strip("'")
    if w.startswith("re-") and len(w) > 4:
        again = _lemma(w[3:])  # "re-run", "re-verify": the same work again
        if again in lx.ACTION_EFFORT:
            return again
    if w in lx.VERB_FORMS:
        return lx.VERB_FORMS[w]
    if w in lx.ACTION_EFFORT or w in lx.NON_ACTION_VERBS:
        return w
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("s", ""), ("es", "")):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            base = w[: -len(suffix)] + repl
            if base in lx.ACTION_EFFORT:
                return base
            doubled = suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2]
            if doubled and base[:-1] in lx.ACTION_EFFORT:
                return base[:-1]
    return w


def _first_verb(fragment: str, limit: int = 12) -> tuple[str | None, int]:
    """The first known verb in the fragment (skipping the helper's description) and where it starts."""
    for i, m in enumerate(_WORD.finditer(fragment)):
        if i >= limit:
            break
        lemma = _lemma(m.group(0))
        if lemma in lx.ACTION_EFFORT or lemma in lx.NON_ACTION_VERBS or lemma == "help":
            return lemma, m.start()
    return None, -1


def _participle(wanted: str) -> tuple[str, int] | None:
    """ "I need everyone's timesheets submitted by Friday" asks for the submitting, not for a thing.

    Only a participle that closes its phrase counts: "the updated numbers" wants numbers.
    """
    words = list(_WORD.finditer(wanted))[:9]
    for i, m in enumerate(words[1:], start=1):
        verb = lx.VERB_FORMS.get(m.group(0).lower())
        following = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        if verb and following in ("", "by", "before", "to", "for", "so", "and", "asap", "today", "tomorrow"):
            return verb, m.start()
    return None


def _unlisted_verb(tail: str, *, addressed: bool) -> tuple[str | None, int]:
    """The verb after "could anyone ..." when our word lists lack it ("could anyone bless him with ...").

    ``tail`` starts at the addressee for a modal ("anyone bless him") and right after it otherwise. Only a
    request to a person counts: "will the build pass" asks nobody to do anything.
    """
    words = list(_WORD.finditer(tail))
    if not addressed:
        if not words or not (
            words[0].group(0).lower() in lx.PERSON_SUBJECTS or _DEPARTMENT.fullmatch(words[0].group(0))
        ):
            return None, -1
        words = words[1:]
    for m in words[:4]:
        word = m.group(0)
        lower = word.lower()
        if lower in lx.REQUEST_FILLERS:
            continue
        if lower in lx.NOT_VERB_STARTS or not word.islower() or "'" in word or len(word) < 2:
            return None, -1
        return _lemma(word), m.start()
    return None, -1


def _resolve_help(fragment: str) -> tuple[str | None, Literal["direct", "weak"]]:
    """ "help me redo X" asks for redo; "help with X" or a bare "help" names no action."""
    if _HELP_TO_STATE.match(fragment):
        return None, "weak"
    m = _HELP_NEXT.match(fragment)
    nxt = _lemma(m.group(1)) if m and m.group(1) else None
    if nxt and nxt in lx.ACTION_EFFORT and nxt not in ("with", "out"):
        return nxt, "direct"
    return None, "weak"


_EDITS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_IDIOM, lambda m: ""),
    (_BE_WILLING, lambda m: ""),
    (_TYPOS, lambda m: lx.ADDRESSEE_TYPOS[m.group(0).lower()]),
)


def _after_first_word(text: str, at: int) -> int:
    """Where ``text[at:].split(None, 1)[-1]`` starts: past the first word and the spaces after it."""
    m = re.compile(r"\s*\S+\s+").match(text, at)
    return m.end() if m else at + len(text[at:]) - len(text[at:].lstrip())


def _request(sentence: str, start: int) -> _Request | None:
    if _OFFER.search(sentence):
        return None
    s, origin = _edit(sentence, _EDITS)

    def found(
        strength: Literal["direct", "weak"], verb: str | None, at: int, end: int | None = None
    ) -> _Request:
        return _Request(sentence, start, strength, verb, s[at:end], at, origin)

    m = _NEED_SOMEONE.search(s)
    if m:
        return found("direct", _lemma(m.group(1)), m.start(1))
    m = _NEED_SOMEONE_ON.search(s)
    if m:
        return found("direct", "work", m.end())
    m = _NEED_A_HAND.search(s)
    if m and _lemma(m.group(1)) in lx.ACTION_EFFORT:
        return found("direct", _lemma(m.group(1)), m.start(1))
    for rx in (_MODAL, _IF_SOMEONE, _FREE_TO):
        for m in rx.finditer(s):
            base = m.end() if rx is not _MODAL else _after_first_word(s, m.start())
            tail = s[base:]
            if tail.lower().startswith("whoever"):
                # "can whoever owns the integration re-run it": past the relative clause's verb.
                _, at = _first_verb(tail)
                if at < 0:
                    continue
                # Read as "someone <rest>"; positions past "someone " are positions in the sentence.
                base = _after_first_word(s, base + at) - len("someone ")
                tail = "someone " + s[base + len("someone ") :]
            # The word right after "could you" is the verb, listed or not ("could anyone play through ...");
            # past an aside ("someone from data eng review ...") the first verb we know wins.
            verb, at = _unlisted_verb(tail, addressed=rx is not _MODAL)
            if verb is None:
                verb, at = _first_verb(tail)
            if verb is None:
                continue
            clause = tail[at:]
            if verb == "help":
                resolved, strength = _resolve_help(clause)
                return found(strength, resolved or "help", base + at)
            if verb in lx.NON_ACTION_VERBS:
                return found("weak", None, base + at)
            return found("direct", verb, base + at)
    m = _CAUSATIVE.search(s)
    if m and _lemma(m.group(1)) not in lx.NON_ACTION_VERBS and m.group(1).lower() not in lx.NOT_VERB_STARTS:
        return found("direct", _lemma(m.group(1)), m.start(1))
    for m in _PLEASE.finditer(s):
        verb, at = _first_verb(s[m.end() :], limit=2)
        if verb is None and s[m.start() :].lstrip(" \t-–•*>").lower().startswith(
            ("please", "pls", "plz", "kindly")
        ):
            # A sentence that opens with "please" is an imperative whatever its verb ("Please change ...").
            verb, at = _unlisted_verb(s[m.end() :], addressed=True)
        if verb and verb not in lx.NON_ACTION_VERBS:
            if verb == "help":
                resolved, strength = _resolve_help(s[m.end() + at :])
                return found(strength, resolved or "help", m.end() + at)
            return found("direct", verb, m.end() + at)
    m = _CONDITIONAL_IMPERATIVE.search(s)
    if m:
        return found("direct", _lemma(m.group(1)), m.start(1))
    m = _WOULD_LOVE.search(s)
    if m:
        return found("direct", "review", m.start())
    mark = _LIST_MARK.match(s)
    body_at = mark.end() if mark else 0
    body = s[body_at:]
    first = _WORD.match(body)
    if first and not body[first.end() :].lstrip().startswith((":", "-")):
        # "Edit:" and "Update -" are headers, not imperatives.
        lemma = first.group(0).lower()
        # "Reset crew is in at 10": a noun that happens to be a verb, followed by its own verb.
        subject = re.match(r"\s*(?:[\w-]+\s+)?(?:is|are|was|were|has|have|will)\b", body[first.end() :], _I)
        if lemma in lx.ACTION_EFFORT and not subject:
            return found("direct", lemma, body_at)
    need = _NEED_NOUN.search(s)
    done = _participle(need.group(1)) if need else None
    if need is not None and done is not None:
        return found("direct", done[0], need.start(1) + done[1], need.end(1))
    if _WEAK_REQUEST.search(s) or need:
        verb, at = _first_verb(s)
        return found("weak", "help" if verb == "help" else None, 0)
    if s.rstrip().endswith("?"):
        return found("weak", None, 0)
    return None


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


def _vague(sentence: str) -> re.Match[str] | None:
    """The first vague phrase in the sentence as written, skipping counted things ("two small things")."""
    counted = [(m.start(), m.end()) for m in _NOT_VAGUE.finditer(sentence)]
    for m in _VAGUE_ASK.finditer(sentence):
        if not any(m.start() < e and s < m.end() for s, e in counted):
            return m
    return None


def _helper_deadline(text: str, requests: list[_Request], *, now: datetime, tz: ZoneInfo) -> Deadline | None:
    """The date the helper works to: one led by "by" or "before" first, then one inside the request, then any.

    "this morning" outside the request counts only when such a word leads it ("three tickets this morning").
    """
    spans = [(r.start, r.start + len(r.sentence)) for r in requests]

    def in_request(d: Deadline) -> bool:
        return any(s <= d.start < e for s, e in spans)

    found = [d for d in find_deadlines(text, now=now, tz=tz) if not d.loose or in_request(d)]
    # A deadline word beats a date inside the request, which beats a date elsewhere ("I fly down Thursday").
    for tier in ([d for d in found if d.prefixed], [d for d in found if in_request(d)], found):
        if tier:
            return choose_deadline(tier, now=now)
    return None


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


# -- criteria ------------------------------------------------------------------------------------


def _core(requests: list[_Request], text: str) -> str:
    sentence = requests[0].sentence if requests else text
    return sentence.strip().rstrip("?.! ")


def _topic(requests: list[_Request], text: str) -> str | None:
    """The thing the ask is about, in the author's words, for rewrites; None when it names nothing."""
    source = requests[0].clause if requests else text
    m = _TOPIC.search(source)
    if not m:
        return None
    cut = _TOPIC_END.sub("", m.group(1))
    topic = cut.strip().rstrip("?.! ")
    if not topic:
        return None
    a = m.start(1) + len(cut) - len(cut.lstrip())
    start, end = requests[0].span(a, a + len(topic)) if requests else (a, a + len(topic))
    return _quote(text, start, end).text or None


def _action(draft: AskDraft, requests: list[_Request]) -> CriterionReview:
    if draft.action:
        return CriterionReview("A", "met", f"You ask for something to be done: {draft.action}.")
    direct = [r for r in requests if r.strength == "direct"]
    text = draft.text.strip()
    if direct:
        return CriterionReview("A", "met", f"It asks someone to {direct[0].verb} — a clear action to accept.")
    topic = _topic(requests, text)
    if requests:
        s = requests[0].sentence
        if re.search(r"\bknow (?:some|any)(?:one|body)\b", s, _I):
            rewrite = "Could someone introduce me to " + re.sub(
                r"^.*?\bknow (?:some|any)(?:one|body)\s*", "someone ", s.rstrip("?.! "), flags=_I
            )
        elif re.search(r"\b(?:have|has|got)\b", s, _I) and re.search(r"\b(?:any(?:one|body)|you)\b", s, _I):
            obj = re.sub(r"^.*?\b(?:have|has|got)\s+", "", s.rstrip("?.! "), flags=_I)
            rewrite = f"Could someone send me {obj}?"
        elif re.search(r"\bneed\b", s, _I) and not re.search(r"\bhelp\b", s, _I):
            obj = re.sub(r"^.*?\bneed\s+", "", s.rstrip("?.! "), flags=_I)
            rewrite = f"Could someone send me {obj}?"
        elif re.search(r"\bshould\b", s, _I):
            rewrite = (
                "Could someone "
                + re.sub(r"^.*?\bshould\s+(?:really\s+|probably\s+)?", "", s.rstrip("?.! "), flags=_I)
                + "?"
            )
        else:
            rewrite = f"Could someone [review / fix / walk me through] {topic or '[the exact thing]'}?"
        return CriterionReview(
            "A",
            "weak",
            "It asks whether someone could, not what they should do; say the action you want.",
            rewrite,
        )
    return CriterionReview(
        "A",
        "missing",
        "There is no request in it yet: nobody is asked to do anything.",
        f"Could someone [do what] about {topic or '[the exact thing]'}?",
    )


def _specific(
    draft: AskDraft, text: str, requests: list[_Request], deadline: Deadline | None
) -> CriterionReview:
    if draft.what:
        return CriterionReview("S", "met", f"It names what you need: {draft.what}.")
    if not requests:
        return CriterionReview(
            "S",
            "missing",
            "It describes a situation but names nothing someone could pick up.",
            f"{text.rstrip('.!? ')} — could someone [do the one concrete thing you need]?",
        )

    def outside_deadline(m: re.Match[str]) -> bool:
        return deadline is None or m.end() <= deadline.start or m.start() >= deadline.end

    cues: list[tuple[str, Quote | None]] = []
    number = next((m for m in _NUMBER.finditer(text) if outside_deadline(m)), None)
    if number:
        cues.append(("a number", _quote(text, number.start(), number.end())))
    if any(outside_deadline(m) for rx in (_URL, _QUOTED) for m in rx.finditer(text)):
        cues.append(("a link or quote", None))
    skip = (deadline.start, deadline.end) if deadline is not None else (0, 0)
    name = next((m for m in _names(text, skip) if outside_deadline(m)), None)
    if name:
        cues.append(("a name", _quote(text, name.start(), name.end())))
    artifact = next((m for m in _ARTIFACT.finditer(text) if outside_deadline(m)), None)
    if artifact:
        cues.append(("a concrete thing", _quote(text, artifact.start(), artifact.end())))
    vague = next(((q, m) for q in requests if (m := _vague(q.sentence))), None)
    core, topic = _core(requests, text), _topic(requests, text)
    if topic:
        rewrite = f"{core} — specifically [which part of {topic}: the file, number or name]?"
    else:
        rewrite = "Could someone [review / send / fix] [the exact file, number or name]?"
    if vague is not None:
        req, m = vague
        q = _quote(text, req.start + m.start(), req.start + m.end())
        return CriterionReview(
            "S",
            "weak" if cues else "missing",
            f"'{q.text}' leaves the helper guessing what exactly you need.",
            rewrite,
            (q,),
        )
    if cues:
        shown = cues[:2]
        named = ", ".join(f"{what} ('{q.text}')" if q else what for what, q in shown)
        return CriterionReview(
            "S",
            "met",
            f"It names {named}, so a helper knows what to pick up.",
            quotes=tuple(q for _, q in shown if q),
        )
    return CriterionReview(
        "S", "weak", "It names no concrete item, number or name a helper could act on.", rewrite
    )


def _names(text: str, skip: tuple[int, int] = (0, 0)) -> list[re.Match[str]]:
    """Capitalised words inside a sentence: product, team and people names that make an ask concrete.

    Words inside ``skip`` (the deadline) are no names, and what stands before a word is read as if the
    deadline were not there.
    """
    out = []
    for m in _CAPITALISED.finditer(text):
        if skip[0] <= m.start() < skip[1]:
            continue
        before = (
            text[: skip[0]] + text[skip[1] : m.start()] if m.start() >= skip[1] else text[: m.start()]
        ).rstrip()
        word = m.group(0)
        if not before or before[-1] in '.!?:-–|\n("[{]}' or word in _NOT_NAMES or word.startswith("I'"):
            continue
        out.append(m)
    return out


def _meaningful(draft: AskDraft, text: str, requests: list[_Request]) -> CriterionReview:
    if draft.why:
        return CriterionReview("M", "met", f"It says why it matters: {draft.why}.")
    ask_spans = [(r.start, r.start + len(r.sentence)) for r in requests if r.strength == "direct"]
    for m in _REASON.finditer(text):
        inside_ask = any(s <= m.start() < e for s, e in ask_spans)
        if _MONEY.fullmatch(m.group(0).strip()) and inside_ask:
            continue  # a figure inside the ask is its size, not its stakes
        q = _clause_quote(text, m.start(), m.end())
        return CriterionReview(
            "M", "met", f"It says what is at stake ('{q.text}'), which moves helpers.", quotes=(q,)
        )
    core = _core(requests, text)
    weak = _WEAK_REASON.search(text)
    rewrite = f"{core} — because [what it unblocks, or what happens if it isn't done]."
    if weak:
        q = _quote(text, weak.start(), weak.end())
        return CriterionReview(
            "M",
            "weak",
            f"'{q.text}' explains the timing or how you feel, not what is at stake.",
            rewrite,
            (q,),
        )
    return CriterionReview(
        "M", "missing", "It never says why this matters; a reason raises the odds of help.", rewrite
    )


def _time_bound(
    draft: AskDraft,
    text: str,
    requests: list[_Request],
    deadline: Deadline | None,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> CriterionReview:
    suggestion = _suggest_day(now, tz, days=2)
    core = _core(requests, text)
    if draft.due is not None:
        if draft.due < now:
            return CriterionReview(
                "T", "weak", "The due date has already passed.", f"{core} by {suggestion}?"
            )
        return CriterionReview("T", "met", f"Due {_fmt_when(draft.due.astimezone(tz))}.")
    if deadline is None:
        return CriterionReview(
            "T", "missing", "No deadline: helpers cannot plan around it.", f"{core} by {suggestion}?"
        )
    q = _quote(text, deadline.start, deadline.end)
    # The rewrite puts a day where the deadline stands, not wherever the same words first occur.
    in_place = f"{text[: deadline.start]}by {suggestion}{text[deadline.end :]}"
    if deadline.past:
        return CriterionReview("T", "weak", f"'{q.text}' is already in the past.", in_place, (q,))
    if deadline.kind == "vague":
        return CriterionReview(
            "T", "weak", f"'{q.text}' is not a date a helper can plan around.", in_place, (q,)
        )
    if deadline.kind == "milestone":
        return CriterionReview("T", "met", f"Tied to a known milestone ('{q.text}').", quotes=(q,))
    assert deadline.when is not None
    return CriterionReview("T", "met", f"'{q.text}' reads as {_fmt_when(deadline.when)}.", quotes=(q,))


def _realistic(
    draft: AskDraft,
    text: str,
    requests: list[_Request],
    deliverables: list[Deliverable],
    deadline: Deadline | None,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[CriterionReview, float | None, float | None]:
    # Whose estimate: the form's figure, else the asker's own words ("should take ~20 min"), else ours.
    stated = find_stated_effort(text) if draft.effort_hours is None else None
    if stated is None and draft.effort_hours is None and len(deliverables) == 1:
        only = deliverables[0]
        inside = find_stated_effort(only.text, within_request=True)
        if inside is not None:
            stated = replace(inside, start=only.start + inside.start, end=only.start + inside.end)
    quotes: tuple[Quote, ...] = ()
    if draft.effort_hours is not None:
        effort = draft.effort_hours
        size = f"You put it at {describe_hours(effort, exact=True)}"
    elif stated is not None:
        effort = stated.hours
        quotes = (_quote(text, stated.start, stated.end),)
        size = f"You put it at '{quotes[0].text}'"
    else:
        effort = sum(d.hours for d in deliverables)
        size = f"{describe_hours(effort).capitalize()} of work for a helper, by our estimate"
    allocation = _ALLOCATION.search(text)
    share = int(allocation.group(1)) / 100 if allocation else DEFAULT_SHARE
    window = _window_hours(draft, deadline, now)
    if window is None:
        capacity = NO_DEADLINE_CAP_HOURS
        frame = "with no deadline, a favour is about an afternoon"
    else:
        working = min(window, 8.0) if window <= 24 else window / 24 * 8 * 5 / 7
        capacity = working * share if allocation else min(working * share, FAVOUR_CAP_HOURS)
        frame = f"the time given leaves a helper {describe_hours(capacity)}"
    if not deliverables and draft.effort_hours is None and stated is None:
        return CriterionReview("R", "met", "Nothing oversized is asked."), None, capacity
    if len(deliverables) >= BUNDLE_LIMIT and not allocation:
        split, jobs = _split(deliverables)
        return (
            CriterionReview(
                "R",
                "weak",
                f"{len(deliverables)} separate jobs in one ask; each would land better on its own.",
                split,
                jobs,
            ),
            effort,
            capacity,
        )
    if effort <= capacity:
        return CriterionReview("R", "met", f"{size}; {frame}.", quotes=quotes), effort, capacity
    status: Status = "weak" if effort <= 2 * capacity else "missing"
    if deliverables:
        first = Quote(deliverables[0].text, deliverables[0].start, deliverables[0].end)
    else:
        first = (
            _quote(text, requests[0].start, requests[0].start + len(requests[0].sentence))
            if requests
            else (_quote(text, 0, len(text)))
        )
    if math.isinf(effort):
        reason = "Owning something is a standing role, not a favour with an end."
        obj = re.sub(r"^\S+\s*", "", first.text) or first.text
        rewrite = (
            f"Could someone [take the first concrete step] on {obj} this week? Then we decide who owns it."
        )
    else:
        days = max(1, math.ceil(effort / (8 * DEFAULT_SHARE)))
        reason = f"{size}, but {frame}."
        rewrite = f"Narrow it to the first part of '{first.text}', or give it until {_suggest_day(now, tz, days=days)}."
        quotes = (*quotes, first)
    return CriterionReview("R", status, reason, rewrite, quotes), effort, capacity


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


def _fmt_when(when: datetime) -> str:
    return f"{when:%A} {when.day} {when:%B}, {when:%H:%M}"


def _suggest_day(now: datetime, tz: ZoneInfo, *, days: int) -> str:
    """A concrete working day ``days`` working days out, written the way people say it."""
    day = now.astimezone(tz).date()
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return f"{day:%A} {day.day} {day:%B}"


# -- signals and score ---------------------------------------------------------------------------


# Per signal: what a person reads when the ask has it, and what to add when it has not.
_SIGNAL_TEXT: dict[str, tuple[str, str]] = {
    "reason": (
        "It says why you need it: a stated need is the strongest signal of success.",
        "Say why you need it: a stated need is the strongest signal of success.",
    ),
    "gratitude": ("It thanks people in advance.", "Thank people in advance; gratitude raises response."),
    "reciprocity": ("It offers something back.", "Offer something back ('happy to return the favour')."),
    "evidence": (
        "It gives evidence: a link, a figure or what you already tried.",
        "Add evidence: a link, a figure, what you already tried.",
    ),
    "context": (
        "It gives a few sentences of background.",
        "Add a few sentences of background: longer, situated requests get help more often.",
    ),
}


def _signals(text: str, has_reason: bool) -> tuple[Signal, ...]:
    present = {
        "reason": has_reason,
        "gratitude": bool(_GRATITUDE.search(text)),
        "reciprocity": bool(_RECIPROCITY.search(text)),
        "evidence": bool(_EVIDENCE.search(text)),
        "context": len(text.split()) >= CONTEXT_WORDS,
    }
    return tuple(
        Signal(name, found, _SIGNAL_TEXT[name][0 if found else 1]) for name, found in present.items()
    )


def _score(criteria: tuple[CriterionReview, ...], signals: tuple[Signal, ...], *, words: int) -> int:
    total = sum(WEIGHTS[c.criterion] * _STATUS_VALUE[c.status] for c in criteria)
    total += sum(SIGNAL_WEIGHTS.get(s.name, 0.0) for s in signals if s.present)
    total += DETAIL_WEIGHT * min(1.0, words / DETAIL_FULL_WORDS)
    return round(total)

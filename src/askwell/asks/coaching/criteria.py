"""The five SMART verdicts from the rules, each with its reason, rewrite and the words it rests on."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from askwell.asks import lexicon as lx
from askwell.asks.coaching.effort import (
    _ALLOCATION,
    BUNDLE_LIMIT,
    DEFAULT_SHARE,
    FAVOUR_CAP_HOURS,
    NO_DEADLINE_CAP_HOURS,
    _split,
    _window_hours,
)
from askwell.asks.coaching.requests import _Request
from askwell.asks.coaching.text import _I, _TOPIC, _TOPIC_END, _clause_quote, _quote
from askwell.asks.coaching.verdicts import AskDraft, CriterionReview, Deliverable, Quote, Status
from askwell.asks.deadlines import Deadline, choose_deadline, find_deadlines
from askwell.asks.effort import describe_hours, find_stated_effort

_VAGUE_ASK = re.compile(lx.VAGUE_ASK, _I | re.MULTILINE)
# Not vague after all: "two small things: (a) ... (b) ...", and the polite "anything else you need".
_NOT_VAGUE = re.compile(
    r"\b(?:two|three|four|five|a few|a couple of|couple of|\d+)\s+(?:small\s+|quick\s+|little\s+|more\s+)?"
    r"things\b|\banything else\b",
    _I,
)
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

    cues = _specific_cues(text, deadline)
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


def _specific_cues(text: str, deadline: Deadline | None) -> list[tuple[str, Quote | None]]:
    """What makes an ask concrete, outside its deadline: a number, a link or quote, a name, a named thing."""

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
    return cues


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

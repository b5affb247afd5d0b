"""The effort an asker states in their own words ("should take ~20 min"), and durations worded for people.

An estimate the asker wrote beats any guess of ours, so coaching quotes it as written. Only a duration
that describes the work counts: "the audit is in 3 days", "CI takes 40 min" and "2 hours a week" are a
deadline, a machine's time and a rate, not the size of the favour.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_I = re.IGNORECASE

_WORD_NUMBERS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty": 40.0,
    "forty-five": 45.0,
    "sixty": 60.0,
    "ninety": 90.0,
    "a few": 3.0,
    "few": 3.0,
    "a couple of": 2.0,
    "a couple": 2.0,
    "couple of": 2.0,
}
# Hours in one unit of each kind; a day of someone's time is a working day.
_UNIT_HOURS = {"min": 1 / 60, "hour": 1.0, "day": 8.0, "week": 40.0}

_NUM = (
    r"\d+(?:\.\d+)?|forty-five|a\s+couple(?:\s+of)?|couple\s+of|a\s+few|few|an?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|fifteen|twenty|thirty|forty|sixty|ninety"
)
_UNIT = r"min(?:ute)?s?|h(?:ou)?rs?|h|hours?|days?|weeks?|wks?"
_DURATION = re.compile(
    r"(?<![\w.,])(?:"
    # "half an hour", "half a day", "half-hour"
    rf"(?P<half>half(?:\s+an?\s+|-|\s+)(?P<half_unit>{_UNIT}))|"
    # "an hour and a half", "a day and a half"
    rf"(?P<and_half>(?P<ah_num>{_NUM})\s+(?P<ah_unit>{_UNIT})\s+and\s+a\s+half)|"
    # "an hour or two", "a day or two"
    rf"(?P<or_more>(?P<om_num>an?|one)\s+(?P<om_unit>{_UNIT})\s+or\s+(?P<om_high>two|three|so))|"
    # "20-30 min", "1 to 2 hours", "two or three days", or one count: "30 minutes", "2h", "a 15-minute"
    rf"(?P<low>{_NUM})(?:\s*(?:-|–|to|or)\s*(?P<high>{_NUM}))?(?:\s*|-)(?P<unit>{_UNIT})"
    r")(?![\w])",
    _I,
)
# Words that hedge a count: "about", "~", "only", "no more than".
_APPROX = re.compile(
    r"(?:(?:\b(?:about|around|roughly|approximately|approx\.?|maybe|perhaps|probably|likely|only|just|"
    r"at\s+most|no\s+more\s+than|not\s+more\s+than|max(?:imum)?|under|less\s+than|a\s+quick|a\s+short|"
    r"a\s+good|an\s+extra|a\s+spare|quick|short)|~|≈)\s*)+$",
    _I,
)
_EFFORT_NOUN = (
    r"(?:your|their|someone's|somebody's|a\s+helper's)?\s*(?:time|work|effort|help|pairing|feedback|review|"
    r"reviewing|input|advice|coaching|mentoring|support|focus|attention)\b"
)
# "it should take", "will only take you": a forecast of the work, the asker's estimate.
_FORECAST = re.compile(
    r"(?:\b(?:should|will|would|might|may|could|can|won't|wouldn't|shouldn't|to)|'ll|'d)\s+"
    r"(?:only\s+|just\s+|probably\s+|likely\s+|really\s+|not\s+)?take"
    r"(?:\s+(?:you|someone|somebody|anyone|anybody|a\s+helper|me|us|them))?(?:\s+(?:more|less)\s+than)?\s*$",
    _I,
)
# "it only takes", "it's", "anyone have", "can you spare": minutes and hours of help, not days of a process
# ("which takes 4 weeks to pay out", "it is a day to celebrate").
_SMALL_LEAD = re.compile(
    r"\b(?:it|this|that)\s+(?:only\s+|just\s+|usually\s+|normally\s+)?takes(?:\s+(?:more|less)\s+than)?\s*$|"
    r"\b(?:it's|it\s+is|that's|that\s+is|this\s+is|(?:should|would|will|might|shouldn't|won't)\s+be|'ll\s+be|"
    r"'d\s+be)\s*$|"
    r"\b(?:spare|lend\s+(?:me|us)|give\s+(?:me|us)|need|borrow|steal|grab|book|ask(?:ing)?\s+for|"
    r"(?:I'd|I\s+would|we'd|we\s+would)\s+(?:like|love)|(?:you|u|anyone|anybody|someone|somebody|one\s+of\s+you)"
    r"\s+(?:\w+\s+)?(?:have|has|got))\s*$",
    _I,
)
# Just after the count. Of the work: "30 min of feedback", "3 days' work", "a week's worth".
_WORK_TRAIL = re.compile(rf"^(?:\s*(?:of|')\s*{_EFFORT_NOUN}|'s\s+worth\b|\s+worth\s+of\s+work\b)", _I)
# A sized meeting ("a 15-minute call") or a cap ("2 hours max").
_SIZED = re.compile(
    r"^(?:\s+|-)(?:call|chat|meeting|session|sync|walkthrough|walk-through|pairing|review|read|look|job|task|"
    r"favou?r|fix|conversation|intro|demo|catch-up|zoom|slot|block)\b",
    _I,
)
_CAP = re.compile(r"^\s*(?:max|tops|at\s+most|at\s+the\s+most|or\s+less|or\s+so)\b", _I)
_CLAUSE_END = re.compile(r"^\s*(?:[.,;:!?)]|$)")
# A count that is not the size of the work: when something happens, how long it went on, or a rate.
_NOT_EFFORT_BEFORE = re.compile(
    r"\b(?:in|within|after|before|by|until|till|next|last|past|every|each|per|than|since|over|from|lasts?|"
    r"lasted|takes|took|eats|ate|drops|dropped|lost|lose|loses|spent|spend|spends|wasted|waste|saves?|saved|"
    r"been|down|out|for|of|at|ago|still|already|miss|missed|missing|off|gone|away|slept|sleep|waited|wait|"
    r"worked|drove|driven|walked)\s*$",
    _I,
)
_NOT_EFFORT_AFTER = re.compile(
    r"^\s*(?:(?:a|an|per|each|every|/)\s*(?:day|week|month|night|shift|weekend|year|sprint)\b|ago\b|later\b|"
    r"left\b|late\b|early\b|before\b|after\b|from\s+now\b|away\b|behind\b|out\b|in\s+a\s+row\b|straight\b|"
    rf"now\b|of\s+(?!{_EFFORT_NOUN}))",
    _I,
)
# "pair with me for an hour" sizes the favour; "down for 2 hours" or "on leave for a week" is a state.
_FOR_WORK = re.compile(
    r"(?<!\bbeen )(?<!\bdown )(?<!\bout )(?<!\boff )(?<!\bleave )(?<!\bstuck )(?<!\bwaiting )(?<!\bgone )"
    r"(?<!\baway )(?<!\bopen )(?<!\bclosed )(?<!\bbroken )(?<!\bfailing )(?<!\brunning )(?<!\boffline )"
    r"(?<!\bhold )(?<!\blive )(?<!\bthere )(?<!\bhere )\bfor\s*$",
    _I,
)
# A compound like "my 2-hour meeting" names the asker's own event, not the favour.
_OWN_EVENT = re.compile(r"\b(?:my|our|his|her|their|the)\s*$", _I)
# "24 hour care", "a 14 hour day": a full unit word in the singular after a count above one describes
# something else, unless a sized meeting follows ("a 2-hour session").
_SINGULAR_UNIT = re.compile(r"^(?:minute|hour|day|week)$", _I)


@dataclass(frozen=True)
class StatedEffort:
    """How long the asker says the work takes: ``text == ask[start:end]``; ``hours`` is the upper bound."""

    text: str
    start: int
    end: int
    hours: float


def _count(word: str) -> float:
    word = re.sub(r"\s+", " ", word.lower())
    if word in _WORD_NUMBERS:
        return _WORD_NUMBERS[word]
    return float(word)


def _unit_hours(unit: str) -> float:
    u = unit.lower()
    if u.startswith("m"):
        return _UNIT_HOURS["min"]
    if u.startswith("h"):
        return _UNIT_HOURS["hour"]
    if u.startswith("d"):
        return _UNIT_HOURS["day"]
    return _UNIT_HOURS["week"]


def _hours(m: re.Match[str]) -> float:
    if m["half"]:
        return 0.5 * _unit_hours(m["half_unit"])
    if m["and_half"]:
        return (_count(m["ah_num"]) + 0.5) * _unit_hours(m["ah_unit"])
    if m["or_more"]:
        high = 2.0 if m["om_high"].lower() in ("two", "so") else 3.0
        return high * _unit_hours(m["om_unit"])
    count = _count(m["high"] or m["low"])
    return count * _unit_hours(m["unit"])


def find_stated_effort(text: str, *, within_request: bool = False) -> StatedEffort | None:
    """The first duration in ``text`` that states the size of the work, with its hedge ("about 30 minutes").

    ``within_request`` says ``text`` is the requested work itself, where "for an hour" sizes the favour
    ("pair with me for an hour"); elsewhere it usually dates a state ("on backorder for three weeks").
    """
    for m in _DURATION.finditer(text):
        if _is_effort(text, m, within_request=within_request):
            hedge = _APPROX.search(text[max(0, m.start() - 60) : m.start()])
            start = m.start() - (len(hedge.group(0)) if hedge else 0)
            start += _lead_space(text, start)
            return StatedEffort(text[start : m.end()], start, m.end(), _hours(m))
    return None


def _is_effort(text: str, m: re.Match[str], *, within_request: bool) -> bool:
    """Whether the duration ``m`` sizes the work: by the words around it, and more strictly for days.

    Minutes and hours are nearly always the favour's size when hedged or offered; days and weeks in an ask
    are more often how long a process, a wait or an absence runs, so they need a forecast ("it'll take
    3 days") or a word for the work ("2 days of work").
    """
    before = text[max(0, m.start() - 60) : m.start()]
    after = text[m.end() : m.end() + 60]
    if _NOT_EFFORT_AFTER.match(after) or _hours(m) <= 0:
        return False
    hedge = _APPROX.search(before)
    rest = before[: len(before) - len(hedge.group(0))] if hedge else before
    unit = m["unit"] or m["half_unit"] or m["ah_unit"] or m["om_unit"] or ""
    small = unit.lower().startswith(("m", "h"))
    count = m["high"] or m["low"]
    if count and _SINGULAR_UNIT.match(unit) and _count(count) > 1 and not _SIZED.match(after):
        return False
    if _FORECAST.search(rest) or (within_request and _FOR_WORK.search(rest)):
        return True
    if _WORK_TRAIL.match(after):
        return not _NOT_EFFORT_BEFORE.search(rest)
    if not small:
        return False
    if _SMALL_LEAD.search(rest):
        return True
    if _SIZED.match(after) or _CAP.match(after):
        return not (_NOT_EFFORT_BEFORE.search(rest) or _OWN_EVENT.search(rest))
    # A hedged count standing alone at the end of a clause: "walk me through it? About 30 minutes."
    standalone = hedge is not None and hedge.group(0).strip().lower() not in (
        "only",
        "just",
        "quick",
        "short",
    )
    return standalone and bool(_CLAUSE_END.match(after)) and not _NOT_EFFORT_BEFORE.search(rest)


def _lead_space(text: str, start: int) -> int:
    piece = text[start:]
    return len(piece) - len(piece.lstrip())


def describe_hours(hours: float, *, exact: bool = False) -> str:
    """Hours worded as people say them: "about 15 minutes", "about 2 hours", "about 3 working days".

    ``exact`` words a figure the author typed into the form ("1.5 hours"); otherwise the figure is our
    rough estimate and is rounded and hedged, never shown as "2.0 h".
    """
    if math.isinf(hours):
        return "open-ended time"
    if exact:
        if hours < 1:
            minutes = max(1, round(hours * 60))
            return f"{minutes} minute" + ("s" if minutes != 1 else "")
        figure = f"{hours:g}"
        return f"{figure} hour" + ("s" if hours != 1 else "")
    if hours < 1:
        minutes = max(5, round(hours * 60 / 5) * 5)
        if minutes == 30:
            return "about half an hour"
        if minutes >= 60:
            return "about an hour"
        return f"about {minutes} minutes"
    if hours < 1.25:
        return "about an hour"
    if hours < 1.75:
        return "about an hour and a half"
    if hours < 7.5:
        return f"about {round(hours)} hours"
    days = hours / 8
    if days < 1.5:
        return "about a working day"
    if days < 10:
        return f"about {round(days)} working days"
    weeks = hours / 40
    return f"about {round(weeks)} working weeks"

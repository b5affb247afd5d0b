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
# Just before the count (hedges removed): the work will take it, is it, or someone is asked to give it.
_LEAD_CUE = re.compile(
    r"(?:\b(?:should|will|would|might|may|could|can|won't|wouldn't|shouldn't|to|it|this|that|which)\s+"
    r"(?:only\s+|just\s+|probably\s+|likely\s+|usually\s+|normally\s+|really\s+|not\s+)?takes?|'ll\s+take|"
    r"'d\s+take)(?:\s+(?:you|someone|somebody|anyone|anybody|a\s+helper|me|us|them))?(?:\s+(?:more|less)\s+than)?"
    r"\s*$|"
    r"\b(?:it's|it\s+is|that's|that\s+is|this\s+is|(?:should|would|will|might|shouldn't|won't)\s+be|'ll\s+be|"
    r"'d\s+be)\s*$|"
    r"\b(?:spare|lend\s+(?:me|us)|give\s+(?:me|us)|need|needs|borrow|steal|grab|book|ask(?:ing)?\s+for|"
    r"(?:I'd|I\s+would|we'd|we\s+would)\s+(?:like|love)|(?:you|u|anyone|anybody|someone|somebody|one\s+of\s+you)"
    r"\s+(?:\w+\s+)?(?:have|has|got))\s*$",
    _I,
)
# Just after the count: what the time is for ("30 min of feedback", "a 15-minute call", "2 hours max").
_TRAIL_CUE = re.compile(
    r"^(?:\s*(?:of|')\s*(?:your|their|someone's|somebody's|a\s+helper's|my|our)?\s*(?:time|work|effort|help|"
    r"pairing|feedback|review|reviewing|input|advice|coaching|mentoring|support|focus|attention)\b|"
    r"(?:\s+|-)(?:call|chat|meeting|session|sync|walkthrough|walk-through|pairing|review|read|look|job|task|"
    r"favou?r|fix|conversation|intro|demo|catch-up|zoom|slot|block)\b|"
    r"\s*(?:max|tops|at\s+most|at\s+the\s+most|or\s+less|or\s+so)\b|'s\s+worth\b|\s+worth\s+of\s+work\b)",
    _I,
)
# A count that is not the size of the work: when something happens, how long it went on, or a rate.
_NOT_EFFORT_BEFORE = re.compile(
    r"\b(?:in|within|after|before|by|until|till|next|last|past|every|each|per|than|since|over|from|lasts?|"
    r"lasted|takes|took|eats|ate|drops|dropped|lost|lose|loses|spent|spend|spends|wasted|waste|saves?|saved|"
    r"been|down|out|for|of|at|ago|still|already)\s*$",
    _I,
)
_NOT_EFFORT_AFTER = re.compile(
    r"^\s*(?:(?:a|an|per|each|every|/)\s*(?:day|week|month|night|shift|weekend|year|sprint)\b|ago\b|later\b|"
    r"left\b|late\b|early\b|before\b|after\b|from\s+now\b|away\b|behind\b|out\b|in\s+a\s+row\b|straight\b|"
    r"now\b|of\s+(?!(?:your|their|someone's|somebody's|a\s+helper's)?\s*(?:time|work|effort|help|pairing|"
    r"feedback|review|reviewing|input|advice|coaching|mentoring|support|focus|attention)\b))",
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
        before = text[max(0, m.start() - 60) : m.start()]
        after = text[m.end() : m.end() + 60]
        hedge = _APPROX.search(before)
        start = m.start() - (len(hedge.group(0)) if hedge else 0)
        # A hedge may stand alone before the count: "... the deploy script, about 30 minutes".
        rest = before[: len(before) - len(hedge.group(0))] if hedge else before
        if _NOT_EFFORT_AFTER.match(after):
            continue
        if _LEAD_CUE.search(rest) or (within_request and _FOR_WORK.search(rest)):
            pass
        elif _TRAIL_CUE.match(after):
            if _NOT_EFFORT_BEFORE.search(rest) or _OWN_EVENT.search(rest):
                continue
        elif (
            hedge is None
            or hedge.group(0).strip().lower() in ("only", "just", "quick", "short")
            or _NOT_EFFORT_BEFORE.search(rest)
        ):
            continue
        hours = _hours(m)
        if hours <= 0:
            continue
        return StatedEffort(text[start : m.end()].strip(), start + _lead_space(text, start), m.end(), hours)
    return None


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

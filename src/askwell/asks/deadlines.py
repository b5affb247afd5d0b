"""Finds the deadline in an ask's own words and resolves it in the author's timezone."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from askwell.core.clock import local_at

DeadlineKind = Literal["date", "milestone", "vague"]

# When an ask names a day but no hour, the helper plans around the end of the working day.
END_OF_DAY = time(17, 0)
TONIGHT = time(20, 0)
MIDNIGHT = time(23, 59)
# A month-day that fell at most this long ago is read as a (mistaken) past date, not next year's.
RECENT_PAST_DAYS = 60


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase: its span in the text and, for real dates, the aware moment it names."""

    text: str
    start: int
    end: int
    kind: DeadlineKind
    when: datetime | None = None
    past: bool = False
    # "this morning", "this month" with no "by" or "before" may say when something happened ("three tickets
    # this morning"), so it is a deadline only inside the request itself.
    loose: bool = False
    # Led by a deadline word ("by", "before", "until", "due"): the asker's own deadline, not an event's date.
    prefixed: bool = False


_NUM_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple of": 2,
    "few": 3,
}
_WEEKDAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
# Lower-case words that are usually verbs, not dates ("I sat", "they may").
_AMBIGUOUS_WORDS = frozenset({"sat", "sun", "wed", "mar", "may", "jan"})
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}

_WD = (
    r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(\d{1,2})(?:st|nd|rd|th)"
_NUM = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple of|few)"
_UNIT = r"(min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?)"

_I = re.IGNORECASE
# A figure starts a date or a time only where a number starts: "3/4" in "0.3/4" or "15 May" in "1,15 May"
# are the tail of another number, and a deadline quoted from the middle of it says what nobody wrote.
_WHOLE = r"(?<![\d.,:/])"
# Day anchors: each resolves to a calendar date (and sometimes a time of day).
_ISO = re.compile(_WHOLE + r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SLASH = re.compile(_WHOLE + r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_MONTH_DAY = re.compile(rf"\b({_MON})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", _I)
_DAY_MONTH = re.compile(
    rf"{_WHOLE}\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MON})\b(?:,?\s+(\d{{4}}))?", _I
)
_WEEKDAY_ORD = re.compile(rf"\b(?:(this|next)\s+)?({_WD})\.?,?\s+the\s+{_ORD}\b", _I)
_ORDINAL = re.compile(
    rf"\bthe\s+{_ORD}\b(?!-\w)(?!\s+(?:floor|time|grade|percentile|place|row|round|attempt|version|edition|step|"
    r"page|line|item|person|one|century|birthday|anniversary)\b)",
    _I,
)
_WEEKDAY = re.compile(rf"\b(?:(this|next|coming)\s+)?({_WD})\b(?!'s)", _I)
# "before Thursday's review" names a day; a bare "Friday's meeting" may be one that already happened.
_WEEKDAY_POSSESSIVE = re.compile(
    rf"\b(?:by|before|ahead of|in time for|until|till|during|at|on)\s+(?:(this|next|coming)\s+)?({_WD})'s\b",
    _I,
)
# "this" counts as today when a part of the day follows ("this afternoon"): the time piece joins it.
_RELATIVE_DAY = re.compile(
    r"\b(today|tonight|tomorrow|tomorow|tmrw|tmr|tmrow|this(?=\s+(?:morning|afternoon|evening)\b))\b", _I
)
_PERIOD = re.compile(
    r"\b(?:(end\s+of|eo)\s*(?:the\s+)?)?(this|next|the)\s+(week(?:end)?|month|quarter|year)\b", _I
)
_END_OF = re.compile(
    r"\b(?:end\s+of|eo|(?:for\s+)?the\s+rest\s+of)\s*(?:the\s+|this\s+)?(week|month|quarter|year)\b|\beo([wmqy])\b",
    _I,
)
# "in the next hour": one of the unit, counted from now.
_NEXT_UNIT = re.compile(r"\b(?:in|within)\s+the\s+next\s+(hour|day|week)\b", _I)
# "by the end of Q1": the last day of that quarter, this year or, once it is well past, next year.
# "through end of September": the last day of that month.
_END_OF_MONTH = re.compile(rf"\b(?:end\s+of|eo)\s*(?:the\s+month\s+of\s+)?({_MON})\b", _I)
_END_OF_QUARTER = re.compile(r"\b(?:end\s+of|eo)\s*(?:the\s+)?q([1-4])\b", _I)
_IN_SPAN = re.compile(rf"\b(?:in|within the next|for the next|in the next)\s+{_NUM}\s+{_UNIT}\b", _I)
_IN_MONTH = re.compile(
    rf"\b(?:in|by|before|until|till)\s+(?:early\s+|mid-?\s*|late\s+)?({_MON})\b(?!\s+\d)", _I
)
_BY_YEAR = re.compile(r"\b(?:by|before|until|in)\s+((?:19|20)\d{2})\b(?![-/.]\d)", _I)
# Times of day, merged with an adjacent day anchor or read as today when introduced by "by".
_TIME = re.compile(
    _WHOLE
    + r"\b(\d{1,2})(?::(\d{2}))?(\s*(?:am|pm|a\.m\.|p\.m\.)|a|p)\b|\b(noon|midday|midnight|eod|cob|eob|end\s+of\s+(?:the\s+)?"
    r"(?:business\s+|work\s+)?day|(?:in\s+the\s+)?morning|afternoon|evening|tonight)\b",
    _I,
)
# A 24-hour clock time ("due at 14:00").
_CLOCK_24 = re.compile(
    r"\b(?:at|by|before|until)\s+([01]?\d|2[0-3]):([0-5]\d)\b(?!\s*(?:am|pm|a\.m\.|p\.m\.))", _I
)
_BARE_HOUR = re.compile(
    r"\b(?:at|before|by|until|till)\s+(\d{1,2})(?::(\d{2}))?\b(?!\s*(?:%|am|pm|a\b|p\b|[-/.:]\d))"
    # A count ("by 5 teams") is not an hour: the number must end the phrase.
    r"(?=\s*(?:$|[.,;:!?)]|(?:today|tomorrow|tonight|on|at|and|so|please|pls|thx|thanks|if|or|latest|sharp)\b))",
    _I,
)
_VAGUE = re.compile(
    r"\b(asap|a\.s\.a\.p\.?|as soon as (?:possible|you can)|soon(?:ish)?|sometime|some time|at some point|"
    r"when(?:ever)? you (?:get a chance|have (?:a sec|time|a minute))|"
    r"eventually|one of these days|in the near future)\b",
    _I,
)
_MILESTONE = re.compile(
    r"\b(?:before|by|ahead of|prior to|in time for)\s+(?:the\s+|our\s+|my\s+|next\s+)*"
    r"((?:q[1-4]\s+)?(?:sprint\s+planning|planning|stand-?up|retro(?:spective)?|all-?hands|offsite|kick-?off|"
    r"launch|go-live|release|code\s+freeze|board\s+meeting|steering\s+committee|sprint\s+review))\b|"
    # The team's own timebox: "this sprint", "by the end of the sprint".
    r"\b(?:(?:by|before)\s+(?:the\s+)?end\s+of\s+(?:the|this)\s+sprint|(?:with)?in\s+(?:this|the\s+current)\s+sprint|"
    r"this\s+sprint)\b",
    _I,
)
_EVENT = re.compile(r"\bbefore\s+(?:they|we|I|you|he|she|it)\s+\w+(?:\s+\w+)?", _I)
_DEADLINE_WORD = re.compile(r"\b(?:by|before|until|till|due)\s+$", _I)
_DUE_ON = re.compile(r"\b(?:due|submitted|delivered|ready|done)\s+$", _I)
_PREFIX = re.compile(
    r"\b(?:by|before|until|till|til|due|on|no later than|ahead of|in time for|for)\s+(?:the\s+|my\s+|our\s+)?$|"
    # A clock time after "at" inside a sentence with "before" ("before their SLA breaches at 1pm").
    r"\bbefore\b[^.?!]{1,40}\bat\s+$|"
    r"(?:\beod\s+|\bend\s+of\s+(?:the\s+)?day\s+)$",
    _I,
)
# Phrases that point backwards in time are context, not deadlines.
_PAST_CUE = re.compile(r"\b(?:last|since|after|from|ago|past|previous)\s+(?:the\s+)?$", _I)
_JOINER = re.compile(r"^(?:\s*(?:,|at|on|the|of|-|–)?\s*)$", _I)


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    day: date | None
    clock: time | None
    period_end: bool = False
    # "today" and "tonight" run to midnight: said late in the day they mean "before I sleep", not a past time.
    rest_of_day: bool = False
    # A calendar date ("Feb 28", "2025-02-28") outranks a weekday beside it ("Friday, Feb 28").
    explicit: bool = False


def find_deadline(text: str, *, now: datetime, tz: ZoneInfo) -> Deadline | None:
    """The deadline the helper should plan around: the earliest future date, else a milestone or vague word.

    Earliest wins because an ask that mentions several dates ("by Wednesday the 12th; I present on
    the 14th") needs the help before the first of them. A deadline that has already passed is still
    returned (flagged) when it is the only date, so the review can point at it.
    """
    return choose_deadline(find_deadlines(text, now=now, tz=tz), now=now)


def choose_deadline(found: list[Deadline], *, now: datetime) -> Deadline | None:
    """The one deadline among ``found`` that the helper should plan around (see ``find_deadline``)."""
    dated = [d for d in found if d.kind == "date" and d.when is not None]
    future = [d for d in dated if not d.past]
    if future:
        return min(future, key=lambda d: d.when or now)
    for kind in ("milestone",):
        for d in found:
            if d.kind == kind:
                return d
    if dated:
        return max(dated, key=lambda d: d.when or now)
    vague = [d for d in found if d.kind == "vague"]
    return vague[0] if vague else None


def find_deadlines(text: str, *, now: datetime, tz: ZoneInfo) -> list[Deadline]:
    """Every deadline-like phrase in ``text``, in order of appearance."""
    local_now = now.astimezone(tz)
    pieces = _day_pieces(text, local_now) + _time_pieces(text)
    pieces = [p for p in pieces if not _PAST_CUE.search(text[max(0, p.start - 12) : p.start])]
    out = [_resolve(text, group, local_now, tz) for group in _cluster(text, pieces)]
    taken = [(d.start, d.end) for d in out if d is not None]
    result = [d for d in out if d is not None]
    phrases: tuple[tuple[re.Pattern[str], DeadlineKind], ...] = (
        (_MILESTONE, "milestone"),
        (_EVENT, "vague"),
        (_VAGUE, "vague"),
    )
    for regex, kind in phrases:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            result.append(
                Deadline(
                    text=m.group(0), start=m.start(), end=m.end(), kind=kind, prefixed=kind == "milestone"
                )
            )
    return sorted(result, key=lambda d: d.start)


def _day_pieces(text: str, now: datetime) -> list[_Piece]:
    today = now.date()
    pieces: list[_Piece] = []
    for m in _ISO.finditer(text):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            pieces.append(_Piece(m.start(), m.end(), d, None, explicit=True))
    for m in _SLASH.finditer(text):
        year = int(m[3]) + (2000 if m[3] and len(m[3]) == 2 else 0) if m[3] else None
        d = _month_day(int(m[1]), int(m[2]), year, today)
        if d:
            pieces.append(_Piece(m.start(), m.end(), d, None, explicit=True))
    for m in _MONTH_DAY.finditer(text):
        if m[1] in _AMBIGUOUS_WORDS:
            continue
        d = _month_day(_MONTHS[m[1][:3].lower()], int(m[2]), int(m[3]) if m[3] else None, today)
        if d:
            pieces.append(_Piece(m.start(), m.end(), d, None, explicit=True))
    for m in _DAY_MONTH.finditer(text):
        d = _month_day(_MONTHS[m[2][:3].lower()], int(m[1]), int(m[3]) if m[3] else None, today)
        if d:
            pieces.append(_Piece(m.start(), m.end(), d, None, explicit=True))
    for m in _WEEKDAY_ORD.finditer(text):
        pieces.append(_Piece(m.start(), m.end(), _next_day_of_month(int(m[3]), today), None))
    for m in _ORDINAL.finditer(text):
        pieces.append(_Piece(m.start(), m.end(), _next_day_of_month(int(m[1]), today), None))
    for m in _WEEKDAY.finditer(text):
        if m[2] in _AMBIGUOUS_WORDS and not _DEADLINE_WORD.search(text[max(0, m.start() - 12) : m.start()]):
            continue  # "sat" and "wed" are words too, unless a deadline word leads them ("before wed EOD")
        pieces.append(_Piece(m.start(), m.end(), _weekday(m[1], m[2], today), None))
    for m in _WEEKDAY_POSSESSIVE.finditer(text):
        start = m.start(1) if m[1] else m.start(2)
        pieces.append(_Piece(start, m.end(2), _weekday(m[1], m[2], today), None))
    for m in _RELATIVE_DAY.finditer(text):
        word = m[1].lower()
        day = today if word in ("today", "tonight", "this") else today + timedelta(days=1)
        clock = TONIGHT if word == "tonight" else None
        pieces.append(_Piece(m.start(), m.end(), day, clock, rest_of_day=word in ("today", "tonight")))
    for m in _PERIOD.finditer(text):
        if m[2].lower() == "the" and not m[1]:
            continue
        pieces.append(_Piece(m.start(), m.end(), _period_end(m[2].lower(), m[3].lower(), today), None, True))
    for m in _END_OF.finditer(text):
        unit = (m[1] or {"w": "week", "m": "month", "q": "quarter", "y": "year"}[m[2].lower()]).lower()
        pieces.append(_Piece(m.start(), m.end(), _period_end("this", unit, today), None, True))
    for m in _IN_MONTH.finditer(text):
        month = _MONTHS[m[1][:3].lower()]
        year = today.year if month > today.month else today.year + 1
        pieces.append(_Piece(m.start(), m.end(), date(year, month, 1), time(9, 0)))
    for m in _IN_SPAN.finditer(text):
        moment = _span_end(m, now)
        pieces.append(_Piece(m.start(), m.end(), moment.date(), moment.time()))
    for m in _NEXT_UNIT.finditer(text):
        step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}[
            m[1].lower()
        ]
        moment = now + step
        pieces.append(_Piece(m.start(), m.end(), moment.date(), moment.time()))
    for m in _END_OF_MONTH.finditer(text):
        month = _MONTHS[m[1][:3].lower()]
        year = today.year if month >= today.month else today.year + 1
        pieces.append(
            _Piece(m.start(), m.end(), date(year, month, calendar.monthrange(year, month)[1]), None, True)
        )
    for m in _END_OF_QUARTER.finditer(text):
        month = int(m[1]) * 3
        year = today.year
        if date(year, month, calendar.monthrange(year, month)[1]) < today - timedelta(days=RECENT_PAST_DAYS):
            year += 1
        pieces.append(
            _Piece(m.start(), m.end(), date(year, month, calendar.monthrange(year, month)[1]), None, True)
        )
    for m in _BY_YEAR.finditer(text):
        pieces.append(_Piece(m.start(), m.end(), date(int(m[1]), 1, 1), time(0, 0)))
    return _drop_nested(pieces)


def _time_pieces(text: str) -> list[_Piece]:
    pieces = []
    for m in _TIME.finditer(text):
        if m[4]:
            word = m[4].lower()
            clock = {
                "noon": time(12, 0),
                "midday": time(12, 0),
                "midnight": MIDNIGHT,
                "afternoon": time(17, 0),
                "evening": time(19, 0),
                "tonight": TONIGHT,
            }.get(word, time(9, 0) if "morning" in word else END_OF_DAY)
        else:
            hour = int(m[1]) % 12 + (12 if m[3].strip().lower().startswith("p") else 0)
            if hour > 23 or int(m[2] or 0) > 59:
                continue
            clock = time(hour, int(m[2] or 0))
        pieces.append(_Piece(m.start(), m.end(), None, clock))
    for m in _CLOCK_24.finditer(text):
        if int(m[1]) > 12:
            start = m.start() if m.group(0).lower().startswith("at") else m.start(1)
            pieces.append(_Piece(start, m.end(), None, time(int(m[1]), int(m[2]))))
    for m in _BARE_HOUR.finditer(text):
        hour = int(m[1])
        if 1 <= hour <= 12:
            # Working-hours reading: "at 9" is 9am, "at 3" is 3pm.
            # "before 10" keeps its deadline word outside the piece, so it reads as the prefix.
            start = m.start() if m.group(0).lower().startswith("at") else m.start(1)
            pieces.append(_Piece(start, m.end(), None, time(hour + (12 if hour < 7 else 0), int(m[2] or 0))))
    return _drop_nested(pieces)


def _drop_nested(pieces: list[_Piece]) -> list[_Piece]:
    pieces.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[_Piece] = []
    for p in pieces:
        if kept and p.start < kept[-1].end:
            continue
        kept.append(p)
    return kept


def _cluster(text: str, pieces: list[_Piece]) -> list[list[_Piece]]:
    """Groups pieces that sit next to each other ("4pm tomorrow", "Friday at 10am", "Sat 3/22")."""
    pieces = sorted(pieces, key=lambda p: p.start)
    groups: list[list[_Piece]] = []
    for p in pieces:
        if groups and p.start >= groups[-1][-1].end and _JOINER.match(text[groups[-1][-1].end : p.start]):
            groups[-1].append(p)
        elif groups and p.start < groups[-1][-1].end:
            continue
        else:
            groups.append([p])
    return groups


def _resolve(text: str, group: list[_Piece], now: datetime, tz: ZoneInfo) -> Deadline | None:
    days = [p for p in group if p.day is not None]
    clocks = [p.clock for p in group if p.day is None and p.clock is not None]
    start, end = group[0].start, group[-1].end
    prefix = _PREFIX.search(text[max(0, start - 50) : start])
    if not days:
        if not clocks or not (prefix or text[start:end].lower().startswith("at ")):
            return None
        clock = clocks[0]
        day = now.date() if clock > now.time() else now.date() + timedelta(days=1)
    else:
        # The most specific day wins: an explicit date over a weekday over "this week".
        best = min(
            days, key=lambda p: (p.period_end, not p.explicit, p.clock is not None, -(p.end - p.start))
        )
        day = best.day or now.date()
        clock = clocks[0] if clocks else (best.clock or END_OF_DAY)
        if not clocks and best.rest_of_day and day == now.date() and clock < now.time():
            clock = MIDNIGHT
    if prefix:
        start -= len(prefix.group(0))
    when = local_at(day, clock, tz)
    loose = prefix is None and text[start:end].lower().startswith("this ")
    return Deadline(
        text=text[start:end],
        start=start,
        end=end,
        kind="date",
        when=when,
        past=when < now,
        loose=loose,
        prefixed=_is_deadline_word(prefix, text[:start]),
    )


def _is_deadline_word(prefix: re.Match[str] | None, before: str) -> bool:
    """ "by", "before", "due on" set a deadline; a bare "on" or "for" dates an event ("expires on the 14th")."""
    if prefix is None:
        return False
    return prefix.group(0).split()[0].lower() not in ("on", "for") or bool(_DUE_ON.search(before))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(month: int, day: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    d = _safe_date(today.year, month, day)
    if d is None:
        return None
    if d < today and (today - d).days > RECENT_PAST_DAYS:
        return _safe_date(today.year + 1, month, day)
    return d


def _next_day_of_month(day: int, today: date) -> date | None:
    year, month = today.year, today.month
    for _ in range(12):
        d = _safe_date(year, month, day)
        if d and d >= today:
            return d
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday(which: str | None, name: str, today: date) -> date:
    """Bare "Friday" is the next Friday after today; "next Friday" is the Friday of next week."""
    target = _WEEKDAYS[name[:3].lower()]
    if which and which.lower() == "next":
        monday_next = today + timedelta(days=7 - today.weekday())
        return monday_next + timedelta(days=target)
    ahead = (target - today.weekday()) % 7
    if which and which.lower() == "this":
        return today + timedelta(days=ahead)
    return today + timedelta(days=ahead or 7)


def _period_end(which: str, unit: str, today: date) -> date:
    shift = 1 if which == "next" else 0
    if unit in ("week", "weekend"):
        friday = today + timedelta(days=(4 - today.weekday()) % 7 + 7 * shift)
        return friday + timedelta(days=2) if unit == "weekend" else friday
    if unit == "month":
        month_index = today.month - 1 + shift
        year, month = today.year + month_index // 12, month_index % 12 + 1
        return date(year, month, calendar.monthrange(year, month)[1])
    if unit == "quarter":
        q_index = (today.month - 1) // 3 + shift
        year, q = today.year + q_index // 4, q_index % 4
        month = q * 3 + 3
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(today.year + shift, 12, 31)


def _span_end(m: re.Match[str], now: datetime) -> datetime:
    """Minutes and hours count from now; days and longer land at the end of that working day."""
    count = _NUM_WORDS.get(m[1].lower()) or int(m[1])
    unit = m[2].lower()
    if unit.startswith("min"):
        return now + timedelta(minutes=count)
    if unit.startswith("h"):
        return now + timedelta(hours=count)
    days = {"d": 1, "w": 7, "m": 30}[unit[0]]
    return local_at(now.date() + timedelta(days=days * count), END_OF_DAY, now.tzinfo or UTC)

"""Curated phrases: what a person wrote about themselves (skills, "I can help with"), tags and ask titles,
found in a need as whole phrases, so that every explanation speaks in terms a person actually chose.

Pure: strings in, strings out. Explanations never show a stem, a stop word or a number cut out of
free text; they show a phrase exactly as its author wrote it, when the need contains that phrase
(case-insensitive, whole words, simple plurals folded: "dashboard" finds "Dashboards").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bm25s.stopwords import STOPWORDS_EN_PLUS

#: Words any request or offer uses whatever its topic: they say how people ask, not what about.
REQUEST_WORDS = frozenset(
    [
        "help",
        "helps",
        "helped",
        "helping",
        "helpful",
        "need",
        "needs",
        "needed",
        "question",
        "questions",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "thanks",
        "thank",
        "thankful",
        "please",
        "happy",
        "glad",
        "favour",
        "favor",
        "appreciate",
        "appreciated",
        "hi",
        "hello",
        "hey",
        "ask",
        "asks",
        "asked",
        "asking",
        "ping",
        "pinged",
        "chat",
        "talk",
        "lot",
        "lots",
        "done",
        "love",
        "would",
        "could",
        "thoughts",
        "idea",
        "ideas",
        "around",
        "stuck",
        "quick",
    ]
)
#: Scheduling words: when help is needed, never what it is about.
TIME_WORDS = frozenset(
    [
        "today",
        "tomorrow",
        "tonight",
        "yesterday",
        "asap",
        "eod",
        "eow",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "noon",
        "midnight",
        "morning",
        "afternoon",
        "evening",
        "time",
        "anytime",
        "week",
        "weeks",
        "weekend",
        "day",
        "days",
    ]
)
#: Everyday verbs that open a request ("go over", "get", "take a look"). Shown terms only: they stay
#: searchable, since a skill can be spelled the same ("Go").
EVERYDAY_VERBS = frozenset(["go", "get", "make", "take", "look", "see", "put", "set", "run", "give"])
FILLER = (
    frozenset(STOPWORDS_EN_PLUS)
    | REQUEST_WORDS
    | TIME_WORDS
    | EVERYDAY_VERBS
    | {"i", "i'm", "i've", "i'd", "i'll", "you"}
)

# A word keeps its inner marks ("on-call", "CI/CD", "P&L", "C++", "I've"); sentences split elsewhere.
_WORD = re.compile(r"[^\W_](?:[\w'’+#&/-]*[\w+#])?")
_CLAUSE = re.compile(r"[,;:!?()\n]+|\.(?=\s|$)|\s(?:and|or|&)\s|\s[-–—]\s", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+[+#]*")


def _singular(token: str) -> str:
    """Simple plural forms meet their singular ("dashboards", "policies", "boxes"); nothing else is cut."""
    if len(token) <= 3 or not token.isalpha() or token.endswith(("ss", "us", "is")):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("xes", "ches", "shes", "sses")):
        return token[:-2]
    if token.endswith("s"):
        return token[:-1]
    return token


def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased words with plurals folded: the form in which phrases are compared, never shown."""
    return tuple(_singular(t) for t in _TOKEN.findall(text.casefold().replace("’", "'").replace("'s ", " ")))


def is_filler(word: str) -> bool:
    folded = word.casefold().replace("’", "'")
    return folded in FILLER or folded.isdigit() or (len(folded) < 2 and not folded.isalpha())


def help_phrases(text: str) -> list[str]:
    """The topics of a free "I can help with" text, as written: clauses with the words around them trimmed.

    "Happy to help with debugging a flaky deploy pipeline and on-call handovers; ping me any time."
    gives "debugging a flaky deploy pipeline" and "on-call handovers". A clause of filler only gives
    nothing. Openers such as "I can pair with you on" end where the first topical word begins.
    """
    found: list[str] = []
    for clause in _CLAUSE.split(text):
        words = list(_WORD.finditer(clause))
        # An opener ("Happy to help with", "I can pair with you on") ends at its first "with/on/about/of"
        # when at most one topical-looking word ("pair") came before it.
        start = 0
        opener = next((i for i, m in enumerate(words) if m.group().casefold() in _OPENER_ENDS), None)
        if opener is not None and sum(not is_filler(m.group()) for m in words[:opener]) <= 1:
            start = opener + 1
        content = [i for i in range(start, len(words)) if not is_filler(words[i].group())]
        if not content:
            continue
        phrase = clause[words[content[0]].start() : words[content[-1]].end()].strip()
        if phrase.casefold() not in {p.casefold() for p in found}:
            found.append(phrase)
    return found


# The last word of an opener such as "I can pair with you on", "Ask me about", "I've done a lot of".
_OPENER_ENDS = frozenset({"about", "on", "with", "of"})


@dataclass(frozen=True)
class Need:
    """A need as phrases are looked for in it: its words, and its tags (the asker's own curated terms)."""

    words: tuple[str, ...]
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, *, text: str, tags: Sequence[str] = ()) -> Need:
        return cls(tokens(" ".join([text, *tags])), tuple(t for t in tags if t.strip()))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def contains(text: str, phrase: str) -> bool:
    """``phrase`` occurs whole in ``text`` (words compared as ``tokens`` does)."""
    return _contains(tokens(text), tokens(phrase))


def topical(phrase: str) -> bool:
    """A phrase says something about a topic: at least one word is not filler (and not a number)."""
    return any(not is_filler(m.group()) for m in _WORD.finditer(phrase))


def in_need(phrase: str, need: Need) -> bool:
    """The whole phrase occurs in the need; a phrase of common words only ("Go") must be one of its tags."""
    wanted = tokens(phrase)
    if not wanted:
        return False
    if not topical(phrase):
        return any(tokens(tag) == wanted for tag in need.tags)
    return _contains(need.words, wanted)


def matches(need: Need, phrases: Iterable[str]) -> list[str]:
    """Curated terms to show for one person, in the author's spelling, in the order given, no duplicates.

    ``phrases`` are the person's own (skills, "I can help with" phrases, tags and titles of asks they
    helped with): each is shown when the need contains it whole. A tag of the need found inside one of
    them is shown too, in the asker's spelling ("SQL" in "untangling a slow SQL query").
    """
    shown: list[str] = []
    seen: set[tuple[str, ...]] = set()

    def add(term: str) -> None:
        key = tokens(term)
        if key and key not in seen:
            seen.add(key)
            shown.append(term.strip())

    own = [p for p in phrases if p.strip()]
    for phrase in own:
        if in_need(phrase, need):
            add(phrase)
    inside = [tokens(p) for p in own]
    for tag in need.tags:
        wanted = tokens(tag)
        if (topical(tag) and any(_contains(h, wanted) for h in inside)) or any(h == wanted for h in inside):
            add(tag)
    return shown

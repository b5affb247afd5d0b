"""Sentences and quotes: whatever the review quotes back is a span of the text under review, widened to whole words."""

from __future__ import annotations

import re
from collections.abc import Callable

from askwell.asks.coaching.verdicts import Quote

_I = re.IGNORECASE
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+|$)")
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_TOPIC = re.compile(r"\b(?:on|about|with|for|at|over|through|to)\s+([^?.!,]{3,})", _I)
_TOPIC_END = re.compile(r"\s+\b(?:by|before|until|so|because|since|if|when)\b.*$", _I)


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

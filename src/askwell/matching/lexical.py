"""Lexical retrieval: BM25 (via bm25s) over people's expertise texts, with our own light tokeniser."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS

from askwell.network.phrases import REQUEST_WORDS, TIME_WORDS

# Request and scheduling words ("help", "need", "question", "Thursday", "minutes") are in every ask and
# many profiles ("Happy to help with ..."), so matching on them ranked anyone who ever helped.
STOP_WORDS = frozenset(STOPWORDS_EN_PLUS) | REQUEST_WORDS | TIME_WORDS
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")

# Longest suffix first; each rule keeps a stem of at least three letters so "bus" and "ale" survive.
_SUFFIXES = (
    ("fulness", "ful"),
    ("iveness", "ive"),
    ("ingly", ""),
    ("ations", ""),
    ("ation", ""),
    ("ments", "ment"),
    ("sses", "ss"),
    ("ies", "y"),
    ("ing", ""),
    ("ers", "er"),
    ("ed", ""),
    ("es", "e"),
    ("ly", ""),
    ("s", ""),
)


def light_stem(word: str) -> str:
    """Fold plurals and common verb endings (bm25s ships no stemmer; PyStemmer would be a new dependency).

    Deliberately conservative: merging "brewing"/"brewed"/"brews" matters, over-stemming hurts names.
    """
    if len(word) <= 3 or not word.isalpha() or word.endswith("ss"):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + replacement
            # "hopped" -> "hop", "planning" -> "plan": undo the doubled consonant of the -ed/-ing forms.
            if replacement == "" and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]
            # "carbonated" -> "carbonate", as the bare word stems; Porter's step 1b does the same.
            elif suffix in ("ed", "ing") and stem.endswith(("at", "iz", "bl")):
                stem += "e"
            return stem
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased word stems without stop words; the same function serves documents and queries.

    Bare numbers stay: a version or a count can be what a technical question is about (dropping them
    cost routing MRR on Stack Exchange), and they are never shown to a person (``network.phrases``).
    """
    return [light_stem(token) for token in _WORD.findall(text.lower()) if token not in STOP_WORDS]


class LexicalIndex:
    """An immutable BM25 index over one text per id; rebuilt when texts change (it takes milliseconds)."""

    def __init__(self, ids: Sequence[Hashable], texts: Sequence[str]) -> None:
        if len(ids) != len(texts):
            raise ValueError("ids and texts must have the same length")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique")
        self.ids: list[Hashable] = list(ids)
        self._retriever = bm25s.BM25()
        tokens = [tokenize(text) for text in texts]
        # bm25s cannot index a corpus without a single token (an organization whose profiles are all
        # empty): such an index matches nothing, like an empty one.
        self._indexed = any(tokens)
        if self._indexed:
            self._retriever.index(tokens, show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document in id order (zeros where no query term occurs)."""
        if not self._indexed:
            return np.zeros(len(self.ids), dtype=np.float32)
        tokens = tokenize(query)
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int) -> list[tuple[Hashable, float]]:
        """The best ``k`` ids with a positive score, best first; a document sharing no term is no match."""
        scores = self.scores(query)
        k = min(k, len(scores))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

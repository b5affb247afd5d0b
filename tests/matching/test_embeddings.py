import shutil
from pathlib import Path

import numpy as np
import pytest

from askwell.matching.embeddings import (
    DIMENSION,
    MODEL_PACKAGE,
    EmbeddingModelMissing,
    encode,
    packaged_model_dir,
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

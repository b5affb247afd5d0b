"""The embedding model's CUDA path (fp16) on a lent GPU machine, beside the CPU's float32 vectors.

The GPU machine has PyTorch and sentence-transformers but none of Askwell's other packages, and the
88 MB model package cannot travel to it (64 MiB limit). So this runs in two steps:

* ``python -m benchmarks.gpu_embed prepare KIT`` (here): the packaged weights cast to fp16 (the same
  cast ``askwell.matching.embeddings`` makes on CUDA), the tokenizer files, the 10,000 profile texts of
  ``bench_indexing`` and the float32 CPU vectors of the first 2,000 as the reference.
* ``python3 benchmarks/gpu_embed.py run KIT`` (there): loads the model exactly as the product does on
  CUDA (``SentenceTransformer(dir, device="cuda", local_files_only=True)``, fp16, normalised in
  float32), embeds the texts three times per batch size, and writes ``gpu_embed.json`` to ``$OUT``.

``bench_indexing`` prints the recorded result (``benchmarks/results/gpu_embed.json``) beside the CPU paths.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

TEXTS = 10_000
REFERENCE = 2_000
BATCHES = (64, 256, 1024)
RESULT = Path(__file__).resolve().parent / "results" / "gpu_embed.json"


def prepare(kit: Path) -> None:
    import numpy as np
    import torch
    from safetensors.torch import load_file, save_file

    from askwell.matching.embeddings import Backend, encode, packaged_model_dir, verify_model_dir
    from askwell.matching.profiles import expertise_text
    from benchmarks.bench_matching import NOW, profile_sources

    source = packaged_model_dir()
    verify_model_dir(source)
    (kit / "model").mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name != "model.safetensors":
            target = kit / "model" / item.name
            if item.is_dir():
                shutil.copytree(item, target, dirs_exist_ok=True)
            else:
                shutil.copy2(item, target)
    weights = load_file(str(source / "model.safetensors"))
    save_file(
        {k: v.to(torch.float16).contiguous() for k, v in weights.items()},
        str(kit / "model" / "model.safetensors"),
        metadata={"format": "pt"},
    )
    texts = [expertise_text(s, now=NOW) for s in profile_sources(TEXTS, np.random.default_rng(7))]
    (kit / "texts.json").write_text(json.dumps(texts))
    np.save(kit / "reference_fp32.npy", encode(texts[:REFERENCE], using=Backend("cpu", "fp32")))


def run(kit: Path) -> dict[str, object]:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    texts = json.loads((kit / "texts.json").read_text())
    reference = np.load(kit / "reference_fp32.npy")
    started = time.perf_counter()
    model = SentenceTransformer(str(kit / "model"), device="cuda", local_files_only=True).to(torch.float16)
    result: dict[str, object] = {
        "gpu": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "load_s": round(time.perf_counter() - started, 2),
        "n_texts": len(texts),
    }

    def embed(batch: int) -> tuple[float, np.ndarray]:
        torch.cuda.synchronize()
        began = time.perf_counter()
        rows = model.encode(texts, batch_size=batch, convert_to_tensor=True, show_progress_bar=False)
        rows = rows.float().cpu().numpy()
        torch.cuda.synchronize()
        spent = time.perf_counter() - began
        return spent, rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)

    embed(64)  # kernels and the allocator warm up
    for batch in BATCHES:
        times, rows = [], None
        for _ in range(3):
            spent, rows = embed(batch)
            times.append(spent)
        assert rows is not None
        cosine = (rows[:REFERENCE] * reference).sum(axis=1)
        median = sorted(times)[1]
        result[f"batch_{batch}"] = {
            "seconds_median": round(median, 3),
            "texts_per_s": round(len(texts) / median),
            "cos_mean": float(cosine.mean()),
            "cos_min": float(cosine.min()),
        }
    began = time.perf_counter()
    model.tokenize(texts)
    result["tokenize_s"] = round(time.perf_counter() - began, 3)
    out = Path(os.environ.get("OUT", "."))
    (out / "gpu_embed.json").write_text(json.dumps(result, indent=1))
    return result


def summary() -> str | None:
    """The recorded GPU run as a paragraph for docs/benchmarks.md, or None when there is none."""
    if not RESULT.exists():
        return None
    r = json.loads(RESULT.read_text())
    rows = [r[f"batch_{b}"] for b in BATCHES if f"batch_{b}" in r]
    best = max(rows, key=lambda row: row["texts_per_s"])
    batch64 = r.get("batch_64", best)
    return (
        f"**GPU path (fp16 on CUDA), recorded on a lent {r.get('gpu', 'GPU')}** (`benchmarks/gpu_embed.py`, "
        f"result in `benchmarks/results/gpu_embed.json`): the same {r['n_texts']:,} texts in "
        f"{batch64['seconds_median']:.1f} s at batch 64 ({batch64['texts_per_s']:,} texts/s) and "
        f"{best['seconds_median']:.1f} s at the best batch size ({best['texts_per_s']:,} texts/s); "
        f"tokenising them alone took {r.get('tokenize_s', float('nan')):.1f} s, so the GPU path is "
        f"bound by tokenisation on the CPU. Cosine to the float32 CPU vectors: mean "
        f"{batch64['cos_mean']:.6f}, min {batch64['cos_min']:.6f}. The fp16 weights were cast from the "
        "verified package on the CPU machine (the package cannot travel there), as the product casts them.\n"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("prepare", "run"):
        sys.exit(
            "usage: python -m benchmarks.gpu_embed prepare KIT | python3 benchmarks/gpu_embed.py run KIT"
        )
    if sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]))
    else:
        print(json.dumps(run(Path(sys.argv[2])), indent=1))

"""Writes one evaluation's table into its own section of docs/evaluation.md."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = "# Evaluation\n\nFigures written by the `askwell eval ...` commands; each section says how it was produced.\n"


def update_section(path: Path, name: str, markdown: str) -> None:
    """Replace (or append) the section fenced by markers for ``name``, leaving the others untouched.

    Each evaluation owns one section so that running one command never erases another's figures.
    """
    start, end = f"<!-- eval:{name}:start -->", f"<!-- eval:{name}:end -->"
    block = f"{start}\n{markdown.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

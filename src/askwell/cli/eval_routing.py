"""`askwell eval routing`: question routing on Stack Exchange dumps, each site and pooled, beside baselines."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from askwell.cli.common import fail
from askwell.evals.report import update_section
from askwell.evals.routing import (
    ANCHORS,
    LABELS,
    METHODS,
    SiteDataError,
    build_prior,
    evaluate_sites,
    load_site,
    pooled_view,
    render_markdown,
    single_site,
)
from askwell.matching import ranker
from askwell.matching.embeddings import EmbeddingModelMissing, encode


def _print_tables(found: dict[str, Any], console: Console) -> None:
    for line in found["procedure"]:
        console.print(escape(line))
    table = Table(title="Question routing: MRR, any known answerer (top-5 load concentration)")
    table.add_column("method")
    rows = [*found["sites"].items(), ("pooled", found["pooled"])]
    for name, result in rows:
        table.add_column(f"{name} ({result['n_test']} q.)", justify="right")
    for method in METHODS:
        cells = [f"{result['any'][method]['mrr']:.3f} ({result['load'][method]:.2f})" for _n, result in rows]
        table.add_row(LABELS[method], *cells)
    console.print(table)
    targets = found["targets"]
    console.print(
        f"Target ≥ {targets['per_site_target']}× the better of most active and BM25 on every site: "
        + ", ".join(f"{n} {v['ratio_to_best_baseline']:.2f}×" for n, v in targets["per_site"].items())
        + f" (worst {targets['worst_site_ratio']:.2f}×, mean {targets['mean_site_ratio']:.2f}×) — "
        + ("met" if targets["every_site_met"] else "not met")
    )
    console.print(
        f"Pooled ≥ {targets['pooled_target']}× BM25: {targets['pooled_ratio_to_bm25']:.2f}× — "
        + ("met" if targets["pooled_met"] else "not met")
        + "; top-5 load below most active's on every site: "
        + ("yes" if targets["load_met"] else "no")
    )
    console.print(
        "Published anchors on StackOverflow (TUEF 2024, accepted answerer): "
        + ", ".join(f"{name} {value:.3f}" for name, value in ANCHORS.items())
    )


def routing_command(
    site: Annotated[
        list[Path],
        typer.Option("--site", help="A Stack Exchange site folder holding Posts.xml; repeat for several"),
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object and nothing else")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Also write the table into this Markdown file (e.g. docs/evaluation.md)"
        ),
    ] = None,
    build_prior_to: Annotated[
        Path | None,
        typer.Option(
            "--build-prior",
            help="Instead of evaluating, fit the cross-community prior on the sites' training parts "
            "(settings chosen leave-one-site-out) and write it here "
            "(src/askwell/matching/prior.json is the packaged one)",
        ),
    ] = None,
) -> None:
    """Rank earlier answerers for each later question, per site and pooled: MRR, P@1, R@5, R@10 and
    top-5 load concentration against baselines; the ranker learns from each site's earlier part."""
    stderr = Console(stderr=True)
    posts = [folder / "Posts.xml" for folder in site]
    try:
        if build_prior_to is not None:
            embed = lambda texts: encode(texts, batch_size=64)  # noqa: E731
            sites = [load_site(path, embed) for path in posts]
            model, selection = build_prior(sites, fallback=ranker.FitSettings())
            ranker.save(model, build_prior_to)
            for line in selection.lines:
                stderr.print(escape(line))
            stderr.print(f"wrote {escape(str(build_prior_to))} ({model.version})")
            return
        if json_output:
            found = evaluate_sites(posts)
        else:
            with Progress(
                TextColumn("routing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr
            ) as bar:
                task = bar.add_task("routing", total=None)
                found = evaluate_sites(
                    posts, progress=lambda done, total: bar.update(task, completed=done, total=total)
                )
    except (SiteDataError, EmbeddingModelMissing, ranker.RankerFileError) as error:
        fail(escape(str(error)), code=2)

    if json_output:
        shown = single_site(found) if len(posts) == 1 else pooled_view(found)
        sys.stdout.write(json.dumps(shown) + "\n")
    else:
        _print_tables(found, Console())
    if report is not None:
        flags = [arg for folder in site for arg in ("--site", str(folder))]
        flags += [*(["--json"] if json_output else []), "--report", str(report)]
        command = shlex.join(["askwell", "eval", "routing", *flags])
        update_section(report, "routing", render_markdown(found, command=command, when=datetime.now(UTC)))

"""`askwell demo`: a realistic demo organization to try Askwell with (and to benchmark on)."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from askwell.accounts.secrets import hash_password
from askwell.cli.common import cli_unit_of_work, err_console, fail, out_console
from askwell.cli.orgs import validation_message
from askwell.core.clock import Clock
from askwell.demo.build import DEMO_PASSWORD, any_organization, create_demo
from askwell.demo.people import MIN_SIZE
from askwell.people.schemas import OrganizationCreate


def demo_command(
    size: Annotated[int, typer.Option("--size", min=MIN_SIZE, max=1_000_000, help="Number of people.")] = 80,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same organization.")] = 7,
    org_slug: Annotated[str, typer.Option("--org-slug", help="Slug of the demo organization.")] = "demo",
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when any organization exists (used by `make run`).")
    ] = False,
) -> None:
    """Create a demo organization with teams, leads and varied profiles, and print its sign-ins."""
    try:
        OrganizationCreate(name="Askwell Demo", slug=org_slug)
    except ValidationError as exc:
        fail(validation_message(exc))
    progress = Progress(
        TextColumn("creating demo people"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    password_hash = hash_password(DEMO_PASSWORD)  # before the transaction, as every Argon2 hash
    with cli_unit_of_work() as db:
        if if_empty and any_organization(db):
            err_console.print("An organization already exists: demo not created (--if-empty).")
            return
        with progress:
            task = progress.add_task("demo", total=size)
            ctx = create_demo(
                db,
                now=Clock().now(),
                seed=seed,
                size=size,
                slug=org_slug,
                password_hash=password_hash,
                on_progress=lambda n: progress.advance(task, n),
            )
    table = Table(
        "role", "email", "name", "password", title=f"Demo organization '{ctx.org.slug}': {size} people"
    )
    for account in ctx.known:
        table.add_row(account.role, account.email, account.name, DEMO_PASSWORD)
    out_console.print(table)

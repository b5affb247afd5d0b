"""`askwell org create|list` and `askwell admin create`: bootstrapping tenants and their first admin."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from askwell.accounts.errors import WeakPassword
from askwell.accounts.secrets import hash_password
from askwell.cli.common import cli_unit_of_work, err_console, fail, out_console
from askwell.core.clock import Clock
from askwell.people import repository
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.schemas import OrganizationCreate, PersonCreate, slugify


def validation_message(exc: ValidationError) -> str:
    """The first problem of a pydantic error as one readable line."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg'].removeprefix('Value error, ')}" if where else err["msg"]


def create_org_command(
    name: Annotated[str, typer.Argument(help="Display name, e.g. 'Acme Labs'.")],
    slug: Annotated[
        str | None,
        typer.Option("--slug", help="Short id used in URLs and commands (default: from the name)."),
    ] = None,
) -> None:
    """Create an organization (a tenant)."""
    try:
        data = OrganizationCreate(name=name, slug=slug or slugify(name))
    except ValidationError as exc:
        fail(validation_message(exc))
    with cli_unit_of_work() as db:
        org = people_service.create_organization(db, data=data, now=Clock().now())
    err_console.print(
        f"[green]Created[/] {org.name} ([bold]{org.slug}[/]). Next: askwell admin create --org {org.slug}"
    )


def list_orgs_command() -> None:
    """List organizations with their number of active people."""
    with cli_unit_of_work() as db:
        rows = repository.organizations_with_counts(db)
    if not rows:
        err_console.print(
            "No organizations yet. Create one with `askwell org create NAME` or `askwell demo`."
        )
        return
    table = Table("slug", "name", "people", "created (UTC)")
    for org, count in rows:
        table.add_row(org.slug, org.name, str(count), org.created_at.strftime("%Y-%m-%d %H:%M"))
    out_console.print(table)


def create_admin_command(
    org: Annotated[str, typer.Option("--org", help="Organization slug.")],
    email: Annotated[str, typer.Option("--email")],
    name: Annotated[str, typer.Option("--name")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            envvar="ASKWELL_ADMIN_PASSWORD",
            prompt=True,
            confirmation_prompt=True,
            hide_input=True,
            help="Prompted (twice) when not given here or in ASKWELL_ADMIN_PASSWORD.",
        ),
    ],
) -> None:
    """Create an admin account in an organization, with a password to sign in."""
    try:
        data = PersonCreate(email=email, name=name, role=Role.ADMIN)
    except ValidationError as exc:
        fail(validation_message(exc))
    # Hashed before the transaction: Argon2 never runs while a write transaction holds the lock.
    try:
        password_hash = hash_password(password)
    except WeakPassword as exc:
        fail(exc.message)
    with cli_unit_of_work() as db:
        organization = repository.organization_by_slug(db, org)
        person = people_service.add_person(
            db, org_id=organization.id, data=data, now=Clock().now(), password_hash=password_hash
        )
    err_console.print(f"[green]Admin created:[/] {person.name} <{person.email}> in {organization.slug}")

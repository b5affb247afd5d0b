"""`askwell person erase`: the right to erasure, run by an operator for one organization."""

from __future__ import annotations

from typing import Annotated

import typer

from askwell.cli.common import cli_unit_of_work, err_console, fail
from askwell.core.clock import Clock
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.schemas import normalise_email
from askwell.privacy import service as privacy

person_app = typer.Typer(help="Privacy operations on one person.", no_args_is_help=True)


@person_app.command("erase")
def erase_command(
    person: Annotated[str, typer.Argument(help="The person's email, or their id (a rerun after erasure).")],
    org: Annotated[str, typer.Option("--org", help="Organization slug.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a person: profile, credentials, ties, vectors and their words go; counts stay.

    The person remains as an inactive "Former member" so the ledger and insights still add up.
    Running it again for the same id changes nothing. The last admin cannot be erased.
    """
    with cli_unit_of_work() as db:
        organization = people_repo.organization_by_slug(db, org)
        admin = people_service.admin_actor(organization)
        if person.isdigit():
            target = people_repo.get_person(db, actor=admin, person_id=int(person), include_inactive=True)
        else:
            found = people_repo.person_by_email(
                db, org_id=organization.id, email=normalise_email(person), include_inactive=True
            )
            if found is None:
                fail(f"nobody with email {person!r} in {org} (give the id to rerun an erasure)")
                raise AssertionError("unreachable")
            target = found
        if not yes:
            typer.confirm(
                f"Erase {target.name} <{target.email}> (id {target.id}) in {org}? This cannot be undone",
                abort=True,
            )
        person_id = privacy.erase_person(db, actor=admin, person_id=target.id, now=Clock().now()).id
    err_console.print(f"[green]Erased[/] person {person_id} in {org}; they now appear as a former member.")

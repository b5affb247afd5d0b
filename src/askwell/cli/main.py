"""The `askwell` command: every sub-command registered in one place."""

from __future__ import annotations

import typer

from askwell.cli import asks, coach, database, demo, evals, network, orgs, serve, suggest, transfer, worker
from askwell.cli.backup import backup_command, restore_command
from askwell.cli.person import person_app

app = typer.Typer(
    name="askwell",
    help="Askwell: make asking for help, and giving it, a routine part of how a team works.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
db_app.command("upgrade")(database.upgrade_command)
db_app.command("status")(database.status_command)
db_app.command("new-key")(database.new_key_command)
db_app.command("rotate-key")(database.rotate_key_command)
app.add_typer(db_app, name="db")

org_app = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)
org_app.command("create")(orgs.create_org_command)
org_app.command("list")(orgs.list_orgs_command)
app.add_typer(org_app, name="org")

admin_app = typer.Typer(help="Organization admins.", no_args_is_help=True)
admin_app.command("create")(orgs.create_admin_command)
app.add_typer(admin_app, name="admin")

import_app = typer.Typer(help="Import people (CSV) or a whole organization (JSON).", no_args_is_help=True)
import_app.command("people")(transfer.import_people_command)
import_app.command("org")(transfer.import_org_command)
app.add_typer(import_app, name="import")

app.command("export")(transfer.export_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("demo")(demo.demo_command)
app.command("serve")(serve.serve_command)
app.command("worker")(worker.worker_command)
app.command("coach")(coach.coach_command)
app.add_typer(evals.eval_app, name="eval")
app.add_typer(network.network_app, name="network")
app.add_typer(asks.ask_app, name="ask")
app.add_typer(person_app, name="person")
app.command("suggest")(suggest.suggest_command)

from askwell.cli.ring import ring_app  # noqa: E402

app.add_typer(ring_app, name="ring")

from askwell.cli.standup import standup_app  # noqa: E402

app.add_typer(standup_app, name="standup")
from askwell.cli.huddle import huddle_app  # noqa: E402

app.add_typer(huddle_app, name="huddle")
from askwell.cli.insights import insights_app  # noqa: E402

app.add_typer(insights_app, name="insights")
from askwell.cli.mail import mail_app  # noqa: E402

app.add_typer(mail_app, name="mail")


if __name__ == "__main__":
    app()

"""The two commands on a Typer app of their own (the real `askwell` app is assembled by the lead)."""

from __future__ import annotations

import typer

from askwell.cli.serve import serve_command
from askwell.cli.worker import worker_command

app = typer.Typer(pretty_exceptions_enable=False)
app.command("serve")(serve_command)
app.command("worker")(worker_command)

if __name__ == "__main__":
    app()

"""`askwell eval ...`: offline evaluations of Askwell's intelligence on real public data."""

from __future__ import annotations

import typer

from askwell.cli.eval_balance import balance_command
from askwell.cli.eval_coaching import coaching_command
from askwell.cli.eval_network import network_command
from askwell.cli.eval_rings import rings_command
from askwell.cli.eval_routing import routing_command
from askwell.cli.eval_standups import standups_command
from askwell.cli.eval_success import success_command

eval_app = typer.Typer(
    help="Evaluate coaching, request success, question routing and the network on real data.",
    no_args_is_help=True,
)
eval_app.command("coaching", help="SMART coaching against human labels (per-criterion F1).")(coaching_command)
eval_app.command("success", help="Does the coaching score predict which requests got help? (ROC AUC)")(
    success_command
)
eval_app.command("routing", help="Who can help: rank answerers on a Stack Exchange dump (MRR, P@1, R@k).")(
    routing_command
)
eval_app.command("network", help="Tie formation and reactivation on a temporal message network.")(
    network_command
)
eval_app.command("rings", help="Ring assignment replayed as weekly rings on a Stack Exchange dump.")(
    rings_command
)
eval_app.command("standups", help="Help needs found in stand-up answers (P, R, F1, span overlap).")(
    standups_command
)
eval_app.command("balance", help="Give/ask patterns and who stays active, on Stack Exchange dumps.")(
    balance_command
)

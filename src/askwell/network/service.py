"""The network domain's use cases, one import for every caller (pages, API, CLI, jobs, other domains).

They live in modules by idea: ``ties`` (record and read ties), ``intros`` (connectors and two-step
introductions), ``dormant`` (dormant ties and reconnecting), ``overview`` (my network, health).
All of them flush and never commit: the route, job or command owns the transaction. Fit (how well
someone matches a need) is an input wherever it matters (``targets``, ``relevance``): matching sits
above this package and passes its scores in; without them ``network.topics`` gives an explainable
default from shared words.
"""

from __future__ import annotations

from askwell.network.dormant import dormant_ties, nudge_reconnect, reconnect, suggested_message
from askwell.network.intros import (
    Route,
    answer_as_connector,
    answer_as_target,
    connector_read,
    find_connectors,
    intro,
    intro_views,
    intros_for_ask,
    my_intros,
    request_intro,
    withdraw_intro,
)
from askwell.network.overview import NetworkView, my_network, network_health
from askwell.network.ties import (
    Interaction,
    add_tie,
    dormant_days_for,
    imported_at,
    my_ties,
    new_tie,
    record_interactions,
    sync_team_ties,
    tie_read,
)

__all__ = [
    "Interaction",
    "NetworkView",
    "Route",
    "add_tie",
    "answer_as_connector",
    "answer_as_target",
    "connector_read",
    "dormant_days_for",
    "dormant_ties",
    "find_connectors",
    "imported_at",
    "intro",
    "intro_views",
    "intros_for_ask",
    "my_intros",
    "my_network",
    "my_ties",
    "network_health",
    "new_tie",
    "nudge_reconnect",
    "reconnect",
    "record_interactions",
    "request_intro",
    "suggested_message",
    "sync_team_ties",
    "tie_read",
    "withdraw_intro",
]

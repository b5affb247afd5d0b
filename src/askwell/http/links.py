"""Page addresses for what domain code names by id: the web layer's half of "store ids, not links".

Domains say where something leads as a ``Target`` (a kind of page and an id); only this module knows
the paths, so pages, the API and the emails the worker sends agree, and a path can change in one place.
"""

from __future__ import annotations

from askwell.notifications.inbox import Target, TargetKind


def path_for(target: Target) -> str:
    """The path on this site (never another host) that ``target`` leads to; the inbox when unknown."""
    if target.id is not None:
        if target.kind == TargetKind.ASK:
            return f"/asks/{target.id}"
        if target.kind == TargetKind.INTRO:
            return f"/network/intros/{target.id}"
        if target.kind == TargetKind.PERSON:
            return f"/people/{target.id}"
        if target.kind == TargetKind.RING:
            return f"/rings/{target.id}"
    if target.kind == TargetKind.DORMANT:
        return "/network/dormant"
    if target.kind == TargetKind.STANDUP:
        return "/standups"
    if target.kind == TargetKind.ROUTING:
        return "/routing"
    if target.kind == TargetKind.HUDDLES:
        return "/huddles"
    return "/inbox"

"""Live fan-out of rings: after a change to a ring commits, its board's channel is told to look again.

Registered by the composition root (``askwell.wiring``). Only "changed" is published, never what
changed: a live page reads the ring's event log (``service.events``) through the reader's own access,
so the broadcast cannot show anyone what they may not see.
"""

from __future__ import annotations

from askwell.core.broadcast import Broadcaster
from askwell.core.events import EventBus, RingUpdated

CHANGED = "changed"


def ring_channel(org_id: int, ring_id: int) -> str:
    """The broadcast channel of one ring's board."""
    return f"ring:{org_id}:{ring_id}"


def register(bus: EventBus, *, broadcaster: Broadcaster) -> None:
    def board(e: RingUpdated) -> None:
        broadcaster.publish(ring_channel(e.org_id, e.ring_id), CHANGED)

    bus.after_commit(RingUpdated, board)

"""What the composition root hands to every request: settings, session factory, jobs and the edges."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import JobRegistry


@dataclass
class AppContext:
    settings: Settings
    session_factory: sessionmaker[Session]
    jobs: JobRegistry
    edges: Edges

    @property
    def clock(self) -> Clock:
        return self.edges.clock

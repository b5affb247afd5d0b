"""What the composition root hands to every request: settings, session factory, clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from askwell.core.clock import Clock
from askwell.core.config import Settings
from askwell.core.jobs import JobRegistry


@dataclass
class AppContext:
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock
    jobs: JobRegistry
    services: dict[str, Any] = field(default_factory=dict)

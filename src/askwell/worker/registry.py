"""Collects every domain's job handlers and schedules into one registry."""

from __future__ import annotations

from askwell.core.jobs import JobRegistry
from askwell.integrations.email import register_email_jobs


def build_registry() -> JobRegistry:
    registry = JobRegistry()
    register_email_jobs(registry)
    return registry

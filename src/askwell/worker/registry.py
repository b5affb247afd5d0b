"""Collects every domain's job handlers and schedules into one registry."""

from __future__ import annotations

from askwell.accounts import jobs as accounts_jobs
from askwell.asks import jobs as asks_jobs
from askwell.core import job_upkeep
from askwell.core.jobs import JobRegistry
from askwell.http.links import path_for
from askwell.insights import jobs as insights_jobs
from askwell.integrations.email import register_email_jobs
from askwell.matching import jobs as matching_jobs
from askwell.network import jobs as network_jobs
from askwell.notifications import jobs as notifications_jobs
from askwell.rings import jobs as rings_jobs
from askwell.routing import jobs as routing_jobs
from askwell.slack import jobs as slack_jobs
from askwell.standups import jobs as standups_jobs
from askwell.webhooks import jobs as webhooks_jobs


def build_registry() -> JobRegistry:
    registry = JobRegistry()
    register_email_jobs(registry)
    notifications_jobs.register(registry, path_for=path_for)
    asks_jobs.register(registry)
    network_jobs.register(registry)
    matching_jobs.register(registry)
    rings_jobs.register(registry)
    webhooks_jobs.register(registry)
    standups_jobs.register(registry)
    routing_jobs.register(registry)
    slack_jobs.register(registry)
    insights_jobs.register(registry)
    accounts_jobs.register(registry)
    job_upkeep.register(registry)
    return registry

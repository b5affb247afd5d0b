"""All page routers, in one router the composition root mounts."""

from fastapi import APIRouter

from askwell.web.routes import (
    accounts,
    admin,
    asks,
    auth,
    health,
    home,
    inbox,
    network,
    people,
    settings,
    teams,
)

router = APIRouter(include_in_schema=False)
for module in (health, auth, home, people, teams, admin, accounts, settings, network, asks, inbox):
    router.include_router(module.router)

from askwell.web.routes import suggestions  # noqa: E402

router.include_router(suggestions.router)

from askwell.web.routes import metrics  # noqa: E402

router.include_router(metrics.router)

from askwell.web.routes import rings, rings_live, rings_stream  # noqa: E402

router.include_router(rings.router)
router.include_router(rings_live.router)

from askwell.web.routes import admin_slack, admin_sso, admin_webhooks, sso  # noqa: E402

router.include_router(admin_webhooks.router)
router.include_router(admin_sso.router)
router.include_router(admin_slack.router)
router.include_router(sso.router)
router.include_router(rings_stream.router)
from askwell.web.routes import standups  # noqa: E402

router.include_router(standups.router)
from askwell.web.routes import huddles, routing  # noqa: E402

router.include_router(routing.router)
router.include_router(huddles.router)
from askwell.web.routes import insights  # noqa: E402

router.include_router(insights.router)
from askwell.web.routes import calendar  # noqa: E402

router.include_router(calendar.router)

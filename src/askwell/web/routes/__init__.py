"""All page routers, in one router the composition root mounts."""

from fastapi import APIRouter

from askwell.web.routes import accounts, admin, auth, home, network, people, settings, teams

router = APIRouter(include_in_schema=False)
for module in (auth, home, people, teams, admin, accounts, settings, network):
    router.include_router(module.router)

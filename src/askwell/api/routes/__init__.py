"""All /api/v1 routers, in one router the composition root mounts under the prefix."""

from fastapi import APIRouter

from askwell.api.routes import me

router = APIRouter()
router.include_router(me.router)

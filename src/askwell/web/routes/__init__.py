"""All page routers, in one router the composition root mounts."""

from fastapi import APIRouter

from askwell.web.routes import auth

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)

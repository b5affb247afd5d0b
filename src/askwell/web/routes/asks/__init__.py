"""Ask pages, one module a page: the board, writing an ask, one ask with its author's actions, offers, history."""

from fastapi import APIRouter

from askwell.web.routes.asks import board, compose, detail, history, offers

router = APIRouter()
# compose first: its fixed paths (/asks/new, /asks/coach, /asks/people) must match before /asks/{ask_id}.
for module in (board, compose, detail, offers, history):
    router.include_router(module.router)

"""The start page: a landing page for visitors, a dashboard for people signed in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from askwell.asks import helpable
from askwell.asks import repository as asks_repo
from askwell.http.deps import Db, OptionalPerson
from askwell.notifications import inbox
from askwell.notifications import repository as inbox_repo
from askwell.people import repository
from askwell.people.onboarding import onboarding
from askwell.web.routes.auth import safe_next
from askwell.web.templating import redirect, render

router = APIRouter()

INBOX_PREVIEW = 3
DASHBOARD_ROWS = 5


@router.get("/")
def home(request: Request, db: Db, person: OptionalPerson) -> Response:
    if person is None:
        return render(request, "home/landing.html")
    actor = repository.actor_for(db, person)
    request.state.actor = actor
    me = repository.get_person(db, actor=actor, person_id=actor.person_id)
    memberships = sorted(me.memberships, key=lambda m: m.team.name.casefold())
    skills = me.skill_names
    candidates = asks_repo.help_candidates(db, actor=actor, skills=skills)
    could_help = helpable.rank(
        candidates.asks,
        skills=skills,
        teams=actor.teams,
        teammates=candidates.teammates,
        asked_directly=candidates.asked_directly,
        limit=DASHBOARD_ROWS,
    )
    my_asks, offer_counts = asks_repo.my_open_asks(db, actor=actor, limit=DASHBOARD_ROWS)
    unread = inbox_repo.unread_count(db, org_id=actor.org_id, person_id=actor.person_id)
    latest = inbox.render(
        db,
        actor=actor,
        rows=inbox_repo.inbox(db, org_id=actor.org_id, person_id=actor.person_id, limit=INBOX_PREVIEW),
    )
    return render(
        request,
        "home/index.html",
        {
            "profile": me,
            "memberships": memberships,
            "setup": onboarding(me, team_count=len(memberships)),
            "could_help": could_help,
            "my_asks": my_asks,
            "offer_counts": offer_counts,
            "my_offers": asks_repo.my_open_offers(db, actor=actor, limit=DASHBOARD_ROWS),
            "unread": unread,
            "latest": latest,
            # The layout's badge reuses this count instead of asking again.
            "unread_count": lambda: unread,
        },
    )


@router.get("/login")
def login(next: str = "/") -> Response:
    """People type /login; the page is /signin. 307 keeps the method, as a moved form would need."""
    target = safe_next(next)
    return RedirectResponse("/signin" + (f"?next={target}" if target != "/" else ""), status_code=307)


@router.get("/register")
def register(token: str = "") -> Response:
    """Accounts come by invitation: with an invitation's token go there, else say how to get one."""
    token = token.strip()
    if token and len(token) <= 200 and token.replace("-", "").replace("_", "").isalnum():
        return RedirectResponse(f"/invite/{token}", status_code=303)
    return redirect(
        "/signin",
        "Askwell accounts come by invitation: ask your organization's admin or a team lead to invite "
        "you, then follow the link in the email.",
    )

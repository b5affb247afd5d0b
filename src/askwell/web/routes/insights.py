"""Insight pages: my balance (and sharing it), a balance shared with me, the leader mirror, team and
organization trends with CSV export. Every figure comes from ``insights.service``; these routes only
choose the template."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from askwell.http.deps import Db, Now, PageActor
from askwell.http.params import PersonId, TeamId
from askwell.insights import chart, service
from askwell.insights.errors import IndividualAnalyticsOff
from askwell.insights.schemas import BalanceRead, GroupInsight
from askwell.web.templating import redirect, render

router = APIRouter()


def _balance_chart(view: BalanceRead) -> chart.Chart:
    return chart.line_chart(
        [w.week for w in view.weeks],
        [
            ("gives", "Offers and help given", [float(w.gives) for w in view.weeks]),
            ("asks", "Asks made", [float(w.asks) for w in view.weeks]),
        ],
    )


def _group_chart(view: GroupInsight) -> chart.Chart:
    return chart.line_chart(
        [w.week for w in view.weeks],
        [
            ("asks", "Asks per person-week", [w.asks_per_person_week for w in view.weeks]),
            ("offered", "Share of asks with an offer", [w.offered_share for w in view.weeks]),
            ("fulfilled", "Share of asks fulfilled", [w.fulfilled_share for w in view.weeks]),
        ],
        markers=[(m.at, m.label) for m in view.markers],
    )


def _balance_page(request: Request, view: BalanceRead, *, own: bool, is_lead: bool) -> Response:
    return render(
        request,
        "insights/me.html",
        {"view": view, "chart": _balance_chart(view), "own": own, "is_lead": is_lead, "off": None},
    )


@router.get("/insights")
def my_balance(request: Request, db: Db, actor: PageActor, now: Now) -> Response:
    try:
        view = service.balance_of(db, actor=actor, person_id=actor.person_id, now=now)
    except IndividualAnalyticsOff as exc:
        return render(
            request, "insights/me.html", {"view": None, "off": exc.message, "is_lead": bool(actor.lead_of)}
        )
    return _balance_page(request, view, own=True, is_lead=bool(actor.lead_of))


@router.post("/insights/sharing")
def set_sharing(
    db: Db, actor: PageActor, now: Now, with_lead: Annotated[str, Form(max_length=5)] = ""
) -> Response:
    shared = with_lead in ("1", "on", "true")
    service.set_sharing(db, actor=actor, with_lead=shared, now=now)
    db.commit()
    return redirect("/insights", "Shared with your lead." if shared else "Your balance is private again.")


@router.get("/insights/people/{person_id}")
def shared_balance(request: Request, person_id: PersonId, db: Db, actor: PageActor, now: Now) -> Response:
    view = service.balance_of(db, actor=actor, person_id=person_id, now=now)
    return _balance_page(request, view, own=person_id == actor.person_id, is_lead=bool(actor.lead_of))


@router.get("/insights/mirror")
def mirror(request: Request, db: Db, actor: PageActor, now: Now) -> Response:
    view = service.mirror(db, actor=actor, now=now)
    return render(request, "insights/mirror.html", {"view": view})


def _csv(view: GroupInsight, name: str) -> Response:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(service.csv_rows(view))
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/insights/teams/{team_id}")
def team_insight(request: Request, team_id: TeamId, db: Db, actor: PageActor, now: Now) -> Response:
    view = service.team_insight(db, actor=actor, team_id=team_id, now=now)
    return render(
        request,
        "insights/group.html",
        {"view": view, "chart": _group_chart(view), "csv": f"/insights/teams/{team_id}/export.csv"},
    )


@router.get("/insights/teams/{team_id}/export.csv")
def team_csv(team_id: TeamId, db: Db, actor: PageActor, now: Now) -> Response:
    return _csv(service.team_insight(db, actor=actor, team_id=team_id, now=now), f"team-{team_id}-insight")


@router.get("/insights/org")
def org_insight(request: Request, db: Db, actor: PageActor, now: Now) -> Response:
    view = service.org_insight(db, actor=actor, now=now)
    return render(
        request,
        "insights/group.html",
        {"view": view, "chart": _group_chart(view), "csv": "/insights/org/export.csv"},
    )


@router.get("/insights/org/export.csv")
def org_csv(db: Db, actor: PageActor, now: Now) -> Response:
    return _csv(service.org_insight(db, actor=actor, now=now), "organization-insight")

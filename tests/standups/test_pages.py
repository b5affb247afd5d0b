"""Stand-up pages: the check-in form, confirming the drafted ask, the board, the lead's settings."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import csrf
from tests.standups.conftest import Scene

NEED = "Blocked on the Stripe webhook signature, no idea who knows their API"


def test_answer_with_a_need_and_confirm(standup: Scene, signed_in: Callable[[Person], TestClient]) -> None:
    client = signed_in(standup.bob)
    page = client.get("/standups")
    assert page.status_code == 200 and "What could you help others with today?" in page.text
    sent = client.post(
        "/standups", data={"worked_on": "the deploy", "help_needed": NEED}, headers=csrf(client)
    )
    assert sent.status_code == 303
    page = client.get("/standups")
    assert "It sounds like you could use help" in page.text
    checkin_id = page.text.split("/standups/checkins/")[1].split("/")[0]
    confirmed = client.post(
        f"/standups/checkins/{checkin_id}/confirm",
        data={"title": "Who knows Stripe webhooks?"},
        headers=csrf(client),
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"].startswith("/asks/")


def test_empty_answer_is_shown_in_place(standup: Scene, signed_in: Callable[[Person], TestClient]) -> None:
    client = signed_in(standup.bob)
    got = client.post("/standups", data={"worked_on": " "}, headers=csrf(client))
    assert got.status_code == 422 and "at least one answer" in got.text


def test_huge_answer_is_shown_in_place(standup: Scene, signed_in: Callable[[Person], TestClient]) -> None:
    client = signed_in(standup.bob)
    got = client.post("/standups", data={"worked_on": "x" * 2500}, headers=csrf(client))
    assert got.status_code == 422


def test_board_never_names_who_has_not_answered(
    standup: Scene, signed_in: Callable[[Person], TestClient]
) -> None:
    client = signed_in(standup.bob)
    client.post("/standups", data={"worked_on": "the deploy"}, headers=csrf(client))
    board = client.get(f"/standups/teams/{standup.team.id}")
    assert board.status_code == 200
    assert "1 of 3 answered" in board.text and "Bob Newfie" in board.text
    assert "Ada Lovelace" not in board.text.split("<main", 1)[-1]


def test_settings_for_the_lead_only(standup: Scene, signed_in: Callable[[Person], TestClient]) -> None:
    url = f"/standups/teams/{standup.team.id}/settings"
    member = signed_in(standup.ada)
    assert member.get(url).status_code == 403
    lead = signed_in(standup.lead)
    assert lead.get(url).status_code == 200
    saved = lead.post(
        url,
        data={"enabled": "1", "weekdays": ["1", "2"], "prompt_time": "10:15", "window_minutes": "120"},
        headers=csrf(lead),
    )
    assert saved.status_code == 303, saved.text
    bad = lead.post(url, data={"prompt_time": "99:99", "window_minutes": "120"}, headers=csrf(lead))
    assert bad.status_code == 422

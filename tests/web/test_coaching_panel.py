"""The coaching panel speaks to people: sentences and the author's own words, never internal codes."""

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import World
from tests.web.conftest import post

SignIn = Callable[[Person], TestClient]

# Between them these asks raise every issue the review knows, and leave every signal present or absent.
ASKS = [
    "Can anyone help me with stuff?",
    "Can someone help me redo the warehouse slotting, reconcile the March inventory variance, rewrite the "
    "SOPs for the returns line, and train night shift on the new scanners by Friday?",
    "Could you review my design doc, and while you're at it prototype the sliding-window version?",
    "Can someone upgrade all 1,200 laptops this weekend?",
    "Can you send me the deck by 2001-01-05?",
    "Can anyone cover my Saturday shift? Thanks so much, happy to swap. It's blocking the 12% rollout.",
]
ISSUE_CODES = {"vague", "no_reason", "no_action", "bundled", "unrealistic", "past_deadline"}
SIGNAL_CODES = {"reason", "gratitude", "reciprocity", "evidence", "context"}
_ISSUES = re.compile(r'data-issues="([^"]*)"')


def visible_text(page: str) -> str:
    """What a person reads: the text between tags, attributes (data-issues, classes) left out."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_panel_never_shows_a_raw_code(world: World, signed_in: SignIn) -> None:
    client = signed_in(world.person(world.org()))
    raised: set[str] = set()
    for ask in ASKS:
        r = post(client, "/asks/coach", {"title": "", "body": ask})
        assert r.status_code == 200
        raised |= set(_ISSUES.findall(r.text)[0].split())
        text = visible_text(r.text)
        for code in ISSUE_CODES:
            assert not re.search(rf"\b{code}\b", text), f"{code!r} shown for {ask!r}"
        for code in SIGNAL_CODES:
            assert not re.search(rf"[✓○]\s*{code}\b", text), f"signal {code!r} shown as a word for {ask!r}"
        for item in re.findall(r'<li class="signal[^"]*"[^>]*>(.*?)</li>', r.text, re.S):
            sentence = visible_text(item).strip(" ✓○\n")
            assert sentence[0].isupper() and sentence.endswith("."), sentence
    assert raised == ISSUE_CODES  # the codes were there to leak: the review raised each one


def test_the_panel_quotes_the_askers_figure_whole(world: World, signed_in: SignIn) -> None:
    client = signed_in(world.person(world.org()))
    r = post(
        client,
        "/asks/coach",
        {
            "title": "Walk me through the deploy script",
            "body": "Could you walk me through it on Thursday? It's about 30 minutes. It's blocking the 12% rollout.",
        },
    )
    text = visible_text(r.text)
    assert "'blocking the 12% rollout'" in text and "'2%" not in text
    assert "'about 30 minutes'" in text and " h of work" not in text

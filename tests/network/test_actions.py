"""Who may answer or withdraw an introduction, and when: plain facts, no database."""

from __future__ import annotations

import pytest

from askwell.network.actions import IntroAction, IntroFacts, intro_actions, intro_refusal
from askwell.network.errors import IntroNotPending, NotYourIntroStep
from askwell.network.models import IntroStatus

ASKER, CONNECTOR, TARGET, OTHER = 1, 2, 3, 4


def intro(status: IntroStatus) -> IntroFacts:
    return IntroFacts(asker_id=ASKER, connector_id=CONNECTOR, target_id=TARGET, status=status.value)


@pytest.mark.parametrize(
    ("status", "asker", "connector", "target"),
    [
        (IntroStatus.REQUESTED, {IntroAction.WITHDRAW}, {IntroAction.ANSWER_AS_CONNECTOR}, set()),
        (IntroStatus.CONNECTOR_ACCEPTED, {IntroAction.WITHDRAW}, set(), {IntroAction.ANSWER_AS_TARGET}),
        (IntroStatus.TARGET_ACCEPTED, set(), set(), set()),
        (IntroStatus.REDIRECTED, set(), set(), set()),
        (IntroStatus.WITHDRAWN, set(), set(), set()),
    ],
)
def test_each_party_has_their_step(
    status: IntroStatus, asker: set[IntroAction], connector: set[IntroAction], target: set[IntroAction]
) -> None:
    facts = intro(status)
    assert intro_actions(facts, viewer_id=ASKER) == asker
    assert intro_actions(facts, viewer_id=CONNECTOR) == connector
    assert intro_actions(facts, viewer_id=TARGET) == target
    assert intro_actions(facts, viewer_id=OTHER) == frozenset()


def test_refusals_name_whose_step_it_is_and_why_not_now() -> None:
    wrong = intro_refusal(intro(IntroStatus.REQUESTED), IntroAction.ANSWER_AS_TARGET, viewer_id=CONNECTOR)
    assert isinstance(wrong, NotYourIntroStep) and "person being introduced" in wrong.message
    late = intro_refusal(intro(IntroStatus.TARGET_DECLINED), IntroAction.WITHDRAW, viewer_id=ASKER)
    assert isinstance(late, IntroNotPending) and late.status_code == 409

"""Who may answer or withdraw an introduction, and when: one rule for the page's forms and the service.

``intro_refusal`` returns the error the service raises, or None when the step is allowed; the
introduction page draws exactly the forms ``intro_actions`` allows. Pure: plain facts in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from askwell.core.errors import AskwellError
from askwell.network.errors import IntroNotPending, NotYourIntroStep
from askwell.network.models import IntroStatus

# Still waiting for an answer: the asker may withdraw, reminders go out.
PENDING = (IntroStatus.REQUESTED.value, IntroStatus.CONNECTOR_ACCEPTED.value)


class IntroAction(StrEnum):
    ANSWER_AS_CONNECTOR = "answer_as_connector"
    ANSWER_AS_TARGET = "answer_as_target"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class IntroFacts:
    asker_id: int
    connector_id: int
    target_id: int
    status: str


# Whose step each action is (the words after "Only the …"), and the statuses it answers.
_STEPS: dict[IntroAction, tuple[str, tuple[str, ...]]] = {
    IntroAction.ANSWER_AS_CONNECTOR: ("connector", (IntroStatus.REQUESTED.value,)),
    IntroAction.ANSWER_AS_TARGET: ("person being introduced", (IntroStatus.CONNECTOR_ACCEPTED.value,)),
    IntroAction.WITHDRAW: ("person who asked", PENDING),
}


def intro_refusal(intro: IntroFacts, action: IntroAction, *, viewer_id: int) -> AskwellError | None:
    who, statuses = _STEPS[action]
    party = {
        IntroAction.ANSWER_AS_CONNECTOR: intro.connector_id,
        IntroAction.ANSWER_AS_TARGET: intro.target_id,
        IntroAction.WITHDRAW: intro.asker_id,
    }[action]
    if viewer_id != party:
        return NotYourIntroStep(who)
    if intro.status not in statuses:
        return IntroNotPending(intro.status)
    return None


def intro_actions(intro: IntroFacts, *, viewer_id: int) -> frozenset[IntroAction]:
    return frozenset(a for a in IntroAction if intro_refusal(intro, a, viewer_id=viewer_id) is None)


def require_intro_action(intro: IntroFacts, action: IntroAction, *, viewer_id: int) -> None:
    refusal = intro_refusal(intro, action, viewer_id=viewer_id)
    if refusal is not None:
        raise refusal

"""What a new person still has to tell us: a pure checklist over a profile."""

from askwell.people.models import Person, PersonSkill
from askwell.people.onboarding import onboarding


def person(*, skills: list[str], can_help_with: str = "", timezone: str = "UTC") -> Person:
    return Person(
        name="Neo",
        skills=[PersonSkill(name=s, key=s.casefold()) for s in skills],
        can_help_with=can_help_with,
        timezone=timezone,
    )


def test_a_new_person_has_everything_to_do() -> None:
    setup = onboarding(person(skills=[]), team_count=0)
    assert [s.key for s in setup.steps] == ["skills", "can_help_with", "team", "timezone"]
    assert (setup.done_count, setup.complete) == (0, False)


def test_each_step_counts_once_it_is_there() -> None:
    assert onboarding(person(skills=["SQL"]), team_count=0).done_count == 1
    assert onboarding(person(skills=["SQL"], can_help_with="  "), team_count=1).done_count == 2
    setup = onboarding(person(skills=["SQL"], can_help_with="Reports", timezone="Africa/Lagos"), team_count=1)
    assert (setup.done_count, setup.complete) == (4, True)

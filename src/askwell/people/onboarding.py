"""What a new person still has to tell us so that matching can find them: a pure checklist."""

from __future__ import annotations

from dataclasses import dataclass

from askwell.people.models import Person

# UTC is what an account gets when nobody chose; people name their place (Europe/London, Africa/Lagos).
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    why: str
    done: bool


@dataclass(frozen=True)
class Onboarding:
    steps: tuple[Step, ...]

    @property
    def done_count(self) -> int:
        return sum(s.done for s in self.steps)

    @property
    def complete(self) -> bool:
        return all(s.done for s in self.steps)


def onboarding(person: Person, *, team_count: int) -> Onboarding:
    """The four things matching depends on. ``person.skills`` must be loaded."""
    return Onboarding(
        steps=(
            Step("skills", "Your skills", "so people who need them can find you", bool(person.skills)),
            Step(
                "can_help_with",
                "What you can help with",
                "in your own words: it is what “Who can help” reads first",
                bool(person.can_help_with.strip()),
            ),
            Step("team", "Your team", "teammates see your asks and you see theirs", team_count > 0),
            Step(
                "timezone",
                "Your timezone",
                "so due dates and reminders land in your working day",
                person.timezone != DEFAULT_TIMEZONE,
            ),
        )
    )

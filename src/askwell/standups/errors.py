"""Errors of the stand-ups domain."""

from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class StandupNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("This team has no stand-up, or it is not yours to see.")


class CheckinNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such check-in.")


class NotATeamLead(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Only the team's leads (and admins) can change its stand-up.")


class NotInTeam(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Only the team's members can see its stand-up.")


class NoStandupToday(Conflict):
    def __init__(self) -> None:
        super().__init__("None of your teams holds a stand-up: there is nothing to answer.")


class FutureCheckin(InvalidInput):
    def __init__(self) -> None:
        super().__init__("You can answer today's stand-up or an earlier one, not one still to come.")


class EmptyCheckin(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "Write at least one answer: a line on what you worked on or are working on is enough.",
            fields={"answers": "at least one answer"},
        )


class UnknownQuestion(InvalidInput):
    def __init__(self, key: str) -> None:
        super().__init__(f"Your team's stand-up has no question “{key[:40]}”.", fields={"answers": key[:40]})


class NoDraftToConfirm(Conflict):
    def __init__(self) -> None:
        super().__init__("This check-in has no drafted ask waiting for you to confirm.")


class UnknownHolidayRegion(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "The holidays calendar does not know this country or subdivision.",
            fields={"holiday_country": "unknown country or subdivision"},
        )


class PracticeNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such stand-up practice, or it is not yours to see.")


class PracticeAlreadyActive(Conflict):
    def __init__(self, ends_on: str) -> None:
        super().__init__(
            f"This team already has a stand-up practice under way (until {ends_on}): "
            "stop it first, or let it finish."
        )


class PracticeNotActive(Conflict):
    def __init__(self) -> None:
        super().__init__("This practice has already ended or been stopped.")


class RetroClosed(Conflict):
    def __init__(self) -> None:
        super().__init__("The practice's retro is open from its mid-point to its last day: not now.")


class PracticeStartTooFar(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "A practice starts today, within the next 30 days, or up to 7 days back.",
            fields={"starts_on": "out of range"},
        )


class NoStandupForPractice(Conflict):
    def __init__(self) -> None:
        super().__init__("Set the team's stand-up up (and switch it on) before starting a practice.")

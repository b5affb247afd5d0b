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

"""Errors of the routing domain."""

from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class RouteNotFound(NotFound):
    """Also what someone else's route request looks like: it is not theirs to see."""

    def __init__(self) -> None:
        super().__init__("No such request for help addressed to you.")


class RouteAlreadyAnswered(Conflict):
    def __init__(self, state: str) -> None:
        super().__init__(f"You already answered this request ({state}).")


class AskNoLongerOpen(Conflict):
    def __init__(self) -> None:
        super().__init__("This ask is closed: it no longer needs help.")


class InvalidSuggestion(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"person_id": message})


class NotTeamLead(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Only the team's leads and admins can change its routing.")

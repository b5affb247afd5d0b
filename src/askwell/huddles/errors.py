"""Errors of the huddles domain."""

from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class HuddleNotFound(NotFound):
    """Also what a huddle looks like to someone neither calling nor invited."""

    def __init__(self) -> None:
        super().__init__("No such huddle, or you are not part of it.")


class NobodyInWorkingHours(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Nobody who could help is in working hours right now, so no invitation was sent. "
            "Try again later, or write an ask instead."
        )


class NotTheCaller(PermissionDenied):
    def __init__(self, action: str) -> None:
        super().__init__(f"Only the person who called the huddle can {action}.")


class NotInvited(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("You are not invited to this huddle.")


class HuddleOver(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"This huddle is {status}: it can no longer change.")


class TooEarlyForOutcome(Conflict):
    def __init__(self) -> None:
        super().__init__("Record the outcome once the huddle has started.")


class InvalidThanks(InvalidInput):
    def __init__(self) -> None:
        super().__init__("Thank only people invited to this huddle.", fields={"thank": "invalid"})

"""Errors of the rings domain."""

from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class RingNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such ring, or it is not open to you.")


class RingRequestNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such request in this ring.")


class PairingNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such pairing in this ring.")


class NotAFacilitator(PermissionDenied):
    def __init__(self, action: str) -> None:
        super().__init__(f"Only the ring's facilitators can {action}.")


class NotAParticipant(PermissionDenied):
    def __init__(self, action: str) -> None:
        super().__init__(f"Join the ring to {action}.")


class NotInvited(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("This ring is by invitation; ask a facilitator to invite you.")


class RingClosed(Conflict):
    def __init__(self, action: str = "take part") -> None:
        super().__init__(f"This ring is closed: you can no longer {action}.")


class RingFull(Conflict):
    def __init__(self, capacity: int) -> None:
        super().__init__(f"This ring is full ({capacity} participants).")


class RingNotRunning(Conflict):
    def __init__(self, action: str) -> None:
        super().__init__(f"The ring is not running, so you cannot {action} now.")


class RequestAlreadyMade(Conflict):
    def __init__(self) -> None:
        super().__init__("You already brought a request to this ring: edit it instead.")


class OwnRequest(InvalidInput):
    def __init__(self) -> None:
        super().__init__("You cannot offer help on your own request.")


class AlreadyOfferedInRing(Conflict):
    def __init__(self) -> None:
        super().__init__("You already offered help on this request.")


class RequestWithdrawn(Conflict):
    def __init__(self) -> None:
        super().__init__("This request was withdrawn: its author left the ring.")


class RingChanged(Conflict):
    """The console acted on a version of the ring someone else had already moved on."""

    def __init__(self) -> None:
        super().__init__("Another facilitator moved the ring on first; the console now shows where it is.")


class StatusNotAllowed(Conflict):
    def __init__(self, current: str, action: str) -> None:
        super().__init__(f"A ring that is {current} cannot {action}.")


class NothingToConfirm(Conflict):
    def __init__(self) -> None:
        super().__init__("There is no proposed pairing to confirm: propose an assignment first.")


class InvalidPairing(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__(message)

"""Errors of the asks domain."""

from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class AskNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such ask, or it is not shared with you.")


class OfferNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such offer.")


class NotYourAsk(PermissionDenied):
    def __init__(self, action: str) -> None:
        super().__init__(f"Only the person who asked can {action}.")


class NotYourOffer(PermissionDenied):
    def __init__(self, action: str) -> None:
        super().__init__(f"Only the person who offered can {action}.")


class TransitionNotAllowed(Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An ask that is {current.replace('_', ' ')} cannot become {target.replace('_', ' ')}."
        )


class OfferTransitionNotAllowed(Conflict):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"An offer that is {current} cannot become {target}.")


class OwnAsk(InvalidInput):
    def __init__(self) -> None:
        super().__init__("You cannot offer help on your own ask.")


class AlreadyOffered(Conflict):
    def __init__(self) -> None:
        super().__init__("You already have an open offer on this ask.")


class AlreadyThanked(Conflict):
    def __init__(self) -> None:
        super().__init__("You already thanked them for this offer.")


class NothingToThankYet(Conflict):
    def __init__(self) -> None:
        super().__init__("You can thank someone once their offer is marked done.")


class AskClosed(Conflict):
    def __init__(self) -> None:
        super().__init__("This ask is closed; it no longer takes offers or edits.")


class DueInPast(InvalidInput):
    def __init__(self) -> None:
        super().__init__("The due date is in the past.", fields={"due": "Choose a date in the future."})


class NothingToFinish(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "Nobody's help was accepted or given yet: close the ask and say how it went instead."
        )

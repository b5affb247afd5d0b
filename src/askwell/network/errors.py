"""Errors of the network domain: each names what went wrong and carries its HTTP status."""

from __future__ import annotations

from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class TieToSelf(InvalidInput):
    def __init__(self, field: str = "person_id") -> None:
        super().__init__("A tie needs two different people.", fields={field: "Choose someone else."})


class TieExists(Conflict):
    def __init__(self) -> None:
        super().__init__("These two people already have a tie; activity strengthens it from here.")


class TieNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such tie.")


class IntroNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such introduction, or it is not yours to see.")


class NotYourIntroStep(PermissionDenied):
    def __init__(self, who: str) -> None:
        super().__init__(f"Only the {who} can answer this step of the introduction.")


class IntroNotPending(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"This introduction is {status.replace('_', ' ')}; it no longer takes that answer.")


class IntroAlreadyPending(Conflict):
    def __init__(self) -> None:
        super().__init__("You already asked this person for this introduction; it is still pending.")


class NoTieToConnector(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "You have no tie with this person yet: ask someone you know to introduce you.",
            fields={"connector_id": "Choose someone you know."},
        )


class NoTieToTarget(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "The connector has no tie with that person, so cannot introduce you.",
            fields={"target_id": "Choose someone the connector knows."},
        )


class NobodyToIntroduce(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "The connector knows nobody who matches this ask yet.",
            fields={"connector_id": "Choose another connector."},
        )


class TargetOptedOut(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "That person has opted out of being suggested for help.",
            fields={"target_id": "Choose someone else."},
        )


class InvalidIntroParty(InvalidInput):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, fields={field: message})


class NeedAskOrQuery(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "Say what you need: choose one of your asks or describe it in a few words.",
            fields={"query": "Describe what you need, or choose an ask."},
        )


class NotYourAskForIntro(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Only the person who asked can look for introductions for this ask.")


class HealthNotAllowed(PermissionDenied):
    def __init__(self, reason: str = "Only team leads and admins see network health.") -> None:
        super().__init__(reason)


class HealthGroupTooSmall(HealthNotAllowed):
    """A lead whose teams are too small to show aggregates that would not point at someone.

    Not a question of rights (the lead may see health): pages explain it instead of refusing.
    """

    def __init__(self, min_group: int) -> None:
        super().__init__(
            f"Network health is shown for groups of at least {min_group} people, so that nobody's own "
            "ties can be picked out of the figures. Your teams are smaller than that for now."
        )

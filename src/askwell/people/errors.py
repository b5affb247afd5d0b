"""Errors of the people domain."""

from askwell.core.errors import Conflict, NotFound, PermissionDenied


class PersonNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such person in your organization.")


class TeamNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such team in your organization.")


class OrganizationNotFound(NotFound):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No organization with the slug {slug!r}.")


class EmailTaken(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(f"{email} already belongs to someone in this organization.")


class TeamExists(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(f"A team called {name!r} already exists.")


class SlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__(f"The organization slug {slug!r} is taken.")


class NotAllowed(PermissionDenied):
    def __init__(self, action: str) -> None:
        super().__init__(f"You are not allowed to {action}.")

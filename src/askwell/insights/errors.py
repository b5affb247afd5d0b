"""Errors of the insights domain."""

from askwell.core.errors import NotFound, PermissionDenied


class IndividualAnalyticsOff(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Your organization has switched individual analytics off; only team figures exist.")


class BalanceNotShared(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("This balance is private: its owner has not shared it with you.")


class NotTheirLead(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("Team insight is for the team's leads and the organization's admins.")


class AdminsOnly(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("The organization's insight is for its admins.")


class LeadsOnly(PermissionDenied):
    def __init__(self) -> None:
        super().__init__("The leader mirror is for team leads.")


class PersonNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such person in your organization.")


class TeamNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such team in your organization.")

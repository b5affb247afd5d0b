"""Errors of the Slack domain."""

from __future__ import annotations

from askwell.core.errors import AskwellError, InvalidInput, NotFound


class SlackNotConfigured(AskwellError):
    """The deployment has no Slack app (client id, secret, signing secret, token key)."""

    def __init__(self) -> None:
        super().__init__(
            "Slack is not configured on this server: set ASKWELL_SLACK_CLIENT_ID, "
            "ASKWELL_SLACK_CLIENT_SECRET and ASKWELL_SLACK_SIGNING_SECRET.",
            status_code=409,
        )


class InstallRefused(InvalidInput):
    """Slack's answer to an install cannot be used: bad or used state, a refused code, or a workspace
    that is another organization's."""


class WorkspaceTaken(AskwellError):
    def __init__(self) -> None:
        super().__init__(
            "This Slack workspace is already connected to another Askwell organization. "
            "Remove it there first.",
            status_code=409,
        )


class NotInstalled(NotFound):
    def __init__(self) -> None:
        super().__init__("Slack is not installed for your organization.")


class UnknownSlackUser(NotFound):
    """A Slack user we cannot tie to a person of the organization."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Your Slack account is not linked to Askwell yet. Ask an admin to match people by email, "
            "or to link you by hand on the Slack settings page."
        )

    @classmethod
    def about_someone_else(cls) -> UnknownSlackUser:
        return cls("That person's Slack account is not linked to Askwell, so they cannot be asked here.")

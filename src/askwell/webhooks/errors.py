"""Errors of the webhooks domain."""

from askwell.core.errors import InvalidInput, NotFound


class EndpointNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such webhook endpoint in your organization.")


class TargetNotAllowed(InvalidInput):
    """The URL is malformed or points inside our network (SSRF protection)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, fields={"url": reason})


class UnknownEventType(InvalidInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name!r} is not an event type.", fields={"events": f"Unknown event {name!r}."})

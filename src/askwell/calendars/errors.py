"""Errors of the calendars domain."""

from askwell.core.errors import NotFound


class FeedNotFound(NotFound):
    """An unknown or revoked feed secret: the same answer for both, so a guess learns nothing."""

    def __init__(self) -> None:
        super().__init__("No such calendar feed.")

"""Errors of the accounts domain. Messages never reveal whether an email has an account."""

from askwell.core.errors import InvalidInput, NotAuthenticated, NotFound, TooManyRequests


class BadCredentials(NotAuthenticated):
    def __init__(self) -> None:
        super().__init__("That email and password do not match an account.")


class TooManyAttempts(TooManyRequests):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many failed sign-ins. Try again in {minutes} minutes or reset your password.")
        self.retry_after = minutes * 60


class SlowDown(TooManyRequests):
    """Many failed sign-ins from one address: a short, growing wait, never a lock-out of bystanders."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            f"Many sign-ins failed from your network. Please wait {seconds} seconds and try again."
        )
        self.retry_after = seconds


class TokenInvalid(NotFound):
    def __init__(self, what: str) -> None:
        super().__init__(f"This {what} link is invalid, was already used, or has expired.")


class WeakPassword(InvalidInput):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, fields={"password": reason})

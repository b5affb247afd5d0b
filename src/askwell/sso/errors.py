"""Errors of the single sign-on domain. Each is the answer the sign-in page shows."""

from askwell.core.errors import AskwellError, InvalidInput, NotAuthenticated, NotFound


class SsoNotConfigured(NotFound):
    def __init__(self) -> None:
        super().__init__("This organization does not use single sign-on.")


class SignInExpired(AskwellError):
    """The callback's state matches no sign-in started in this browser for this organization."""

    status_code = 400

    def __init__(self) -> None:
        super().__init__("This sign-in has expired or was started elsewhere. Start again.")


class SsoRefused(NotAuthenticated):
    """The provider's answer does not let this person in (unverified email, wrong audience, ...)."""


class ProviderUnavailable(AskwellError):
    """The identity provider could not be reached or answered nonsense: not the person's fault."""

    status_code = 502


class BadSsoSettings(InvalidInput):
    pass

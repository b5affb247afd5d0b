"""The one shape of a page form's POST: validate, call one service, commit, redirect; or, refused, roll
back and show the same page again, in place, with the reason and everything the person typed.

Routes hand in two closures: ``act`` (builds the schema, calls the service, returns the redirect) and
``again`` (draws the page the form was on, with the refusal's messages and the posted values). Pages
answer a full page or an htmx partial inside ``again``, as they do for a plain view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from askwell.core.errors import AskwellError, InvalidInput, NotAuthenticated, NotFound
from askwell.web.forms import field_errors

# What services put beside a field for the API's benefit ("empty", "invalid"): a page shows the
# error's own sentence instead of a bare code.
_CODES = frozenset({"empty", "invalid"})


@dataclass(frozen=True)
class Refusal:
    """Why a form was refused: one message per field (``__all__`` for the form), and the status."""

    errors: dict[str, str]
    status: int


def refusal_of(exc: AskwellError | ValidationError) -> Refusal:
    if isinstance(exc, ValidationError):
        return Refusal(field_errors(exc), 422)
    fields = exc.fields if isinstance(exc, InvalidInput) else {}
    return Refusal(
        {"__all__": exc.message, **{k: v for k, v in fields.items() if v not in _CODES}}, exc.status_code
    )


def form_action(
    db: Session,
    act: Callable[[], Response],
    *,
    again: Callable[[Refusal], Response],
    not_found: Mapping[str, str] | None = None,
) -> Response:
    """Run ``act`` and commit, or roll back and answer ``again(refusal)`` for any domain or validation error.

    ``not_found`` is for forms that name other things (a team, a person): a lookup they miss is the
    form's mistake (422, these field messages), not a missing page. Without it a miss stays a 404,
    as it does when the page itself is gone (``again`` raises it anew). Signed-out requests are not
    refused here: the error pages send them to sign in.
    """
    try:
        response = act()
    except NotAuthenticated:
        raise
    except NotFound as exc:
        if not_found is None:
            raise
        db.rollback()
        return again(Refusal({"__all__": exc.message, **not_found}, 422))
    except (AskwellError, ValidationError) as exc:
        db.rollback()
        return again(refusal_of(exc))
    db.commit()
    return response

"""The Slack app's use cases: installing it into an organization, linking people to Slack users, and
turning what Slack sends (a slash command, a modal, a button) into the asks and routing services' own
use cases. Every call to Slack's Web API is a ``slack.call`` job (the outbox), made after the commit.

**Install** (OAuth v2): ``start_install`` (an admin; a state hashed and bound to them, ten minutes,
good once) → Slack's consent page → the callback route: ``claim_state`` (flush), the route commits,
``exchange`` (``oauth.v2.access``: the one Slack call made in a request, because the admin is waiting
for its answer, and never inside a transaction), ``save_installation``. A workspace already installed
into another organization is refused (``WorkspaceTaken``): Slack names only the workspace in what it
sends, so it must lead to one organization.

**People** are linked by email: ``match_people`` queues one ``users.lookupByEmail`` call per person
without a link; Slack answers only for its users' confirmed addresses, and a user Slack marks
unconfirmed, deleted or a bot is skipped. An admin's manual link (``link_by_hand``) wins over matching.

**Calls** (``perform_call``, run by the job): a 429 puts the call off by its ``Retry-After`` as a new
job (at most ``slack_max_rate_limited`` times); a revoked token (``invalid_auth``, ``token_revoked``)
switches the installation off, and later calls for it are dropped; no answer or a 5xx raises, so the
job system retries with back-off (``slack_max_attempts``). A call is made at least once, never queued
twice (each has an id; its put-off copies have dedupe keys).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.orm import Session

from askwell.accounts.secrets import new_token, token_hash
from askwell.asks import repository as asks_repo
from askwell.asks import service as asks_service
from askwell.asks.coaching import Review
from askwell.asks.models import Ask, OfferKind
from askwell.asks.schemas import AskCreate, CoachRequest, OfferCreate
from askwell.core import events as ev
from askwell.core.clock import Now
from askwell.core.config import Settings
from askwell.core.db import begin_read
from askwell.core.encryption import SecretUnreadable, box_for
from askwell.core.errors import AskwellError, InvalidInput
from askwell.core.jobs import PermanentJobError, enqueue
from askwell.integrations import slack_api
from askwell.people import repository as people_repo
from askwell.people.errors import NotAllowed
from askwell.people.policy import Actor, can_administer
from askwell.routing import service as routing
from askwell.routing.schemas import RouteCant, RouteClaim, RouteSuggest
from askwell.slack import blocks, repository
from askwell.slack.errors import (
    InstallRefused,
    NotInstalled,
    SlackNotConfigured,
    UnknownSlackUser,
    WorkspaceTaken,
)
from askwell.slack.models import LinkSource, SlackInstallation, SlackInstallState, SlackLink, SlackSubmission
from askwell.slack.schemas import InstallationRead, LinkRead, LinkWrite

log = logging.getLogger(__name__)


def _obj(value: object) -> dict[str, Any]:
    """A JSON object from Slack's payload, or empty when it is missing or not an object."""
    return value if isinstance(value, dict) else {}


CALL = "slack.call"
MATCH = "slack.match_people"
#: The bot's scopes: commands and DMs, and finding people by email.
SCOPES = ("commands", "chat:write", "im:write", "users:read", "users:read.email")
STATE_LIFETIME = timedelta(minutes=10)
DEFAULT_OFFER = "I can help with this (from Slack): I'll get in touch."
#: Tries of a call that gets no answer (the job queue's back-off: 10 s doubling, at most an hour, so
#: about three hours of Slack outage before a call is given up and left failed in the jobs table).
MAX_ATTEMPTS = 10


def configured(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret and settings.slack_signing_secret)


def _secret(value: Any) -> str:
    return value.get_secret_value() if value is not None else ""


def _admin(actor: Actor) -> None:
    if not can_administer(actor):
        raise NotAllowed("manage the Slack app")


# --- install ---------------------------------------------------------------------------------------


def start_install(db: Session, *, actor: Actor, settings: Settings, redirect_uri: str, now: datetime) -> str:
    """Where to send the admin: Slack's consent page, with a state bound to them."""
    _admin(actor)
    if not configured(settings):
        raise SlackNotConfigured()
    state = new_token()
    db.add(
        SlackInstallState(
            org_id=actor.org_id,
            person_id=actor.person_id,
            state_hash=token_hash(state),
            created_at=now,
            expires_at=now + STATE_LIFETIME,
        )
    )
    repository.purge_states(db, before=now)
    db.flush()
    query = urlencode(
        {
            "client_id": settings.slack_client_id,
            "scope": ",".join(SCOPES),
            "state": state,
            "redirect_uri": redirect_uri,
        }
    )
    return f"{settings.slack_authorize_url}?{query}"


def claim_state(db: Session, *, actor: Actor, state: str, now: datetime) -> None:
    """Slack's callback names a state we gave this admin, unused and in time: use it up."""
    _admin(actor)
    found = repository.state(db, state_hash=token_hash(state)) if state else None
    if (
        found is None
        or found.org_id != actor.org_id
        or found.person_id != actor.person_id
        or found.expires_at < now
        or not repository.use_state(db, state_id=found.id, now=now)
    ):
        raise InstallRefused("This Slack install link is not valid any more. Start again from this page.")


def exchange(*, code: str, settings: Settings, redirect_uri: str) -> dict[str, Any]:
    """``oauth.v2.access``: the code for the bot token (no transaction may be open here)."""
    if not configured(settings):
        raise SlackNotConfigured()
    answer = slack_api.exchange_code(
        client_id=settings.slack_client_id or "",
        client_secret=_secret(settings.slack_client_secret),
        code=code,
        redirect_uri=redirect_uri,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_seconds,
    )
    if not answer.ok:
        raise InstallRefused(f"Slack refused the install ({answer.error}). Start again from this page.")
    return answer.data


def save_installation(
    db: Session, *, actor: Actor, granted: dict[str, Any], settings: Settings, now: datetime
) -> SlackInstallation:
    """Store what ``oauth.v2.access`` granted (the token encrypted), then match people by email."""
    _admin(actor)
    team = _obj(granted.get("team"))
    team_id, token = str(team.get("id") or ""), str(granted.get("access_token") or "")
    if not team_id or not token.startswith("xoxb-"):
        raise InstallRefused("Slack's answer had no workspace or bot token. Start again from this page.")
    taken = repository.installation_of_team(db, team_id=team_id)
    if taken is not None and taken.org_id != actor.org_id:
        raise WorkspaceTaken()
    encrypted = box_for(settings).seal(token)
    installation = repository.installation(db, org_id=actor.org_id)
    if installation is not None and installation.team_id != team_id:
        repository.delete_installation(db, org_id=actor.org_id)  # another workspace: its links go too
        db.flush()
        installation = None
    if installation is None:
        installation = SlackInstallation(org_id=actor.org_id, team_id=team_id, installed_at=now)
        db.add(installation)
    installation.team_name = str(team.get("name") or "")[:200]
    installation.bot_user_id = str(granted.get("bot_user_id") or "")[:32]
    installation.bot_token = encrypted
    installation.scopes = str(granted.get("scope") or "")[:1000]
    installation.active, installation.inactive_reason = True, None
    installation.installed_by_id = actor.person_id or None
    installation.updated_at = now
    db.flush()
    enqueue(db, MATCH, {"org_id": actor.org_id}, now=now, org_id=actor.org_id)
    return installation


def remove(db: Session, *, actor: Actor) -> None:
    _admin(actor)
    if not repository.delete_installation(db, org_id=actor.org_id):
        raise NotInstalled()
    db.flush()


def status(db: Session, *, actor: Actor) -> tuple[InstallationRead | None, list[LinkRead]]:
    _admin(actor)
    installation = repository.installation(db, org_id=actor.org_id)
    if installation is None:
        return None, []
    links = [LinkRead.model_validate(link) for link in repository.links(db, org_id=actor.org_id)]
    return InstallationRead.model_validate(installation), links


# --- people ----------------------------------------------------------------------------------------


def rematch(db: Session, *, actor: Actor, now: datetime) -> None:
    """An admin's "match people by email" (people who joined since the install)."""
    _admin(actor)
    if repository.installation(db, org_id=actor.org_id) is None:
        raise NotInstalled()
    enqueue(db, MATCH, {"org_id": actor.org_id}, now=now, org_id=actor.org_id)


def match_people(db: Session, *, org_id: int, now: datetime) -> int:
    """Queue a ``users.lookupByEmail`` for each active person without a link; returns how many."""
    installation = repository.installation(db, org_id=org_id)
    if installation is None or not installation.active:
        return 0
    linked = {link.person_id for link in repository.links(db, org_id=org_id)}
    people = [p for p in people_repo.all_people(db, org_id=org_id) if p.is_active and p.id not in linked]
    for person in people[: repository.MATCH_BATCH]:
        queue_call(
            db,
            org_id=org_id,
            method="users.lookupByEmail",
            args={"email": person.email},
            now=now,
            then={"link": person.id},
        )
    return min(len(people), repository.MATCH_BATCH)


def link_by_hand(db: Session, *, actor: Actor, data: LinkWrite, now: datetime) -> SlackLink:
    """An admin says who a person is in Slack (overrides matching by email)."""
    _admin(actor)
    if repository.installation(db, org_id=actor.org_id) is None:
        raise NotInstalled()
    person = people_repo.get_person(db, actor=actor, person_id=data.person_id)
    other = repository.link_of_user(db, org_id=actor.org_id, slack_user_id=data.slack_user_id)
    if other is not None and other.person_id != person.id:
        raise InvalidInput(
            "That Slack user is linked to someone else; unlink them first.",
            fields={"slack_user_id": "already linked to another person"},
        )
    link = repository.link_of_person(db, org_id=actor.org_id, person_id=person.id)
    if link is None:
        link = SlackLink(org_id=actor.org_id, person_id=person.id, linked_at=now)
        db.add(link)
    link.slack_user_id, link.source, link.linked_at = data.slack_user_id, LinkSource.MANUAL.value, now
    db.flush()
    return link


def unlink(db: Session, *, actor: Actor, person_id: int) -> None:
    _admin(actor)
    person = people_repo.get_person(db, actor=actor, person_id=person_id, include_inactive=True)
    repository.unlink(db, org_id=actor.org_id, person_id=person.id)
    db.flush()


def _link_from_lookup(
    db: Session, *, org_id: int, person_id: int, data: dict[str, Any], now: datetime
) -> None:
    user = _obj(data.get("user"))
    user_id = str(user.get("id") or "")
    if (
        not user_id
        or user.get("deleted")
        or user.get("is_bot")
        or user.get("is_email_confirmed") is False
        or user.get("team_id") not in (None, _team_of(db, org_id))
    ):
        log.info("slack: lookup for person %s found no usable Slack user", person_id)
        return
    if people_repo.person_in_org(db, org_id=org_id, person_id=person_id) is None:
        return
    if repository.link_of_person(db, org_id=org_id, person_id=person_id) is not None:
        return  # linked meanwhile (by hand, say): a manual link is never overridden
    if repository.link_of_user(db, org_id=org_id, slack_user_id=user_id) is not None:
        return
    db.add(
        SlackLink(
            org_id=org_id,
            person_id=person_id,
            slack_user_id=user_id[:32],
            source=LinkSource.EMAIL.value,
            linked_at=now,
        )
    )
    db.flush()


def _team_of(db: Session, org_id: int) -> str | None:
    installation = repository.installation(db, org_id=org_id)
    return installation.team_id if installation is not None else None


# --- what Slack sends ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlackPerson:
    """A Slack user of an installed workspace, as the person they are linked to."""

    actor: Actor
    org_id: int
    tz: ZoneInfo


def installation_for_team(db: Session, *, team_id: str) -> SlackInstallation:
    installation = repository.installation_of_team(db, team_id=team_id)
    if installation is None or not installation.active:
        raise NotInstalled()
    return installation


def person_for(db: Session, *, team_id: str, user_id: str) -> SlackPerson:
    installation = installation_for_team(db, team_id=team_id)
    link = repository.link_of_user(db, org_id=installation.org_id, slack_user_id=user_id)
    person = (
        people_repo.person_in_org(db, org_id=installation.org_id, person_id=link.person_id)
        if link is not None
        else None
    )
    if person is None:
        raise UnknownSlackUser()
    try:
        tz = ZoneInfo(person.timezone or "UTC")
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return SlackPerson(actor=people_repo.actor_for(db, person), org_id=installation.org_id, tz=tz)


def open_ask_modal(
    db: Session, *, team_id: str, user_id: str, trigger_id: str, text: str, now: datetime
) -> None:
    """``/ask [text]``: queue ``views.open`` with the modal pre-filled (the trigger lasts 3 seconds,
    so the call is tried once)."""
    who = person_for(db, team_id=team_id, user_id=user_id)
    queue_call(
        db,
        org_id=who.org_id,
        method="views.open",
        args={"trigger_id": trigger_id, "view": blocks.ask_modal(text)},
        now=now,
        max_attempts=1,
    )


def submit_ask(
    db: Session, *, team_id: str, user_id: str, view: dict[str, Any], base_url: str, now: datetime
) -> dict[str, Any]:
    """The modal's "Post ask": open a normal ask as the linked person; the answer for Slack is the
    modal updated with the SMART coaching, or the fields' errors (Slack shows them in place)."""
    who = person_for(db, team_id=team_id, user_id=user_id)
    view_id = str(view.get("id") or "")[:64]
    if view_id and repository.submission(db, org_id=who.org_id, view_id=view_id) is not None:
        # A replayed or repeated submission of a modal already posted: no second ask.
        return {"response_action": "clear"}
    values = blocks.submitted(view)
    try:
        due = date.fromisoformat(values.due) if values.due else None
        data = AskCreate(title=values.title, body=values.body, due=due, publish=True)
    except (ValidationError, ValueError) as exc:
        return {"response_action": "errors", "errors": _field_errors(exc)}
    try:
        ask = asks_service.create_ask(db, actor=who.actor, data=data, now=now)
    except InvalidInput as exc:
        block = blocks.DUE_BLOCK if "due" in (exc.fields or {}) else blocks.TITLE_BLOCK
        return {"response_action": "errors", "errors": {block: exc.message[:150]}}
    if view_id:
        db.add(SlackSubmission(org_id=who.org_id, view_id=view_id, ask_id=ask.id, submitted_at=now))
        db.flush()
    review = asks_service.coach(data, tz=who.tz, now=now)
    view_ = blocks.ask_posted(
        title=ask.title, url=f"{base_url}/asks/{ask.id}", score=review.score, coaching=_lines(review)
    )
    return {"response_action": "update", "view": view_}


_CRITERIA = {"S": "Specific", "M": "Meaningful", "A": "Action", "R": "Realistic", "T": "Time-bound"}


def _lines(review: Review) -> list[blocks.CoachingLine]:
    return [
        blocks.CoachingLine(_CRITERIA.get(c.criterion, c.criterion), c.status, c.rewrite or c.reason)
        for c in review.criteria
    ]


def coach_live(db: Session, *, team_id: str, user_id: str, view: dict[str, Any], now: datetime) -> bool:
    """As the person types in the modal: queue ``views.update`` with the SMART coaching of what they
    wrote (the rules alone, as the stored score; nothing is saved). The view's ``hash`` makes Slack
    refuse an update older than the person's latest keystroke. Returns whether an update was queued."""
    who = person_for(db, team_id=team_id, user_id=user_id)
    values = blocks.submitted(view)
    view_id, hash_ = str(view.get("id") or "")[:64], str(view.get("hash") or "")[:128]
    if not view_id or len(values.title) + len(values.body) < 3:
        return False
    try:
        due = date.fromisoformat(values.due) if values.due else None
        request = CoachRequest(title=values.title[: blocks.TITLE_MAX], text=values.body, due=due)
        review = asks_service.coach_request(request, tz=who.tz, now=now)
    except (ValidationError, ValueError, InvalidInput):
        return False
    updated = blocks.coached_modal(
        title=values.title, body=values.body, due=values.due, score=review.score, coaching=_lines(review)
    )
    queue_call(
        db,
        org_id=who.org_id,
        method="views.update",
        args={"view_id": view_id, "hash": hash_, "view": updated},
        now=now,
        max_attempts=1,
    )
    return True


def _field_errors(exc: Exception) -> dict[str, str]:
    if isinstance(exc, ValidationError):
        found: dict[str, str] = {}
        for error in exc.errors():
            where = str(error["loc"][0]) if error["loc"] else "title"
            block = {"body": blocks.BODY_BLOCK, "due": blocks.DUE_BLOCK}.get(where, blocks.TITLE_BLOCK)
            found.setdefault(block, str(error["msg"])[:150])
        return found
    return {blocks.DUE_BLOCK: "Pick a date."}


def answer_button(
    db: Session,
    *,
    team_id: str,
    user_id: str,
    action: str,
    target_id: int,
    channel: str,
    ts: str,
    now: datetime,
    suggested_user: str = "",
) -> str:
    """A button on an outreach DM: Claim, Can't or Suggest someone on a routed request (``target_id``
    is the route's id) through the routing service (Claim makes an offer on the ask; a suggestion
    asks the person linked to the chosen Slack user), or "I can help" on a direct ask (the ask's id)
    through ``asks.offer_help``. The DM's buttons are replaced by what happened (``chat.update``).
    Returns that text."""
    who = person_for(db, team_id=team_id, user_id=user_id)
    try:
        with db.begin_nested():  # a refusal (already answered, ask closed) undoes only this step
            text = _answer_route(
                db, who=who, action=action, target_id=target_id, suggested_user=suggested_user, now=now
            )
    except AskwellError as exc:
        text = exc.message
    if channel and ts:
        queue_call(
            db,
            org_id=who.org_id,
            method="chat.update",
            args={"channel": channel, "ts": ts, **blocks.answered(text)},
            now=now,
        )
    return text


def _answer_route(
    db: Session, *, who: SlackPerson, action: str, target_id: int, suggested_user: str, now: datetime
) -> str:
    if action == blocks.CLAIM:
        routing.claim(db, actor=who.actor, route_id=target_id, data=RouteClaim(), now=now)
        return "You claimed it: your offer is on the ask, and the asker has been told. Thank you!"
    if action == blocks.CANT:
        routing.cant(db, actor=who.actor, route_id=target_id, data=RouteCant(), now=now)
        return "No problem: someone else will be asked."
    if action == blocks.OFFER:
        asks_service.offer_help(
            db,
            actor=who.actor,
            ask_id=target_id,
            data=OfferCreate(kind=OfferKind.DO, message=DEFAULT_OFFER),
            now=now,
        )
        return "Thank you: your offer is on the ask, and the asker has been told."
    link = repository.link_of_user(db, org_id=who.org_id, slack_user_id=suggested_user)
    if link is None:
        raise UnknownSlackUser.about_someone_else()
    routing.suggest(
        db, actor=who.actor, route_id=target_id, data=RouteSuggest(person_id=link.person_id), now=now
    )
    return "Thanks: they have been asked, with your name as the one who suggested them."


def publish_home(db: Session, *, team_id: str, user_id: str, base_url: str, now: datetime) -> None:
    """``app_home_opened``: queue ``views.publish`` of the person's App Home."""
    who = person_for(db, team_id=team_id, user_id=user_id)
    asks, _counts = asks_repo.my_open_asks(db, actor=who.actor, limit=10)
    offers = asks_repo.my_open_offers(db, actor=who.actor, limit=10)
    view = blocks.home(
        asks=[blocks.HomeItem(a.title, f"{base_url}/asks/{a.id}") for a in asks],
        offers=[
            blocks.HomeItem(f"{o.ask_title} ({o.status})", f"{base_url}/asks/{o.ask_id}") for o in offers
        ],
        balance_url=f"{base_url}/insights",
    )
    queue_call(
        db, org_id=who.org_id, method="views.publish", args={"user_id": user_id, "view": view}, now=now
    )


def uninstalled(db: Session, *, team_id: str, reason: str, now: datetime) -> bool:
    """Slack says the app was uninstalled or its tokens revoked: switch the installation off."""
    installation = repository.installation_of_team(db, team_id=team_id)
    if installation is None:
        return False
    return repository.deactivate(db, org_id=installation.org_id, reason=reason, now=now)


# --- outreach (subscribers) ------------------------------------------------------------------------


def outreach(db: Session, event: ev.RouteRequested, *, base_url: str) -> bool:
    """In the routing transaction: a DM with Claim / Can't for the person asked, when they are linked."""
    installation = repository.installation(db, org_id=event.org_id)
    link = repository.link_of_person(db, org_id=event.org_id, person_id=event.person_id)
    if installation is None or not installation.active or link is None:
        return False
    person = people_repo.person_in_org(db, org_id=event.org_id, person_id=event.person_id)
    author = people_repo.person_in_org(db, org_id=event.org_id, person_id=event.author_id)
    if person is None:
        return False
    ask: Ask = asks_repo.get_ask(db, actor=people_repo.actor_for(db, person), ask_id=event.ask_id)
    suggested_by = (
        people_repo.person_in_org(db, org_id=event.org_id, person_id=event.suggested_by_id)
        if event.suggested_by_id
        else None
    )
    message = blocks.outreach(
        route_id=event.route_id,
        author=author.name if author is not None else "A colleague",
        title=ask.title,
        url=f"{base_url}/asks/{ask.id}",
        suggested_by=suggested_by.name if suggested_by is not None else None,
    )
    queue_call(
        db,
        org_id=event.org_id,
        method="chat.postMessage",
        args={"channel": link.slack_user_id, **message},
        now=event.at,
        key=f"route:{event.route_id}",
    )
    return True


def direct_ask_dm(db: Session, event: ev.AskedDirectly, *, base_url: str) -> bool:
    """In the asking transaction: a DM with "I can help" for someone asked directly, when linked."""
    installation = repository.installation(db, org_id=event.org_id)
    link = repository.link_of_person(db, org_id=event.org_id, person_id=event.person_id)
    if installation is None or not installation.active or link is None:
        return False
    person = people_repo.person_in_org(db, org_id=event.org_id, person_id=event.person_id)
    author = people_repo.person_in_org(db, org_id=event.org_id, person_id=event.author_id)
    if person is None:
        return False
    ask = asks_repo.get_ask(db, actor=people_repo.actor_for(db, person), ask_id=event.ask_id)
    message = blocks.asked_directly(
        ask_id=ask.id,
        author=author.name if author is not None else "A colleague",
        title=ask.title,
        url=f"{base_url}/asks/{ask.id}",
    )
    queue_call(
        db,
        org_id=event.org_id,
        method="chat.postMessage",
        args={"channel": link.slack_user_id, **message},
        now=event.at,
        key=f"asked:{ask.id}:{person.id}",
    )
    return True


# --- calls (the outbox) ----------------------------------------------------------------------------


def queue_call(
    db: Session,
    *,
    org_id: int,
    method: str,
    args: dict[str, Any],
    now: datetime,
    then: dict[str, Any] | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
) -> None:
    """One Web API call as a job in the caller's transaction (sent only after its commit)."""
    call_id = key or uuid.uuid4().hex
    enqueue(
        db,
        CALL,
        {"org_id": org_id, "method": method, "args": args, "then": then or {}, "call": call_id, "limited": 0},
        now=now,
        org_id=org_id,
        dedupe_key=f"slack:{org_id}:{call_id}:0",
        max_attempts=max_attempts or MAX_ATTEMPTS,
    )


@dataclass(frozen=True)
class CallOutcome:
    """What a call job came to, for its log line and for tests."""

    kind: str  # "sent", "rate_limited", "revoked", "dropped"
    error: str | None = None


def perform_call(db: Session, *, payload: dict[str, Any], settings: Settings, now_fn: Now) -> CallOutcome:
    """Run one ``slack.call`` job: read the token, end the read, call Slack, record what it said.

    Raises for no answer or a 5xx (the job is retried with back-off) and ``PermanentJobError`` for an
    error no retry can mend; the caller commits.
    """
    org_id, method = int(payload["org_id"]), str(payload["method"])
    begin_read(db)
    installation = repository.installation(db, org_id=org_id)
    if installation is None or not installation.active:
        log.info("slack: %s dropped: org %s has no active installation", method, org_id)
        return CallOutcome("dropped")
    try:
        token = box_for(settings).open(installation.bot_token)
    except SecretUnreadable:
        # The key was changed or removed: no retry can read the token, and an admin must reinstall.
        db.commit()
        repository.deactivate(
            db,
            org_id=org_id,
            reason="The stored bot token cannot be read with ASKWELL_ENCRYPTION_KEYS; install again.",
            now=now_fn(),
        )
        log.warning("slack: org %s bot token unreadable: installation switched off", org_id)
        return CallOutcome("revoked", "token unreadable")
    db.commit()  # no transaction stays open while Slack answers
    answer = slack_api.call(
        method,
        token=token,
        args=dict(payload.get("args") or {}),
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_seconds,
    )
    now = now_fn()
    if answer.ok:
        link = (payload.get("then") or {}).get("link")
        if link is not None:
            _link_from_lookup(db, org_id=org_id, person_id=int(link), data=answer.data, now=now)
        return CallOutcome("sent")
    if answer.rate_limited:
        limited = int(payload.get("limited", 0)) + 1
        if limited > settings.slack_max_rate_limited:
            raise PermanentJobError(f"slack {method}: still rate limited after {limited - 1} waits")
        enqueue(
            db,
            CALL,
            {**payload, "limited": limited},
            now=now,
            org_id=org_id,
            run_at=now + timedelta(seconds=answer.retry_after or 30),
            dedupe_key=f"slack:{org_id}:{payload.get('call')}:{limited}",
        )
        log.info("slack: %s rate limited; put off %s s (wait %s)", method, answer.retry_after, limited)
        return CallOutcome("rate_limited", answer.error)
    if answer.revoked:
        repository.deactivate(
            db, org_id=org_id, reason=f"Slack refused the bot token ({answer.error}).", now=now
        )
        log.warning("slack: org %s token refused (%s): installation switched off", org_id, answer.error)
        return CallOutcome("revoked", answer.error)
    if answer.transient:
        raise SlackUnavailable(f"slack {method}: {answer.error}")
    if (method, answer.error) in _EXPECTED_REFUSALS:
        return CallOutcome("dropped", answer.error)
    raise PermanentJobError(f"slack {method}: {answer.error}")


#: Answers that are part of the flow, not failures: nobody in Slack has that email; the person typed
#: again, so a newer coaching update replaces this one.
_EXPECTED_REFUSALS = frozenset(
    {("users.lookupByEmail", "users_not_found"), ("views.update", "hash_conflict")}
)


class SlackUnavailable(Exception):
    """No answer from Slack, or its 5xx: the job is retried with back-off."""

"""Who may do what with people and teams: pure rules over plain values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from askwell.people.errors import NotAllowed
from askwell.people.models import Role


@dataclass(frozen=True)
class Actor:
    """The acting person, as the rules need it: no session, no lazy loads."""

    person_id: int
    org_id: int
    role: str
    lead_of: frozenset[int] = frozenset()
    # Every team the person belongs to (led or not): team-visible asks depend on it.
    teams: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


def can_edit_profile(actor: Actor, *, person_id: int, org_id: int) -> bool:
    return actor.org_id == org_id and (actor.person_id == person_id or actor.is_admin)


def can_administer(actor: Actor) -> bool:
    """Invite people, import CSV, change roles, export the organization."""
    return actor.is_admin


def can_manage_team(actor: Actor, *, team_id: int) -> bool:
    """Admins manage every team; a lead manages the membership of the teams they lead."""
    return actor.is_admin or team_id in actor.lead_of


def can_remove_from_team(
    actor: Actor, *, team_id: int, person_id: int, target_is_lead: bool, target_is_admin: bool
) -> bool:
    """Admins remove anyone; a lead removes plain members of a team they lead, and may leave it
    themself, but never removes a co-lead or an admin (that would let one lead take over a team)."""
    if actor.is_admin:
        return True
    if team_id not in actor.lead_of:
        return False
    if person_id == actor.person_id:
        return True
    return not (target_is_lead or target_is_admin)


def can_change_role(actor: Actor, *, person_id: int, new_role: str) -> bool:
    # An admin may not demote themself: an organization must never lose its last admin by accident.
    return actor.is_admin and not (person_id == actor.person_id and new_role != Role.ADMIN.value)


def can_invite(actor: Actor, *, role: str, team_ids: frozenset[int]) -> bool:
    """Admins invite anyone into any team; a lead invites members into teams they lead (at least one),
    so every person a lead brings in lands where that lead answers for them."""
    if actor.is_admin:
        return True
    return role == Role.MEMBER.value and bool(team_ids) and team_ids <= actor.lead_of


# --- what a team page offers, and what the service checks: one rule -----------------------------------


class TeamAction(StrEnum):
    ADD_MEMBER = "add_member"
    APPOINT_LEAD = "appoint_lead"  # make someone a lead, or no longer one
    REMOVE_MEMBER = "remove_member"
    INVITE = "invite"  # someone new, straight into this team


@dataclass(frozen=True)
class MemberFacts:
    """A member of the team, as the rules about removing them need it."""

    person_id: int
    is_lead: bool
    is_admin: bool


def team_refusal(
    actor: Actor, action: TeamAction, *, team_id: int, member: MemberFacts | None = None
) -> NotAllowed | None:
    """Why ``actor`` may not take ``action`` in this team (on ``member``), as the error the service raises.

    The team page draws its buttons from ``team_actions``/``member_actions`` (this rule), and the
    service raises this refusal: a lead never sees a button the API would answer 403 to, and a form
    posted anyway is refused with the API's words.
    """
    if action == TeamAction.INVITE:
        if can_invite(actor, role=Role.MEMBER.value, team_ids=frozenset({team_id})):
            return None
        return NotAllowed(
            "invite people" if not actor.lead_of else "invite people outside the teams you lead"
        )
    if not can_manage_team(actor, team_id=team_id):
        return NotAllowed("manage this team")
    if action == TeamAction.APPOINT_LEAD and not actor.is_admin:
        return NotAllowed("appoint team leads")
    if (
        action == TeamAction.REMOVE_MEMBER
        and member is not None
        and not can_remove_from_team(
            actor,
            team_id=team_id,
            person_id=member.person_id,
            target_is_lead=member.is_lead,
            target_is_admin=member.is_admin,
        )
    ):
        return NotAllowed("remove a co-lead or an admin from this team")
    return None


def require_team_action(
    actor: Actor, action: TeamAction, *, team_id: int, member: MemberFacts | None = None
) -> None:
    refusal = team_refusal(actor, action, team_id=team_id, member=member)
    if refusal is not None:
        raise refusal


_TEAM_WIDE = (TeamAction.ADD_MEMBER, TeamAction.APPOINT_LEAD, TeamAction.INVITE)
_ON_A_MEMBER = (TeamAction.APPOINT_LEAD, TeamAction.REMOVE_MEMBER)


def team_actions(actor: Actor, *, team_id: int) -> frozenset[TeamAction]:
    """The team page's forms for this actor: add someone (as a lead, for admins), invite someone new."""
    return frozenset(a for a in _TEAM_WIDE if team_refusal(actor, a, team_id=team_id) is None)


def member_actions(actor: Actor, *, team_id: int, member: MemberFacts) -> frozenset[TeamAction]:
    """The buttons beside one member: make or unmake a lead, remove from the team."""
    return frozenset(
        a for a in _ON_A_MEMBER if team_refusal(actor, a, team_id=team_id, member=member) is None
    )

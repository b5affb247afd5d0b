"""Who may do what with people and teams: pure rules over plain values."""

from __future__ import annotations

from dataclasses import dataclass

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

"""Who may do what: pure rules, no database."""

from askwell.people.policy import (
    Actor,
    can_administer,
    can_change_role,
    can_edit_profile,
    can_invite,
    can_manage_team,
    can_remove_from_team,
)

MEMBER = Actor(person_id=1, org_id=10, role="member")
LEAD = Actor(person_id=2, org_id=10, role="lead", lead_of=frozenset({7}))
ADMIN = Actor(person_id=3, org_id=10, role="admin")


def test_a_member_edits_only_their_own_profile() -> None:
    assert can_edit_profile(MEMBER, person_id=1, org_id=10)
    assert not can_edit_profile(MEMBER, person_id=2, org_id=10)


def test_an_admin_edits_anyone_in_their_organization_but_not_elsewhere() -> None:
    assert can_edit_profile(ADMIN, person_id=1, org_id=10)
    assert not can_edit_profile(ADMIN, person_id=1, org_id=11)


def test_leads_manage_only_the_teams_they_lead() -> None:
    assert can_manage_team(LEAD, team_id=7)
    assert not can_manage_team(LEAD, team_id=8)
    assert not can_manage_team(MEMBER, team_id=7)
    assert can_manage_team(ADMIN, team_id=8)


def test_only_admins_administer() -> None:
    assert can_administer(ADMIN)
    assert not can_administer(LEAD)
    assert not can_administer(MEMBER)


def test_an_admin_cannot_demote_themself_by_accident() -> None:
    assert not can_change_role(ADMIN, person_id=3, new_role="member")
    assert can_change_role(ADMIN, person_id=1, new_role="lead")
    assert not can_change_role(LEAD, person_id=1, new_role="admin")


def test_a_lead_removes_members_and_themself_but_not_co_leads_or_admins() -> None:
    def removable(actor: Actor, person_id: int, *, lead: bool = False, admin: bool = False) -> bool:
        return can_remove_from_team(
            actor, team_id=7, person_id=person_id, target_is_lead=lead, target_is_admin=admin
        )

    assert removable(LEAD, 1)
    assert removable(LEAD, 2, lead=True)  # leaving their own team
    assert not removable(LEAD, 4, lead=True)
    assert not removable(LEAD, 3, admin=True)
    assert not can_remove_from_team(LEAD, team_id=8, person_id=1, target_is_lead=False, target_is_admin=False)
    assert removable(ADMIN, 2, lead=True)
    assert not removable(MEMBER, 4)


def test_leads_invite_members_into_their_own_teams_only() -> None:
    assert can_invite(ADMIN, role="admin", team_ids=frozenset())
    assert can_invite(ADMIN, role="member", team_ids=frozenset({8}))
    assert can_invite(LEAD, role="member", team_ids=frozenset({7}))
    assert not can_invite(LEAD, role="member", team_ids=frozenset({7, 8}))
    assert not can_invite(LEAD, role="member", team_ids=frozenset())
    assert not can_invite(LEAD, role="lead", team_ids=frozenset({7}))
    assert not can_invite(MEMBER, role="member", team_ids=frozenset({7}))

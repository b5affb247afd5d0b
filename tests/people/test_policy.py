"""Who may do what: pure rules, no database."""

from askwell.people.errors import NotAllowed
from askwell.people.policy import (
    Actor,
    MemberFacts,
    TeamAction,
    can_administer,
    can_change_role,
    can_edit_profile,
    can_invite,
    can_manage_team,
    can_remove_from_team,
    member_actions,
    team_actions,
    team_refusal,
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


# --- the team page's actions and the service's refusals: one rule -----------------------------------

PLAIN = MemberFacts(person_id=20, is_lead=False, is_admin=False)
CO_LEAD = MemberFacts(person_id=21, is_lead=True, is_admin=False)


def test_team_actions_by_role() -> None:
    assert team_actions(ADMIN, team_id=7) == {
        TeamAction.ADD_MEMBER,
        TeamAction.APPOINT_LEAD,
        TeamAction.INVITE,
    }
    assert team_actions(LEAD, team_id=7) == {TeamAction.ADD_MEMBER, TeamAction.INVITE}
    assert team_actions(LEAD, team_id=8) == frozenset()
    assert team_actions(MEMBER, team_id=7) == frozenset()


def test_buttons_beside_members() -> None:
    assert member_actions(ADMIN, team_id=7, member=CO_LEAD) == {
        TeamAction.APPOINT_LEAD,
        TeamAction.REMOVE_MEMBER,
    }
    assert member_actions(LEAD, team_id=7, member=PLAIN) == {TeamAction.REMOVE_MEMBER}
    assert member_actions(LEAD, team_id=7, member=CO_LEAD) == frozenset()
    assert member_actions(MEMBER, team_id=7, member=PLAIN) == frozenset()


def test_refusals_say_what_the_api_says() -> None:
    refusal = team_refusal(LEAD, TeamAction.APPOINT_LEAD, team_id=7)
    assert isinstance(refusal, NotAllowed) and refusal.message == "You are not allowed to appoint team leads."
    refusal = team_refusal(LEAD, TeamAction.REMOVE_MEMBER, team_id=7, member=CO_LEAD)
    assert refusal is not None and refusal.message.endswith("remove a co-lead or an admin from this team.")
    refusal = team_refusal(MEMBER, TeamAction.ADD_MEMBER, team_id=7)
    assert refusal is not None and refusal.message == "You are not allowed to manage this team."

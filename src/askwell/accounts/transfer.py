"""The accounts domain's section of an organization export: pending invitations, with their teams.

Only invitations still waiting for an answer travel (not accepted, not revoked): accepted ones
became people, revoked ones are dead links. Sessions, API tokens and password-reset links never
travel: they are credentials of the old installation, and a moved organization signs in afresh.

An invitation's token is stored only as its SHA-256 hash; the hash travels, so the link already
in the invitee's mailbox keeps working on the new installation. The hash is unique in a database:
when it is already there (the organization was *copied* into the database it came from, rather
than moved), the original invitation keeps the link and the copy gets a hash of a fresh token that
nobody holds; an admin invites the person again from the copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.accounts import repository
from askwell.accounts.models import Invitation, InvitationTeam
from askwell.accounts.secrets import new_token, token_hash
from askwell.people import repository as people_repo
from askwell.people.models import Role
from askwell.people.transfer import ImportContext, Section

TokenHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class InvitationDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
    name: Annotated[str, StringConstraints(max_length=120)] = ""
    role: Role = Role.MEMBER
    token_hash: TokenHash
    invited_by: str | None = None
    created_at: AwareDatetime
    expires_at: AwareDatetime
    teams: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]] = Field(default_factory=list)


def _iso(value: datetime) -> str:
    return value.isoformat()


def _export_invitations(db: Session, org_id: int) -> list[dict[str, Any]]:
    email = people_repo.emails_by_id(db, org_id=org_id)
    team_slug = people_repo.team_slugs(db, org_id=org_id)
    teams_of: dict[int, list[str]] = {}
    for invitation_id, team_id in repository.invitation_team_pairs(db, org_id=org_id):
        if team_id in team_slug:
            teams_of.setdefault(invitation_id, []).append(team_slug[team_id])
    pending = repository.pending_invitations(db, org_id=org_id)
    return [
        {
            "email": inv.email,
            "name": inv.name,
            "role": inv.role,
            "token_hash": inv.token_hash,
            "invited_by": email.get(inv.invited_by_id) if inv.invited_by_id else None,
            "created_at": _iso(inv.created_at),
            "expires_at": _iso(inv.expires_at),
            "teams": sorted(teams_of.get(inv.id, [])),
        }
        for inv in pending
    ]


def _load_invitations(db: Session, ctx: ImportContext, invitations: list[InvitationDoc]) -> None:
    people = ctx.ids.get("people", {})
    teams = ctx.ids.get("teams", {})
    # Deliberately not scoped to the organization: a token hash is unique in the whole database.
    taken = repository.taken_token_hashes(db, (i.token_hash for i in invitations))
    for doc in invitations:
        invitation = Invitation(
            org_id=ctx.org_id,
            email=doc.email,
            name=doc.name,
            role=doc.role.value,
            token_hash=doc.token_hash if doc.token_hash not in taken else token_hash(new_token()),
            invited_by_id=people.get(doc.invited_by) if doc.invited_by else None,
            created_at=doc.created_at,
            expires_at=doc.expires_at,
        )
        db.add(invitation)
        db.flush()
        db.add_all(
            InvitationTeam(org_id=ctx.org_id, invitation_id=invitation.id, team_id=teams[slug])
            for slug in doc.teams
        )


def _check_invitations(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    slugs = {t.slug for t in doc.get("teams", [])}
    problems = []
    hashes = [i.token_hash for i in doc.get("invitations", [])]
    if len(set(hashes)) != len(hashes):
        problems.append("invitations: a token hash appears more than once")
    for i, inv in enumerate(doc.get("invitations", [])):
        if inv.invited_by and inv.invited_by not in emails:
            problems.append(f"invitations.{i}: no person {inv.invited_by!r} in the document")
        problems += [
            f"invitations.{i}.teams: no team {s!r} in the document" for s in inv.teams if s not in slugs
        ]
        if len(set(inv.teams)) != len(inv.teams):
            problems.append(f"invitations.{i}.teams: a team is listed twice")
    return problems


SECTIONS: list[Section] = [
    Section(
        "invitations",
        TypeAdapter(list[InvitationDoc]),
        _export_invitations,
        _load_invitations,
        _check_invitations,
    ),
]

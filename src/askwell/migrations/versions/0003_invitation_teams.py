"""invitation teams: the teams an invited person joins on accepting

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitation_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_invitation_teams_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "team_id"],
            ["teams.org_id", "teams.id"],
            name=op.f("fk_invitation_teams_org_id_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_invitation_teams_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_teams")),
        sa.UniqueConstraint(
            "org_id",
            "invitation_id",
            "team_id",
            name=op.f("uq_invitation_teams_org_id_invitation_id_team_id"),
        ),
    )
    with op.batch_alter_table("invitation_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_teams_invitation_id"), ["invitation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invitation_teams_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_teams_team_id"), ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invitation_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_teams_team_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_teams_org_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_teams_invitation_id"))
    op.drop_table("invitation_teams")

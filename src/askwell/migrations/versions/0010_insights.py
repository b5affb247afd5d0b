"""insights: daily rollups of the ledger per person and team, membership spells, sharing choices

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-05 08:24:11.157535
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_ask_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_offer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("helped_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_ask_facts_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_ask_facts")),
        sa.UniqueConstraint(
            "org_id", "team_id", "ask_id", name=op.f("uq_insight_ask_facts_org_id_team_id_ask_id")
        ),
    )
    with op.batch_alter_table("insight_ask_facts", schema=None) as batch_op:
        batch_op.create_index("ix_insight_ask_facts_org_id_ask_id", ["org_id", "ask_id"], unique=False)
        batch_op.create_index(
            "ix_insight_ask_facts_org_id_team_id_opened_at", ["org_id", "team_id", "opened_at"], unique=False
        )

    op.create_table(
        "insight_person_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("asks", sa.Integer(), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("help_given", sa.Integer(), nullable=False),
        sa.Column("help_received", sa.Integer(), nullable=False),
        sa.Column("thanks_given", sa.Integer(), nullable=False),
        sa.Column("thanks_received", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_person_days_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_person_days")),
        sa.UniqueConstraint(
            "org_id", "person_id", "day", name=op.f("uq_insight_person_days_org_id_person_id_day")
        ),
    )
    with op.batch_alter_table("insight_person_days", schema=None) as batch_op:
        batch_op.create_index("ix_insight_person_days_org_id_day", ["org_id", "day"], unique=False)

    op.create_table(
        "insight_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("with_lead", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_shares_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_shares")),
        sa.UniqueConstraint("org_id", "person_id", name=op.f("uq_insight_shares_org_id_person_id")),
    )
    with op.batch_alter_table("insight_shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insight_shares_org_id"), ["org_id"], unique=False)

    op.create_table(
        "insight_spells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_spells_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_spells")),
    )
    with op.batch_alter_table("insight_spells", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insight_spells_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_insight_spells_org_id_person_id", ["org_id", "person_id"], unique=False)

    op.create_table(
        "insight_team_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("asks", sa.Integer(), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("help_given", sa.Integer(), nullable=False),
        sa.Column("help_received", sa.Integer(), nullable=False),
        sa.Column("thanks_given", sa.Integer(), nullable=False),
        sa.Column("thanks_received", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_team_days_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_team_days")),
        sa.UniqueConstraint("org_id", "team_id", "day", name=op.f("uq_insight_team_days_org_id_team_id_day")),
    )
    with op.batch_alter_table("insight_team_days", schema=None) as batch_op:
        batch_op.create_index("ix_insight_team_days_org_id_day", ["org_id", "day"], unique=False)

    op.create_table(
        "insight_team_flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("giver_team_id", sa.Integer(), nullable=False),
        sa.Column("receiver_team_id", sa.Integer(), nullable=False),
        sa.Column("help", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_team_flows_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_team_flows")),
        sa.UniqueConstraint(
            "org_id",
            "day",
            "giver_team_id",
            "receiver_team_id",
            name=op.f("uq_insight_team_flows_org_id_day_giver_team_id_receiver_team_id"),
        ),
    )
    with op.batch_alter_table("insight_team_flows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insight_team_flows_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            "ix_insight_team_flows_org_id_giver_team_id_day", ["org_id", "giver_team_id", "day"], unique=False
        )
        batch_op.create_index(
            "ix_insight_team_flows_org_id_receiver_team_id_day",
            ["org_id", "receiver_team_id", "day"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("insight_team_flows", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_team_flows_org_id_receiver_team_id_day")
        batch_op.drop_index("ix_insight_team_flows_org_id_giver_team_id_day")
        batch_op.drop_index(batch_op.f("ix_insight_team_flows_org_id"))

    op.drop_table("insight_team_flows")
    with op.batch_alter_table("insight_team_days", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_team_days_org_id_day")

    op.drop_table("insight_team_days")
    with op.batch_alter_table("insight_spells", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_spells_org_id_person_id")
        batch_op.drop_index(batch_op.f("ix_insight_spells_org_id"))

    op.drop_table("insight_spells")
    with op.batch_alter_table("insight_shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insight_shares_org_id"))

    op.drop_table("insight_shares")
    with op.batch_alter_table("insight_person_days", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_person_days_org_id_day")

    op.drop_table("insight_person_days")
    with op.batch_alter_table("insight_ask_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_ask_facts_org_id_team_id_opened_at")
        batch_op.drop_index("ix_insight_ask_facts_org_id_ask_id")

    op.drop_table("insight_ask_facts")

"""routing and huddles: routed asks, route requests, team routing settings; huddles and their invitations

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 07:41:37.704423
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "huddles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("caller_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "caller_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_huddles_org_id_caller_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_huddles_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_huddles")),
        sa.UniqueConstraint("org_id", "id", name=op.f("uq_huddles_org_id_id")),
    )
    with op.batch_alter_table("huddles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_huddles_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_huddles_org_id_caller_id", ["org_id", "caller_id"], unique=False)

    op.create_table(
        "routing_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("escalate_after_hours", sa.Integer(), nullable=False),
        sa.Column("peers_per_ask", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "team_id"],
            ["teams.org_id", "teams.id"],
            name=op.f("fk_routing_settings_org_id_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_routing_settings_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_settings")),
        sa.UniqueConstraint("org_id", "team_id", name=op.f("uq_routing_settings_org_id_team_id")),
    )
    with op.batch_alter_table("routing_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routing_settings_org_id"), ["org_id"], unique=False)

    op.create_table(
        "huddle_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("huddle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("thanked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "huddle_id"],
            ["huddles.org_id", "huddles.id"],
            name=op.f("fk_huddle_invites_org_id_huddle_id_huddles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "person_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_huddle_invites_org_id_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_huddle_invites_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_huddle_invites")),
        sa.UniqueConstraint(
            "org_id", "huddle_id", "person_id", name=op.f("uq_huddle_invites_org_id_huddle_id_person_id")
        ),
    )
    with op.batch_alter_table("huddle_invites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_huddle_invites_huddle_id"), ["huddle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_huddle_invites_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_huddle_invites_org_id_person_id", ["org_id", "person_id"], unique=False)

    op.create_table(
        "routed_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "ask_id"],
            ["asks.org_id", "asks.id"],
            name=op.f("fk_routed_asks_org_id_ask_id_asks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "author_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_routed_asks_org_id_author_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "team_id"],
            ["teams.org_id", "teams.id"],
            name=op.f("fk_routed_asks_org_id_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_routed_asks_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routed_asks")),
        sa.UniqueConstraint("org_id", "ask_id", name=op.f("uq_routed_asks_org_id_ask_id")),
        sa.UniqueConstraint("org_id", "id", name=op.f("uq_routed_asks_org_id_id")),
    )
    with op.batch_alter_table("routed_asks", schema=None) as batch_op:
        batch_op.create_index("ix_routed_asks_escalate_at", ["escalated_at", "escalate_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_routed_asks_org_id"), ["org_id"], unique=False)

    op.create_table(
        "route_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("routed_id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("suggested_by_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("suggested_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "person_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_route_requests_org_id_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "routed_id"],
            ["routed_asks.org_id", "routed_asks.id"],
            name=op.f("fk_route_requests_org_id_routed_id_routed_asks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_route_requests_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_route_requests")),
        sa.UniqueConstraint(
            "org_id", "ask_id", "person_id", name=op.f("uq_route_requests_org_id_ask_id_person_id")
        ),
    )
    with op.batch_alter_table("route_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_route_requests_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            "ix_route_requests_org_id_person_id_asked_at", ["org_id", "person_id", "asked_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_route_requests_routed_id"), ["routed_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("route_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_route_requests_routed_id"))
        batch_op.drop_index("ix_route_requests_org_id_person_id_asked_at")
        batch_op.drop_index(batch_op.f("ix_route_requests_org_id"))

    op.drop_table("route_requests")
    with op.batch_alter_table("routed_asks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routed_asks_org_id"))
        batch_op.drop_index("ix_routed_asks_escalate_at")

    op.drop_table("routed_asks")
    with op.batch_alter_table("huddle_invites", schema=None) as batch_op:
        batch_op.drop_index("ix_huddle_invites_org_id_person_id")
        batch_op.drop_index(batch_op.f("ix_huddle_invites_org_id"))
        batch_op.drop_index(batch_op.f("ix_huddle_invites_huddle_id"))

    op.drop_table("huddle_invites")
    with op.batch_alter_table("routing_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routing_settings_org_id"))

    op.drop_table("routing_settings")
    with op.batch_alter_table("huddles", schema=None) as batch_op:
        batch_op.drop_index("ix_huddles_org_id_caller_id")
        batch_op.drop_index(batch_op.f("ix_huddles_org_id"))

    op.drop_table("huddles")

"""rings: reciprocity rings (rings, members, requests, ring offers, pairings, the event log) and
the reason of an ask's audience row ("direct" or "ring")

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-04 19:16:05.251777
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "rings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("guidelines", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("open_call", sa.Boolean(), nullable=False),
        sa.Column("leader_first", sa.Boolean(), nullable=False),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("request_seconds", sa.Integer(), nullable=False),
        sa.Column("current_position", sa.Integer(), nullable=True),
        sa.Column("current_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "created_by_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_rings_org_id_created_by_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_rings_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rings")),
        sa.UniqueConstraint("org_id", "id", name=op.f("uq_rings_org_id_id")),
    )
    with op.batch_alter_table("rings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rings_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            "ix_rings_org_id_status_starts_at", ["org_id", "status", "starts_at"], unique=False
        )

    op.create_table(
        "ring_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ring_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "ring_id"],
            ["rings.org_id", "rings.id"],
            name=op.f("fk_ring_events_org_id_ring_id_rings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_ring_events_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ring_events")),
        sa.UniqueConstraint("org_id", "ring_id", "seq", name=op.f("uq_ring_events_org_id_ring_id_seq")),
    )
    with op.batch_alter_table("ring_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ring_events_org_id"), ["org_id"], unique=False)

    op.create_table(
        "ring_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ring_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("facilitator", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "person_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_ring_members_org_id_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "ring_id"],
            ["rings.org_id", "rings.id"],
            name=op.f("fk_ring_members_org_id_ring_id_rings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_ring_members_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ring_members")),
        sa.UniqueConstraint(
            "org_id", "ring_id", "person_id", name=op.f("uq_ring_members_org_id_ring_id_person_id")
        ),
    )
    with op.batch_alter_table("ring_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ring_members_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_ring_members_org_id_person_id", ["org_id", "person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ring_members_ring_id"), ["ring_id"], unique=False)

    op.create_table(
        "ring_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ring_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "ask_id"],
            ["asks.org_id", "asks.id"],
            name=op.f("fk_ring_requests_org_id_ask_id_asks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "person_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_ring_requests_org_id_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "ring_id"],
            ["rings.org_id", "rings.id"],
            name=op.f("fk_ring_requests_org_id_ring_id_rings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_ring_requests_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ring_requests")),
        sa.UniqueConstraint("org_id", "ask_id", name=op.f("uq_ring_requests_org_id_ask_id")),
        sa.UniqueConstraint("org_id", "id", name=op.f("uq_ring_requests_org_id_id")),
        sa.UniqueConstraint(
            "org_id", "ring_id", "person_id", name=op.f("uq_ring_requests_org_id_ring_id_person_id")
        ),
    )
    with op.batch_alter_table("ring_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ring_requests_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ring_requests_ring_id"), ["ring_id"], unique=False)

    op.create_table(
        "ring_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ring_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "helper_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_ring_offers_org_id_helper_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "offer_id"],
            ["offers.org_id", "offers.id"],
            name=op.f("fk_ring_offers_org_id_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "request_id"],
            ["ring_requests.org_id", "ring_requests.id"],
            name=op.f("fk_ring_offers_org_id_request_id_ring_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "ring_id"],
            ["rings.org_id", "rings.id"],
            name=op.f("fk_ring_offers_org_id_ring_id_rings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_ring_offers_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ring_offers")),
        sa.UniqueConstraint("org_id", "offer_id", name=op.f("uq_ring_offers_org_id_offer_id")),
    )
    with op.batch_alter_table("ring_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ring_offers_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            "ix_ring_offers_org_id_ring_id_request_id", ["org_id", "ring_id", "request_id"], unique=False
        )

    op.create_table(
        "ring_pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ring_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_7_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followup_30_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "helper_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_ring_pairings_org_id_helper_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "request_id"],
            ["ring_requests.org_id", "ring_requests.id"],
            name=op.f("fk_ring_pairings_org_id_request_id_ring_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "ring_id"],
            ["rings.org_id", "rings.id"],
            name=op.f("fk_ring_pairings_org_id_ring_id_rings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_ring_pairings_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ring_pairings")),
        sa.UniqueConstraint(
            "org_id",
            "ring_id",
            "request_id",
            "helper_id",
            name=op.f("uq_ring_pairings_org_id_ring_id_request_id_helper_id"),
        ),
    )
    with op.batch_alter_table("ring_pairings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ring_pairings_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ring_pairings_ring_id"), ["ring_id"], unique=False)
        batch_op.create_index(
            "ix_ring_pairings_status_confirmed_at", ["status", "confirmed_at"], unique=False
        )

    with op.batch_alter_table("ask_audience", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason", sa.String(length=16), server_default="direct", nullable=False)
        )

    # The ring an inbox item is about (invitation, nudge, digest, follow-up); an id, like ask_id.
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ring_id", sa.Integer(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("ring_id")

    with op.batch_alter_table("ask_audience", schema=None) as batch_op:
        batch_op.drop_column("reason")

    with op.batch_alter_table("ring_pairings", schema=None) as batch_op:
        batch_op.drop_index("ix_ring_pairings_status_confirmed_at")
        batch_op.drop_index(batch_op.f("ix_ring_pairings_ring_id"))
        batch_op.drop_index(batch_op.f("ix_ring_pairings_org_id"))

    op.drop_table("ring_pairings")
    with op.batch_alter_table("ring_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_ring_offers_org_id_ring_id_request_id")
        batch_op.drop_index(batch_op.f("ix_ring_offers_org_id"))

    op.drop_table("ring_offers")
    with op.batch_alter_table("ring_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ring_requests_ring_id"))
        batch_op.drop_index(batch_op.f("ix_ring_requests_org_id"))

    op.drop_table("ring_requests")
    with op.batch_alter_table("ring_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ring_members_ring_id"))
        batch_op.drop_index("ix_ring_members_org_id_person_id")
        batch_op.drop_index(batch_op.f("ix_ring_members_org_id"))

    op.drop_table("ring_members")
    with op.batch_alter_table("ring_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ring_events_org_id"))

    op.drop_table("ring_events")
    with op.batch_alter_table("rings", schema=None) as batch_op:
        batch_op.drop_index("ix_rings_org_id_status_starts_at")
        batch_op.drop_index(batch_op.f("ix_rings_org_id"))

    op.drop_table("rings")

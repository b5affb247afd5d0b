"""ranker models: each organization's learned "who can help" ranker

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-05 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ranker_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=80), nullable=False),
        sa.Column("prior_version", sa.String(length=80), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_ranker_models_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranker_models")),
        sa.UniqueConstraint("org_id", name=op.f("uq_ranker_models_org_id")),
    )
    with op.batch_alter_table("ranker_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ranker_models_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ranker_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ranker_models_org_id"))
    op.drop_table("ranker_models")

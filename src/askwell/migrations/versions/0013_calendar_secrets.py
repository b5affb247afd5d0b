"""calendar feeds; webhook signing secrets and OIDC client secrets encrypted at rest

Upgrade widens the two secret columns to text and encrypts every stored value under the first key of
``ASKWELL_ENCRYPTION_KEYS`` (or the development key); downgrade decrypts them back into the old columns.
Both go row by row through the same ``SecretBox`` the application uses.

Revision ID: 0013_calendar_secrets
Revises: 0011
Create Date: 2026-12-05 11:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from askwell.core.encryption import current_box

revision: str = "0013_calendar_secrets"
down_revision: str | None = "0012_email"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, its length before this revision)
SECRETS = (("webhook_endpoints", "secret", 80), ("sso_configs", "client_secret", 500))


def _rewrite(table: str, column: str, *, encrypt: bool) -> None:
    box = current_box()
    conn = op.get_bind()
    t = sa.table(table, sa.column("id", sa.Integer()), sa.column(column, sa.Text()))
    for row_id, value in conn.execute(sa.select(t.c.id, t.c[column])).all():
        new = box.seal(value) if encrypt else box.open(value)
        conn.execute(sa.update(t).where(t.c.id == row_id).values({column: new}))


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "person_id"],
            ["people.org_id", "people.id"],
            name=op.f("fk_calendar_feeds_org_id_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_calendar_feeds_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feeds_secret_hash")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feeds_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_calendar_feeds_org_id_person_id", ["org_id", "person_id"], unique=False)

    for table, column, length in SECRETS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.String(length=length), type_=sa.Text(), existing_nullable=False
            )
        _rewrite(table, column, encrypt=True)


def downgrade() -> None:
    for table, column, length in SECRETS:
        _rewrite(table, column, encrypt=False)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.Text(), type_=sa.String(length=length), existing_nullable=False
            )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_feeds_org_id_person_id")
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_org_id"))
    op.drop_table("calendar_feeds")

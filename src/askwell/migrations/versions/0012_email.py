"""email digests: a weekly digest beside the daily one

Revision ID: 0012_email
Revises: 0011
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_email"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ``digest`` keeps meaning "gather emails into a digest"; this says whether it goes weekly instead
    # of daily, so every row written before keeps its daily digest.
    with op.batch_alter_table("notification_settings") as batch:
        batch.add_column(sa.Column("digest_weekly", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("notification_settings") as batch:
        batch.drop_column("digest_weekly")

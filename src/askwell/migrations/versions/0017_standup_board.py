"""stand-up board branch: people's working hours (start, end and weekdays on their own clock)

Routing (overlap, "N working hours" before the lead is asked) and huddles (who is working now) read
them; existing people get the 09:00–17:00, Monday-to-Friday day those domains assumed until now.

Revision ID: 0017_standup_board
Revises: 0011
Create Date: 2026-12-05 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_standup_board"
down_revision: str | None = "0016_practice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("work_start", sa.String(length=5), server_default="09:00", nullable=False))
        batch.add_column(sa.Column("work_end", sa.String(length=5), server_default="17:00", nullable=False))
        batch.add_column(
            sa.Column("work_days", sa.String(length=20), server_default="1,2,3,4,5", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("work_days")
        batch.drop_column("work_end")
        batch.drop_column("work_start")

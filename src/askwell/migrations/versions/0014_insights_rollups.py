"""insights rollups: asks per team, week and delay to a first offer; ties by first interaction

The organization and team views read weekly counts instead of one row per ask. The new table is
filled here from the existing ``insight_ask_facts`` rows (the bucket rule is copied, as it stands at
this revision, so that the migration does not change when the code does). The index on
``insight_ask_facts (org_id, team_id, opened_at)`` served only the views, which no longer read that
table, so it goes; ``ties (org_id, first_at)`` lets the organization view count new ties per week, and
``insight_spells (org_id, team_id, person_id)`` gives a team's spells and team sizes without a scan.

Revision ID: 0014_insights_rollups
Revises: 0011
Create Date: 2026-12-05 11:50:00
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0014_insights_rollups"
down_revision: str | None = "0013_calendar_secrets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STEPS = ((120, 1), (2 * 24 * 60, 10), (14 * 24 * 60, 60))
_DAY = 24 * 60


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _bucket(opened: datetime, offered: datetime | None) -> int:
    if offered is None:
        return -1
    minutes = min(365 * _DAY, max(0, int((offered - opened).total_seconds() // 60)))
    for below, width in _STEPS:
        if minutes < below:
            return minutes - minutes % width
    return minutes - minutes % _DAY


def upgrade() -> None:
    op.create_table(
        "insight_ask_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("asks", sa.Integer(), nullable=False),
        sa.Column("helped", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organizations.id"],
            name=op.f("fk_insight_ask_weeks_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_ask_weeks")),
        sa.UniqueConstraint(
            "org_id",
            "team_id",
            "week",
            "delay_minutes",
            name=op.f("uq_insight_ask_weeks_org_id_team_id_week_delay_minutes"),
        ),
    )
    with op.batch_alter_table("insight_ask_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_ask_facts_org_id_team_id_opened_at")
    with op.batch_alter_table("ties", schema=None) as batch_op:
        batch_op.create_index("ix_ties_org_id_first_at", ["org_id", "first_at"], unique=False)
    with op.batch_alter_table("insight_spells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_insight_spells_org_id_team_id_person_id", ["org_id", "team_id", "person_id"], unique=False
        )

    facts = sa.table(
        "insight_ask_facts",
        sa.column("org_id", sa.Integer()),
        sa.column("team_id", sa.Integer()),
        sa.column("opened_at", sa.DateTime(timezone=True)),
        sa.column("first_offer_at", sa.DateTime(timezone=True)),
        sa.column("helped_at", sa.DateTime(timezone=True)),
    )
    weeks = sa.table(
        "insight_ask_weeks",
        sa.column("org_id", sa.Integer()),
        sa.column("team_id", sa.Integer()),
        sa.column("week", sa.Date()),
        sa.column("delay_minutes", sa.Integer()),
        sa.column("asks", sa.Integer()),
        sa.column("helped", sa.Integer()),
    )
    counts: dict[tuple[int, int, date, int], list[int]] = defaultdict(lambda: [0, 0])
    conn = op.get_bind()
    for org_id, team_id, opened, offered, helped in conn.execute(
        sa.select(
            facts.c.org_id, facts.c.team_id, facts.c.opened_at, facts.c.first_offer_at, facts.c.helped_at
        )
    ):
        opened = _utc(opened)
        day = opened.date()
        first = None if offered is None else _utc(offered)
        row = counts[(org_id, team_id, day - timedelta(days=day.weekday()), _bucket(opened, first))]
        row[0] += 1
        row[1] += helped is not None
    if counts:
        op.bulk_insert(
            weeks,
            [
                {"org_id": o, "team_id": t, "week": w, "delay_minutes": m, "asks": n, "helped": h}
                for (o, t, w, m), (n, h) in counts.items()
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("insight_spells", schema=None) as batch_op:
        batch_op.drop_index("ix_insight_spells_org_id_team_id_person_id")
    with op.batch_alter_table("ties", schema=None) as batch_op:
        batch_op.drop_index("ix_ties_org_id_first_at")
    with op.batch_alter_table("insight_ask_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_insight_ask_facts_org_id_team_id_opened_at", ["org_id", "team_id", "opened_at"], unique=False
        )
    op.drop_table("insight_ask_weeks")

"""ledger refs: what each ledger entry is about, as a typed reference (ref_kind, ref_id)

Backfilled from the columns entries already have: the offer for offer kinds, the ask for ask kinds,
the introduction named in ``data`` for introductions (``askwell.ledger.models.entry_ref``, spelled
out here so that the migration keeps meaning what it meant when the model changes).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ASK_KINDS = ("ask_opened", "ask_closed", "asked_directly")
_OFFER_KINDS = ("offer_made", "offer_accepted", "offer_declined", "help_given", "thanks")
_BATCH = 1000

_entries = sa.table(
    "ledger_entries",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("ask_id", sa.Integer()),
    sa.column("offer_id", sa.Integer()),
    sa.column("ref_kind", sa.String()),
    sa.column("ref_id", sa.Integer()),
    sa.column("data", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref_kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("ref_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_org_id_ref_kind_ref_id"),
            ["org_id", "ref_kind", "ref_id"],
            unique=False,
        )
    bind = op.get_bind()
    bind.execute(
        _entries.update()
        .where(_entries.c.kind.in_(_OFFER_KINDS), _entries.c.offer_id.is_not(None))
        .values(ref_kind="offer", ref_id=_entries.c.offer_id)
    )
    bind.execute(
        _entries.update()
        .where(_entries.c.kind.in_(_ASK_KINDS), _entries.c.ask_id.is_not(None))
        .values(ref_kind="ask", ref_id=_entries.c.ask_id)
    )
    # The introduction's id lives in the JSON payload, read the same way on SQLite and PostgreSQL.
    last = 0
    while True:
        rows = bind.execute(
            sa.select(_entries.c.id, _entries.c.data)
            .where(_entries.c.kind == "introduction", _entries.c.id > last)
            .order_by(_entries.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        for entry_id, data in rows:
            intro = data.get("introduction_id") if isinstance(data, dict) else None
            if isinstance(intro, int) and not isinstance(intro, bool):
                bind.execute(
                    _entries.update()
                    .where(_entries.c.id == entry_id)
                    .values(ref_kind="introduction", ref_id=intro)
                )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_org_id_ref_kind_ref_id"))
        batch_op.drop_column("ref_id")
        batch_op.drop_column("ref_kind")

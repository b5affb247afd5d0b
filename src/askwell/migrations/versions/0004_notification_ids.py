"""notifications keep ids, not words: rendered when read, behind the reader's access to the ask

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10 10:00:00

Existing rows stay readable. The id an old row's link named is kept (``/network/intros/7`` →
``intro_id``; ``/asks/N`` and ``/people/N`` were already ``ask_id`` and ``actor_id``). Rows of the
kinds whose words come entirely from those ids (asked directly, due soon, expired, reminders and the
introduction steps) lose their stored text and are rendered like new ones; the others (offers,
thanks, reconnecting), whose words also came from rows they did not name, keep their text. Either
way an item about an ask the reader can no longer see shows no title.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INTRO_LINK = "/network/intros/"
_FROM_IDS_ASK = ("asked_directly", "ask_due_soon", "ask_expired", "offer_reminder")
_FROM_IDS_INTRO = (
    "intro_requested",
    "intro_connector_accepted",
    "intro_redirected",
    "intro_declined",
    "intro_target_accepted",
    "intro_target_declined",
    "intro_reminder",
)


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("intro_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=True)

    notifications = sa.table(
        "notifications",
        sa.column("kind", sa.String()),
        sa.column("text", sa.Text()),
        sa.column("link", sa.String()),
        sa.column("ask_id", sa.Integer()),
        sa.column("intro_id", sa.Integer()),
    )
    start = len(_INTRO_LINK) + 1  # SQL's substr counts from 1
    op.execute(
        notifications.update()
        .where(notifications.c.link.like(_INTRO_LINK + "%"))
        .values(intro_id=sa.cast(sa.func.substr(notifications.c.link, start), sa.Integer()))
    )
    op.execute(
        notifications.update()
        .where(notifications.c.kind.in_(_FROM_IDS_ASK), notifications.c.ask_id.is_not(None))
        .values(text=None)
    )
    op.execute(
        notifications.update()
        .where(notifications.c.kind.in_(_FROM_IDS_INTRO), notifications.c.intro_id.is_not(None))
        .values(text=None)
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("link")


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(length=300), nullable=False, server_default=""))
    notifications = sa.table(
        "notifications",
        sa.column("text", sa.Text()),
        sa.column("link", sa.String()),
        sa.column("ask_id", sa.Integer()),
        sa.column("intro_id", sa.Integer()),
    )
    op.execute(
        notifications.update()
        .where(notifications.c.intro_id.is_not(None))
        .values(link=sa.literal(_INTRO_LINK, sa.String()) + sa.cast(notifications.c.intro_id, sa.String()))
    )
    op.execute(
        notifications.update()
        .where(notifications.c.intro_id.is_(None), notifications.c.ask_id.is_not(None))
        .values(link=sa.literal("/asks/", sa.String()) + sa.cast(notifications.c.ask_id, sa.String()))
    )
    # The words were never stored for these rows; the older code needs some.
    op.execute(notifications.update().where(notifications.c.text.is_(None)).values(text="(see the link)"))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("link", server_default=None)
        batch_op.drop_column("note")
        batch_op.drop_column("subject_id")
        batch_op.drop_column("intro_id")
        batch_op.drop_column("offer_id")

"""Migrations on the suite's database: upgrade from empty, no drift from the models, down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from askwell.core.migrations import alembic_config, is_up_to_date, upgrade
from askwell.models import Base
from tests.conftest import create_test_database

if TYPE_CHECKING:
    from tests.conftest import TestDatabase


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[TestDatabase]:
    db = create_test_database(tmp_path, migrate=False)
    yield db
    db.drop()


def _downgrade_to_base(db: TestDatabase) -> None:
    cfg = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")


def _tables(db: TestDatabase) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_creates_every_model_table(empty_db: TestDatabase) -> None:
    assert not is_up_to_date(empty_db.engine)

    upgrade(empty_db.engine)

    assert is_up_to_date(empty_db.engine)
    assert _tables(empty_db) == set(Base.metadata.tables)


def test_models_and_migrations_do_not_drift(empty_db: TestDatabase) -> None:
    upgrade(empty_db.engine)

    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)

    assert diff == [], "models differ from migrations; write a migration for these changes"


def test_downgrade_to_base_then_upgrade_again(empty_db: TestDatabase) -> None:
    upgrade(empty_db.engine)

    _downgrade_to_base(empty_db)
    assert _tables(empty_db) == set()

    upgrade(empty_db.engine)
    assert is_up_to_date(empty_db.engine)
    assert _tables(empty_db) == set(Base.metadata.tables)


def test_0004_keeps_old_notifications_readable_and_moves_their_links_to_ids(empty_db: TestDatabase) -> None:
    """Rows written with words and a link: the link's row becomes an id; kinds whose words come from
    their ids lose the stored words (rendered like new rows), the others keep them."""
    upgrade(empty_db.engine, "0003")
    at = "2026-03-02 09:30:00+00:00"
    with empty_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, slug, name, individual_analytics, created_at) "
                "VALUES (1, 'acme', 'Acme', true, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO people (id, org_id, email, name, sort_name, title, search_text, timezone, "
                "can_help_with, learning, role, is_active, suggestible, created_at, updated_at) VALUES "
                "(1, 1, 'ada@example.com', 'Ada', 'ada', '', '', 'UTC', '', '', 'member', true, true, :at, :at)"
            ),
            {"at": at},
        )
        rows = [
            (1, "intro_requested", "Grace asks you to introduce them", "/network/intros/7", None),
            (2, "new_offer", "Grace offered to help with “Old title”", "/asks/3", 3),
            (3, "asked_directly", "Grace asked you directly: “Old title”", "/asks/3", 3),
        ]
        for id_, kind, words, link, ask_id in rows:
            conn.execute(
                text(
                    "INSERT INTO notifications (id, org_id, person_id, kind, text, link, ask_id, created_at) "
                    "VALUES (:id, 1, 1, :kind, :text, :link, :ask_id, :at)"
                ),
                {"id": id_, "kind": kind, "text": words, "link": link, "ask_id": ask_id, "at": at},
            )

    upgrade(empty_db.engine)

    with empty_db.engine.connect() as conn:
        found = conn.execute(text("SELECT id, intro_id, ask_id, text FROM notifications ORDER BY id")).all()
    assert [tuple(r) for r in found] == [
        (1, 7, None, None),
        (2, None, 3, "Grace offered to help with “Old title”"),
        (3, None, 3, None),
    ]


def test_0013_encrypts_stored_integration_secrets_and_downgrade_decrypts_them(empty_db: TestDatabase) -> None:
    """Secrets written in clear by 0011 are encrypted by the upgrade (the column holds no clear text,
    the key opens it) and come back in clear on the way down."""
    from askwell.core.encryption import current_box

    upgrade(empty_db.engine, "0011")
    at = "2026-03-02 09:30:00+00:00"
    hook_secret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10ZXN0"
    client_secret = "oidc-client-secret-in-clear"
    with empty_db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, slug, name, individual_analytics, created_at) "
                "VALUES (1, 'acme', 'Acme', true, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO webhook_endpoints (id, org_id, url, description, events, secret, enabled, created_at) "
                "VALUES (1, 1, 'https://example.com/h', '', '[]', :s, true, :at)"
            ),
            {"s": hook_secret, "at": at},
        )
        conn.execute(
            text(
                "INSERT INTO sso_configs (id, org_id, issuer, client_id, client_secret, allowed_domains, "
                "sso_only, enabled, created_at, updated_at) "
                "VALUES (1, 1, 'https://idp.example.com', 'askwell', :s, '[]', false, true, :at, :at)"
            ),
            {"s": client_secret, "at": at},
        )

    upgrade(empty_db.engine)

    with empty_db.engine.connect() as conn:
        stored_hook = conn.execute(text("SELECT secret FROM webhook_endpoints")).scalar_one()
        stored_client = conn.execute(text("SELECT client_secret FROM sso_configs")).scalar_one()
    assert hook_secret not in stored_hook and hook_secret.removeprefix("whsec_") not in stored_hook
    assert client_secret not in stored_client
    assert current_box().open(stored_hook) == hook_secret
    assert current_box().open(stored_client) == client_secret

    cfg = alembic_config(empty_db.engine.url.render_as_string(hide_password=False))
    with empty_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("SELECT secret FROM webhook_endpoints")).scalar_one() == hook_secret
        assert conn.execute(text("SELECT client_secret FROM sso_configs")).scalar_one() == client_secret
    assert "calendar_feeds" not in _tables(empty_db)

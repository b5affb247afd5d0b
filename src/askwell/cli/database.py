"""`askwell db upgrade|status|new-key|rotate-key`."""

from __future__ import annotations

from askwell.cli.common import cli_unit_of_work, engine_from_settings, err_console, fail, out_console
from askwell.core.config import get_settings
from askwell.core.encryption import (
    MissingEncryptionKey,
    SecretUnreadable,
    box_for,
    generate_key,
    require_keys,
)
from askwell.core.migrations import is_up_to_date, upgrade
from askwell.slack import repository as slack_repo
from askwell.sso import repository as sso_repo
from askwell.webhooks import repository as webhooks_repo


def upgrade_command() -> None:
    """Bring the database schema up to date (creates the SQLite file if needed)."""
    engine = engine_from_settings()
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    err_console.print(f"[green]Database is up to date[/] ({engine.url.render_as_string(hide_password=True)})")


def status_command() -> None:
    """Say whether the schema is at the latest migration."""
    engine = engine_from_settings()
    try:
        current = is_up_to_date(engine)
    finally:
        engine.dispose()
    out_console.print("up to date" if current else "needs `askwell db upgrade`")


def new_key_command() -> None:
    """Print a new random key for ASKWELL_ENCRYPTION_KEYS (it encrypts stored integration secrets)."""
    out_console.print(generate_key())


def rotate_key_command() -> None:
    """Re-encrypt every stored secret under the first key of ASKWELL_ENCRYPTION_KEYS.

    Put the new key first and keep the old ones after it, run this, then drop the old keys.
    """
    settings = get_settings()
    try:
        require_keys(settings)
    except (MissingEncryptionKey, ValueError) as exc:
        fail(str(exc))
    engine = engine_from_settings(settings)
    try:
        with cli_unit_of_work(engine) as db:
            hooks = webhooks_repo.reseal_secrets(db)
            providers = sso_repo.reseal_secrets(db)
            tokens = slack_repo.reseal_tokens(db, reseal=box_for(settings).reseal)
    except SecretUnreadable as exc:
        fail(f"{exc}: keep every key the secrets were written with in ASKWELL_ENCRYPTION_KEYS")
    finally:
        engine.dispose()
    err_console.print(
        f"[green]Re-encrypted[/] {hooks} webhook secret(s), {providers} single sign-on client secret(s) "
        f"and {tokens} Slack bot token(s)"
    )

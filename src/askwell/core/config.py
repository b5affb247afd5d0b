"""Typed settings, read once from the environment (prefix ``ASKWELL_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# `askwell serve`'s default address: the last resort for a worker process that knows no better.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    """Every knob Askwell reads; nothing else consults the environment."""

    model_config = SettingsConfigDict(env_prefix="ASKWELL_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///askwell.db"
    # The public address for links in emails. Unset: the address the server is serving on
    # (`askwell serve` sets it from --host/--port; a request's own address for emails it causes).
    base_url: str | None = None
    # Cookies are marked Secure when the app is served over https.
    cookie_secure: bool = False
    session_days: int = Field(default=14, ge=1, le=365)
    invite_days: int = Field(default=7, ge=1, le=90)
    reset_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # Sign-in rate limit: failures allowed per account (email) in the window, then a lock-out for it.
    login_max_failures: int = Field(default=10, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    # Per client address no lock-out (colleagues share addresses): past this many failures in the
    # window, each further try waits 2, 4, 8 ... seconds, at most login_client_max_wait_seconds.
    login_client_free_failures: int = Field(default=30, ge=1)
    login_client_max_wait_seconds: int = Field(default=300, ge=1)
    # None means: in-process on SQLite, separate `askwell worker` processes on PostgreSQL.
    in_process_worker: bool | None = None
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    job_lease_seconds: int = Field(default=300, ge=1)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_from: str = "Askwell <askwell@localhost>"
    # Signs the links and addresses mail carries (one-click unsubscribe, replies by email): any long
    # random string, the same for every process. Unset: mails carry neither (docs/integrations.md).
    secret_key: SecretStr | None = None
    # Replies by email: the address inbound mail arrives at (`askwell mail serve`, or the MTA piping into
    # `askwell mail receive`). Mails that can be answered get Reply-To "local+TOKEN@domain"; unset: none.
    reply_address: str | None = None
    # The largest inbound message accepted (bytes); bigger ones are refused before they are parsed.
    mail_max_bytes: int = Field(default=1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    # Where a huddle meets: "{huddle_id}" is replaced by the huddle's id (docs/routing-and-huddles.md).
    huddle_link_template: str = "https://meet.example.com/askwell-{huddle_id}"
    # Proxies whose X-Forwarded-For/-Proto headers are believed (client address for sign-in limits,
    # https for links): comma-separated addresses or "*" behind a proxy that strips client-sent ones.
    forwarded_allow_ips: str = "127.0.0.1"
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # Where the sentence model runs: "auto" takes CUDA when torch sees a GPU, else the CPU.
    embed_device: Literal["auto", "cpu", "cuda"] = "auto"
    # "auto" runs the model in the device's fast half type (bf16 on CPUs with native bf16, fp16 on
    # CUDA), about 3x faster on such CPUs; "fp32" keeps the reference numbers. Each precision stores its
    # vectors under its own model version, so changing this (or the device) re-embeds everyone.
    embed_precision: Literal["auto", "fp32"] = "auto"

    # Operations (docs/operations.md). /metrics answers only a request bearing this token; unset: 404.
    metrics_token: SecretStr | None = None
    # "json": one JSON object per log line (time, level, logger, message, request_id), for collectors.
    log_format: Literal["text", "json"] = "text"
    # Finished jobs, used or expired reset links and invitations, and revoked API tokens are kept this
    # long (for support questions), then purged by the scheduled `jobs.purge` and `accounts.purge`.
    retention_days: int = Field(default=14, ge=1, le=3650)

    # Outgoing webhooks (docs/integrations.md). Targets on private, loopback or link-local addresses are
    # refused (SSRF) unless this is set: for an on-premises receiver, and for the tests' local receiver.
    webhooks_allow_private_targets: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Attempts per delivery (back-off doubles from 30 s, at most an hour apart: 10 attempts span about
    # 3 hours); a delivery that uses them all disables its endpoint and tells the organization's admins.
    webhook_max_attempts: int = Field(default=10, ge=1, le=30)
    # Single sign-on (OpenID Connect): the provider's discovery document, keys and token endpoint are
    # fetched with this timeout. Tests point organizations at a provider on 127.0.0.1.
    oidc_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # An issuer on a private or loopback address (an on-premises provider; the tests' local one).
    oidc_allow_private_issuers: bool = False
    # Keys that encrypt stored secrets (webhook signing secrets, OIDC client secrets): comma-separated
    # Fernet keys, the first encrypts and all decrypt (rotation). Unset: a fixed development key, which
    # `askwell serve` and `askwell worker` refuse on PostgreSQL (docs/deploy.md).
    encryption_keys: SecretStr | None = None

    # The Slack app (docs/integrations.md#slack): one app for the deployment, installed into each
    # organization through Slack's OAuth v2. Unset client id: the Slack section says "not configured".
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # Verifies every request Slack sends us (v0 HMAC signature); unset: the Slack routes answer 401.
    slack_signing_secret: SecretStr | None = None
    # Where the Web API and the OAuth consent page live; tests point the API at a local fake Slack.
    slack_api_url: str = "https://slack.com/api/"
    slack_authorize_url: str = "https://slack.com/oauth/v2/authorize"
    slack_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # How many times one Slack call may be put off by HTTP 429 (each by its Retry-After) before it is
    # given up; failures without an answer are retried by the job queue (10 attempts, back-off to 1 h).
    slack_max_rate_limited: int = Field(default=20, ge=1, le=200)

    def public_url(self, served_url: str | None = None) -> str:
        """Where links in emails point: the configured base URL, else the address being served on."""
        return (self.base_url or served_url or DEFAULT_BASE_URL).rstrip("/")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""Typed settings, read once from the environment (prefix ``ASKWELL_``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob Askwell reads; nothing else consults the environment."""

    model_config = SettingsConfigDict(env_prefix="ASKWELL_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///askwell.db"
    base_url: str = "http://127.0.0.1:8000"
    # Cookies are marked Secure when the app is served over https.
    cookie_secure: bool = False
    session_days: int = Field(default=14, ge=1, le=365)
    invite_days: int = Field(default=7, ge=1, le=90)
    reset_minutes: int = Field(default=60, ge=5, le=24 * 60)
    # Sign-in rate limit: failures allowed per email and per client address in the window.
    login_max_failures: int = Field(default=10, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
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
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # Where the sentence model runs: "auto" takes CUDA when torch sees a GPU, else the CPU.
    embed_device: Literal["auto", "cpu", "cuda"] = "auto"
    # "auto" runs the model in the device's fast half type (bf16 on CPUs with native bf16, fp16 on
    # CUDA), about 3x faster on such CPUs; "fp32" keeps the reference numbers. Each precision stores its
    # vectors under its own model version, so changing this (or the device) re-embeds everyone.
    embed_precision: Literal["auto", "fp32"] = "auto"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

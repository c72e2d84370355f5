"""Stand-in for a generated project's `settings.py`, which is rendered from a template with the
spec's values. It declares what the runtime modules import from there, so that persistgen's
mypy and tests can check them; it is never copied (each project's own is type-checked there).
"""

import datetime as dt
import secrets
from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATABASE_", extra="ignore")

    url: SecretStr = SecretStr("sqlite+aiosqlite://")
    replica_urls: SecretStr = SecretStr("")
    replica_max_lag: float = 30.0
    replica_check_interval: float = 1.0
    migration_lock_timeout: float = 2.0
    migration_lock_retries: int = 10
    migration_batch_rows: int = 10_000


class CursorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CURSOR_", extra="ignore")

    secret: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_urlsafe(32)))


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    max_body_bytes: int = Field(1_048_576, ge=0)
    max_url_length: int = Field(8192, ge=1)


class IdempotencySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IDEMPOTENCY_", extra="ignore")

    window: dt.timedelta = Field(dt.timedelta(hours=24), gt=dt.timedelta(0))


@lru_cache
def get_settings() -> DatabaseSettings:
    return DatabaseSettings()


@lru_cache
def get_cursor_settings() -> CursorSettings:
    return CursorSettings()


@lru_cache
def get_api_settings() -> ApiSettings:
    return ApiSettings()


@lru_cache
def get_idempotency_settings() -> IdempotencySettings:
    return IdempotencySettings()

"""Your application's own settings. persistgen created this file once and never touches it
again; its settings for the database stay in `settings.py`."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class AppSettings(BaseSettings):
    """Each field reads `APP_<FIELD>` from the environment or `.env`, e.g. a field
    `allowed_origins: list[str] = []` reads `APP_ALLOWED_ORIGINS='["https://example.com"]'`."""

    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env", extra="ignore")


@lru_cache
def get_app_settings() -> AppSettings:
    return AppSettings()

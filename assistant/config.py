"""Settings in one class, read from ASSISTANT_* variables and an optional .env file."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""  # empty: a SQLite file under var_dir
    secret_key: str = ""  # empty: generated once and kept in var_dir/secret_key
    default_locale: str = "zh_CN"
    timezone: str = "Asia/Shanghai"
    rules_dir: Path = PROJECT_ROOT / "compliance_rules"
    scripts_dir: Path = PROJECT_ROOT / "scripts_library"
    session_max_age_seconds: int = 8 * 3600
    https_only_cookies: bool = False
    login_attempts_per_minute: int = 5  # failed log-ins per username before a 429
    # Per client address: higher, because a branch office shares one address.
    login_failures_per_address_per_minute: int = 20
    log_level: str = "INFO"
    max_upload_bytes: int = 20 * 1024 * 1024
    ray_address: str = ""  # empty: a local Ray started on demand

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'assistant.db'}"

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated on first use and stored under var_dir."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""One Settings object, read from the environment (prefix MONBAN_)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MONBAN_", extra="ignore")

    data_dir: Path = Path("./monban-data")
    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite at <data_dir>/monban.sqlite3."""
    redis_url: str = ""
    """redis://host:6379/0: counters (lockout, daily limit) live in Redis, and the
    authenticator's push requests fan out through its pub/sub; empty: counters in the
    database (they still hold across nodes sharing it) and fan-out in-process."""
    redis_key_prefix: str = "monban:"
    """Prefix of every Redis key and channel, so several installations can share one Redis."""
    counters_when_redis_down: Literal["closed", "open"] = "closed"
    """closed: sign-ins answer 503 SERVICE_UNAVAILABLE while Redis is unreachable; open: the
    lockout and daily counts are skipped (each skip is audited) and sign-ins proceed."""
    secret_key: str = ""
    """Signs cookies. Empty: generated once and kept in <data_dir>/secret_key."""
    base_url: str = ""
    """Public URL (https://accounts.example.com). Empty: taken from each request."""
    host: str = "127.0.0.1"
    port: int = 8000

    default_language: str = "ja"
    authenticator_app_name: str = "Monban Authenticator"
    authenticator_min_version: str = "0.1.0"
    """Oldest Monban Authenticator app allowed (issue #4); each org may ask for a newer one."""
    push_ttl_seconds: int = 120
    """How long a push sign-in request or a QR sign-in code waits for the app."""
    device_signature_window_seconds: int = 300
    """Signed app requests older or newer than this are refused (clock skew allowance)."""
    send_limit_per_destination: int = Field(default=5, ge=0)
    send_limit_per_account: int = Field(default=10, ge=0)
    send_limit_per_source: int = Field(default=20, ge=0)
    send_limit_per_org: int = Field(default=1000, ge=0)
    send_limit_per_notice: int = Field(default=5, ge=0)
    """Messages (SMS, email, push) per hour: to one destination, for one account, caused from
    one source address (IPv6: its /64), for one org, and of one security notice to one
    address; 0 = no limit. Why these numbers: notify/limits.py and docs/security.md."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed."""
    hide_unknown_accounts: bool = False
    """Answer INVALID_CREDENTIALS instead of ACCOUNT_NOT_FOUND for identifiers no org claims."""

    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    hash_workers: int = 0
    """Threads hashing passwords; 0 means one per CPU."""

    webauthn_rp_id: str = ""
    """WebAuthn relying-party id (a domain); empty: the host of each request's origin."""
    webauthn_rp_name: str = "Monban"

    sms_provider_url: str = ""
    """Base URL of the SMS provider's REST API; empty: SMS go to the outbox."""
    sms_account: str = ""
    sms_token: str = ""
    sms_from: str = ""
    smtp_host: str = ""
    """Empty: email goes to the outbox."""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "monban@localhost"
    smtp_starttls: bool = True

    mail_auth_token: str = ""
    """Shared secret that mail servers (nginx's mail proxy, Dovecot's checkpassword) present
    to ask Monban about a mail login; empty: the mail login endpoints are off."""
    mail_backend_imap: str = ""
    """host:port of the IMAP server behind nginx's mail proxy (nginx auth_http answers it)."""
    mail_backend_pop3: str = ""
    mail_backend_smtp: str = ""

    flow_ttl_seconds: int = 900
    max_body_bytes: int = 64 * 1024
    cookie_secure: bool | None = None
    """None: Secure (and `__Host-` prefixed) cookies when MONBAN_BASE_URL is https or the
    request came over https (as seen directly or reported by a trusted proxy)."""
    hsts_seconds: int = 365 * 24 * 3600
    """Strict-Transport-Security max-age sent on https responses; 0 sends none."""
    allowed_hosts: list[str] = Field(default_factory=list)
    """Host headers served (`*.example.com`, `*` for any); empty: localhost, 127.0.0.1,
    [::1] and the host of base_url. Other hosts get 400 INVALID_REQUEST."""

    def sqlalchemy_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://"):]
            return url
        return f"sqlite:///{(self.data_dir / 'monban.sqlite3').resolve()}"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

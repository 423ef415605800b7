"""Request bodies of the JSON API. Unknown fields are refused (INVALID_REQUEST)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartFlow(Strict):
    identifier: str = Field(min_length=1, max_length=320)
    password: str | None = Field(default=None, max_length=1024)
    """Optional: identifier and password in one call (the same flow, one round trip)."""
    keep_signed_in: bool = False


class SubmitPassword(Strict):
    password: str = Field(max_length=1024)
    keep_signed_in: bool | None = None


class ChangePassword(Strict):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class UpdateProfile(Strict):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    language: str | None = None
    timezone: str | None = None


class NewIpRule(Strict):
    cidr: str = Field(max_length=60)
    """An address or CIDR range, or "current" for the caller's own address."""
    name: str = Field(default="", max_length=100)


class NewOrg(Strict):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=1, max_length=64)


class NewAccount(Strict):
    display_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    username: str | None = Field(default=None, max_length=64)
    password: str | None = Field(default=None, max_length=1024)
    role: str = "member"
    language: str = "ja"
    timezone: str = "Asia/Tokyo"


class UpdateMember(Strict):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    language: str | None = None
    timezone: str | None = None
    disabled: bool | None = None
    role: str | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SetPassword(Strict):
    password: str = Field(max_length=1024)
    end_sessions: bool = True


class NewDomain(Strict):
    domain: str = Field(min_length=3, max_length=253)


class OrgSettingsPatch(Strict):
    daily_signin_limit: int | None = None
    timezone: str | None = None
    lockout_threshold: int | None = None
    lockout_window_minutes: int | None = None
    lockout_duration_minutes: int | None = None
    lockout_max_minutes: int | None = None
    account_lockout_threshold: int | None = None
    session_limit: int | None = None
    session_lifetime_hours: int | None = None
    session_max_hours: int | None = None
    session_idle_minutes: int | None = None
    hide_account_existence: bool | None = None
    mfa_required: bool | None = None
    mfa_required_roles: list[str] | None = None
    allowed_factors: list[str] | None = None
    trusted_browser_days: int | None = None
    totp_max_drift_steps: int | None = None
    self_reset_allowed: bool | None = None
    sms_countries: list[str] | None = None
    password_min_length: int | None = None
    password_classes: list[str] | None = None
    password_history: int | None = None
    password_max_age_days: int | None = None
    password_min_age_hours: int | None = None
    federated_providers: list[str] | None = None
    federated_email_sync: bool | None = None
    federated_trust_mfa: bool | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class FactorChallenge(Strict):
    factor_id: str = Field(max_length=64)


class FactorVerify(Strict):
    factor_id: str = Field(max_length=64)
    response: dict[str, Any] = Field(default_factory=dict)
    """The factor's answer: {"code": "123456"} for codes; the WebAuthn assertion JSON."""
    trust_browser: bool = False


class FactorEnroll(Strict):
    name: str = Field(default="", max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)
    """Kind-specific: {"phone": "+81…"} for SMS, {"email": …} for email codes."""


class FactorConfirm(Strict):
    response: dict[str, Any] = Field(default_factory=dict)
    trust_browser: bool = False


class NewAppPassword(Strict):
    name: str = Field(min_length=1, max_length=100)
    """Which mail client it is for ("Thunderbird on my laptop")."""
    current_password: str = Field(max_length=1024)
    """Proved again first: a stolen session must not be able to mint a lasting mail login."""


class MailLoginCheck(Strict):
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(max_length=1024)
    protocol: str = Field(max_length=16)
    """imap, pop3, smtp (or submission), caldav or carddav."""
    client_ip: str = Field(max_length=45)
    """The mail client's address as the mail server saw it."""

"""An organisation's sign-in settings, with the catalogue's defaults. Personal accounts
(no org) get the defaults."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, field_validator

from monban.factors import registry

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class OrgSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    daily_signin_limit: int = Field(default=20, ge=0, le=100_000)
    """Successful sign-ins per account per day; 0 = no limit."""
    timezone: str = "UTC"
    """The day of the daily limit is this zone's day."""

    lockout_threshold: int = Field(default=8, ge=1, le=1000)
    """Wrong secrets in a row from one source (browser or IP) that lock that source."""
    lockout_window_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    """Failures older than this no longer count."""
    lockout_duration_minutes: int = Field(default=5, ge=1, le=24 * 60)
    """The first lock's length; each further lock of the same source doubles it."""
    lockout_max_minutes: int = Field(default=24 * 60, ge=1, le=30 * 24 * 60)
    account_lockout_threshold: int = Field(default=100, ge=1, le=100)
    """Wrong secrets in a row for the whole account (NIST SP 800-63B: at most 100)."""

    session_limit: int = Field(default=0, ge=0, le=1000)
    """Concurrent browser sessions per account; 0 = no limit."""
    session_lifetime_hours: int = Field(default=14 * 24, ge=1, le=365 * 24)
    """A "keep me signed in" session ends this long after signing in (sessions/lifetime.py)."""
    session_max_hours: int = Field(default=12, ge=1, le=365 * 24)
    """Any other session ends this long after signing in (ASVS §3.3.2 L2: 12 hours)."""
    session_idle_minutes: int = Field(default=30, ge=0, le=365 * 24 * 60)
    """A session without "keep me signed in" ends after this long without a request
    (ASVS §3.3.2 L2: 30 minutes); 0 = no idle timeout."""

    mfa_required: bool = False
    """Every member needs a second factor (enrolled at sign-in if they have none)."""
    mfa_required_roles: list[str] = Field(default_factory=list)
    """Or only members with these roles (owner, admin, support, member)."""
    allowed_factors: list[str] = Field(default_factory=registry.on_by_default)
    """Second factors members may enroll and use: the registry's kinds, those on by default
    unless the org says otherwise. Email codes are off unless listed here (NIST SP 800-63B
    does not accept email as an out-of-band authenticator)."""
    trusted_browser_days: int = Field(default=180, ge=0, le=3650)
    """"Trust this browser" skips MFA there for this long; 0 = never trust."""
    totp_max_drift_steps: int = Field(default=10, ge=1, le=120)
    """How far (30 s steps) a device's clock may be off before its codes are refused; past
    one step, two consecutive codes must confirm the offset first."""

    qr_signin_allowed: bool = False
    """Members may sign in by scanning a QR code with the authenticator app (no password)."""
    authenticator_min_version: str = Field(default="", max_length=32,
                                           pattern=r"^$|^[0-9]+(\.[0-9]+){0,3}$")
    """Oldest authenticator app version members may sign in with ("" = the server's)."""
    passwordless_allowed: bool = True
    """Members may sign in with a one-time code sent to their email address or mobile number
    instead of the password (the second step, if any, still applies)."""
    mail_hosted_domains: list[str] = Field(default_factory=list)
    """Email domains whose mailboxes this org hosts: a sign-in code is never sent to them
    (reading that mail needs the very sign-in the code is for)."""

    sms_countries: list[str] = Field(default_factory=list)
    """ISO 3166 country codes (JP, US, ...) of the mobile numbers Monban may text for this
    org's members; [] = any (SMS_COUNTRY_NOT_ALLOWED otherwise; notify/limits.py)."""

    self_reset_allowed: bool = True
    """Members may reset a forgotten password themselves (else SELF_RESET_NOT_ALLOWED)."""
    password_min_length: int = Field(default=8, ge=8, le=256)
    """Org rule on top of NIST SP 800-63B (which asks 15 when the password is the only
    factor; that applies whatever this says)."""
    password_classes: list[str] = Field(default_factory=list)
    """Character classes the org requires: lower, upper, digit, symbol (NIST advises none)."""
    password_history: int = Field(default=0, ge=0, le=24)
    """The last N passwords may not be reused."""
    password_max_age_days: int = Field(default=0, ge=0, le=3650)
    """Older passwords must be changed at sign-in (PASSWORD_EXPIRED); 0 = never."""
    password_min_age_hours: int = Field(default=0, ge=0, le=24 * 30)
    """A password may not be changed again sooner than this; 0 = any time."""

    hide_account_existence: bool = False
    """Answer INVALID_CREDENTIALS instead of ACCOUNT_NOT_FOUND for identifiers on the org's
    domains, and refuse member-specific policies only after the password is proven."""

    # Federated sign-in (FEATURES.md §5)
    federated_providers: list[str] | None = None
    """Identity providers (slugs) members may sign in with: None = every enabled one,
    [] = federated sign-in off."""
    federated_email_sync: bool = True
    """A provider's verified email replaces the member's when it changed there (never when
    another account has it: FEDERATED_EMAIL_CONFLICT)."""
    federated_trust_mfa: bool = False
    """Skip Monban's second step when the provider says it did MFA (amr contains "mfa")."""

    @field_validator("mfa_required_roles")
    @classmethod
    def _known_roles(cls, value: list[str]) -> list[str]:
        unknown = set(value) - {"owner", "admin", "support", "member"}
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        return sorted(set(value))

    @field_validator("mail_hosted_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        cleaned = {d.strip().lower().lstrip("@") for d in value if d.strip()}
        if any("@" in d or " " in d or "." not in d for d in cleaned):
            raise ValueError("domains look like example.com")
        return sorted(cleaned)

    @field_validator("allowed_factors")
    @classmethod
    def _known_factors(cls, value: list[str]) -> list[str]:
        unknown = set(value) - registry.kinds()
        if unknown:
            raise ValueError(f"unknown factors {sorted(unknown)}")
        return sorted(set(value))

    @field_validator("password_classes")
    @classmethod
    def _known_classes(cls, value: list[str]) -> list[str]:
        unknown = set(value) - {"lower", "upper", "digit", "symbol"}
        if unknown:
            raise ValueError(f"unknown character classes {sorted(unknown)}")
        return sorted(set(value))

    @field_validator("federated_providers")
    @classmethod
    def _provider_slugs(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [slug for slug in value if not _SLUG.fullmatch(slug)]
        if bad:
            raise ValueError(f"not provider slugs {bad[:5]}")
        return sorted(set(value))

    @field_validator("sms_countries", mode="before")
    @classmethod
    def _country_text(cls, value: object) -> object:
        """`monban org set acme sms_countries=JP,US` (or `sms_countries=` for any)."""
        return value.split(",") if isinstance(value, str) else value

    @field_validator("sms_countries")
    @classmethod
    def _known_countries(cls, value: list[str]) -> list[str]:
        cleaned = {code.strip().upper() for code in value if code.strip()}
        unknown = cleaned - phonenumbers.SUPPORTED_REGIONS
        if unknown:
            raise ValueError(f"unknown country codes {sorted(unknown)[:5]}")
        return sorted(cleaned)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


DEFAULT_SETTINGS = OrgSettings()

"""Every table, as SQLAlchemy Core. Migrations (db/migrations) create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from monban.db.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

orgs = Table(
    "orgs", metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("slug", String(64), nullable=False, unique=True),
    Column("settings", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

org_domains = Table(
    "org_domains", metadata,
    Column("domain", String(253), primary_key=True),
    Column("org_id", String(32), ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
)

accounts = Table(
    "accounts", metadata,
    Column("id", String(32), primary_key=True),
    Column("org_id", String(32), ForeignKey("orgs.id"), nullable=True, index=True),
    Column("role", String(16), nullable=True),
    Column("email", String(320), nullable=True, unique=True),
    Column("phone", String(20), nullable=True, unique=True),
    Column("username", String(64), nullable=True, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("password_changed_at", UTCDateTime, nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("is_superadmin", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    # set by an admin reset: change the password / enrol a second factor at next sign-in
    Column("must_change_password", Boolean, nullable=False, server_default="0"),
    Column("must_enroll_mfa", Boolean, nullable=False, server_default="0"),
)

ip_rules = Table(
    "ip_rules", metadata,
    Column("id", String(32), primary_key=True),
    Column("scope", String(8), nullable=False),
    Column("owner_id", String(32), nullable=False),
    Column("cidr", String(50), nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_ip_rules_scope_owner", "scope", "owner_id"),
)

flows = Table(
    "flows", metadata,
    Column("id", String(43), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("state", String(24), nullable=False),
    Column("account_id", String(32), nullable=True),
    Column("ip", String(45), nullable=False),
    Column("user_agent", String(512), nullable=False),
    Column("device_id", String(43), nullable=True),
    Column("keep_signed_in", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_flows_expires_at", "expires_at"),
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("persistent", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ip", String(45), nullable=False),
    Column("user_agent", String(512), nullable=False),
    Column("flow_id", String(43), nullable=True),
    Column("amr", String(100), nullable=False, server_default="pwd"),
    Index("ix_sessions_account_active", "account_id", "ended_at"),
)

attempt_counters = Table(
    "attempt_counters", metadata,
    Column("key", String(120), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime, nullable=False),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("level", Integer, nullable=False),
    Column("pending", Integer, nullable=False),
    Column("pending_until", UTCDateTime, nullable=True),
)

daily_signins = Table(
    "daily_signins", metadata,
    Column("account_id", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("count", Integer, nullable=False),
)

send_quotas = Table(
    "send_quotas", metadata,
    Column("key", String(120), primary_key=True),
    Column("window_start", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False),
)
"""Messages sent per key (destination, account, source address, org) in the current window
(store/sql_counters.py take_quotas; notify/limits.py says which keys)."""

known_browsers = Table(
    "known_browsers", metadata,
    Column("account_id", String(32), primary_key=True),
    Column("device_id", String(43), primary_key=True),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("event", String(40), nullable=False),
    Column("outcome", String(8), nullable=False),
    Column("code", String(40), nullable=True, index=True),
    Column("account_id", String(32), nullable=True),
    Column("org_id", String(32), nullable=True),
    Column("actor_id", String(32), nullable=True),
    Column("identifier", String(320), nullable=True),
    Column("ip", String(45), nullable=True),
    Column("user_agent", String(512), nullable=True),
    Column("flow_id", String(43), nullable=True, index=True),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_events_account_at", "account_id", "at"),
    Index("ix_audit_events_org_at", "org_id", "at"),
)

# Multi-factor authentication -------------------------------------------------------------

factors = Table(
    "factors", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    # where codes go: the phone number (sms) or the address (email)
    Column("target", String(320), nullable=True),
    # the TOTP seed, sealed with AES-GCM (crypto/sealing.py)
    Column("secret", Text, nullable=True),
    # the WebAuthn credential id, base64url
    Column("credential_id", String(1400), nullable=True, unique=True),
    Column("data", JSON, nullable=False),
    Column("preferred", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
)

factor_enrollments = Table(
    "factor_enrollments", metadata,
    Column("id", String(43), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(100), nullable=False),
    Column("target", String(320), nullable=True),
    Column("secret", Text, nullable=True),
    Column("data", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

totp_used_steps = Table(
    "totp_used_steps", metadata,
    Column("account_id", String(32), primary_key=True),
    Column("step", BigInteger, primary_key=True),
    Column("used_at", UTCDateTime, nullable=False),
)

otp_challenges = Table(
    "otp_challenges", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), nullable=False),
    Column("purpose", String(16), nullable=False),  # mfa | enroll | signin | recovery
    Column("channel", String(8), nullable=False),
    Column("target", String(320), nullable=False),
    Column("flow_id", String(43), nullable=True),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("superseded", Boolean, nullable=False),
    Index("ix_otp_challenges_account_purpose", "account_id", "purpose", "created_at"),
)

backup_codes = Table(
    "backup_codes", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False),
    Column("set_id", String(32), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Index("ix_backup_codes_account_hash", "account_id", "code_hash"),
)

trusted_browsers = Table(
    "trusted_browsers", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False),
    Column("device_id", String(43), nullable=False),
    Column("name", String(200), nullable=False),
    Column("ip", String(45), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=False),
    Index("ix_trusted_browsers_account_device", "account_id", "device_id", unique=True),
)

outbox = Table(
    "outbox", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("channel", String(8), nullable=False),
    Column("target", String(320), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
"""Development delivery: messages that would have gone by SMS or email (`monban outbox`)."""

# Getting back in -------------------------------------------------------------------------

recovery_contacts = Table(
    "recovery_contacts", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("channel", String(8), nullable=False),  # email | sms
    Column("target", String(320), nullable=False),
    Column("verified_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_recovery_contacts_unique", "account_id", "channel", "target", unique=True),
)

password_history = Table(
    "password_history", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

support_requests = Table(
    "support_requests", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), nullable=True, index=True),
    Column("identifier", String(320), nullable=False),
    Column("contact_channel", String(8), nullable=False),  # email | sms
    Column("contact_target", String(320), nullable=False),
    Column("contact_verified_at", UTCDateTime, nullable=True),
    Column("description", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False),  # open | approved | denied | done | expired
    Column("checks", JSON, nullable=False),
    Column("assigned_to", String(32), nullable=True),
    Column("decided_by", String(32), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_support_requests_status", "status", "created_at"),
)

# Monban Authenticator (issue #4) ---------------------------------------------------------

authenticator_links = Table(
    "authenticator_links", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("device_id", String(32), nullable=True),
)
"""A one-time enrolment code shown on the security page (as text and as a QR code)."""

authenticator_devices = Table(
    "authenticator_devices", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("platform", String(100), nullable=False),
    Column("app_version", String(32), nullable=False),
    Column("public_key", String(64), nullable=False, unique=True),
    Column("totp_factor_id", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)
"""A linked app: its Ed25519 public key (base64url, 32 bytes) signs every request."""

device_nonces = Table(
    "device_nonces", metadata,
    Column("device_id", String(32), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_device_nonces_expires_at", "expires_at"),
)
"""Nonces of signed device requests, kept until the timestamp window has passed: a replay
fails on the primary key."""

push_challenges = Table(
    "push_challenges", metadata,
    Column("id", String(43), primary_key=True),
    Column("kind", String(8), nullable=False),  # push | qr
    Column("account_id", String(32), nullable=True, index=True),
    Column("device_id", String(32), nullable=True),
    Column("flow_id", String(43), nullable=True),
    Column("number", Integer, nullable=False),
    Column("choices", JSON, nullable=False),
    Column("context", JSON, nullable=False),
    Column("status", String(12), nullable=False),  # pending|approved|denied|wrong|used
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime, nullable=True),
    Index("ix_push_challenges_expires_at", "expires_at"),
)
"""A sign-in request sent to the app (push), or a QR sign-in waiting for an app."""

signin_restrictions = Table(
    "signin_restrictions", metadata,
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           primary_key=True),
    Column("device_id", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
"""Accounts whose owner turned "restrict sign-in" on from the app (SIGNIN_RESTRICTED)."""


# Mail clients: app-specific passwords ------------------------------------------------------
app_passwords = Table(
    "app_passwords", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("last_used_protocol", String(16), nullable=True),
    Column("last_used_ip", String(45), nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)
# OpenID Connect provider (issue #6)
oidc_clients = Table(
    "oidc_clients", metadata,
    Column("id", String(64), primary_key=True),  # the client_id
    Column("org_id", String(32), ForeignKey("orgs.id", ondelete="CASCADE"), nullable=True,
           index=True),
    Column("name", String(200), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("secret_digest", String(64), nullable=True),  # keyed HMAC-SHA256, never the secret
    Column("redirect_uris", JSON, nullable=False),
    Column("post_logout_redirect_uris", JSON, nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("grants", JSON, nullable=False),
    Column("auth_method", String(32), nullable=False),
    Column("jwks", JSON, nullable=True),  # public keys for private_key_jwt
    Column("signing_alg", String(8), nullable=False),
    Column("allow_webview", Boolean, nullable=False),
    Column("skip_consent", Boolean, nullable=False),
    Column("access_token_ttl", Integer, nullable=False),
    Column("refresh_token_ttl", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

oidc_keys = Table(
    "oidc_keys", metadata,
    Column("kid", String(64), primary_key=True),
    Column("alg", String(8), nullable=False),
    Column("public_jwk", JSON, nullable=False),
    Column("private_sealed", Text, nullable=False),  # crypto/sealing.py, bound to the kid
    Column("created_at", UTCDateTime, nullable=False),
    Column("retired_at", UTCDateTime, nullable=True),  # no longer signs
    Column("publish_until", UTCDateTime, nullable=True),  # dropped from JWKS after this
)

oidc_grants = Table(
    "oidc_grants", metadata,
    Column("id", String(32), primary_key=True),  # a refresh-token family
    Column("client_id", String(64), ForeignKey("oidc_clients.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=True, index=True),
    Column("session_id", String(64), nullable=True),
    Column("scope", Text, nullable=False),
    Column("auth_time", UTCDateTime, nullable=True),
    Column("amr", String(64), nullable=False),
    Column("acr", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

oidc_codes = Table(
    "oidc_codes", metadata,
    Column("digest", String(64), primary_key=True),
    Column("grant_id", String(32), ForeignKey("oidc_grants.id", ondelete="CASCADE"),
           nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("nonce", String(512), nullable=True),
    Column("code_challenge", String(128), nullable=True),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("used_at", UTCDateTime, nullable=True),
)

oidc_refresh_tokens = Table(
    "oidc_refresh_tokens", metadata,
    Column("digest", String(64), primary_key=True),
    Column("grant_id", String(32), ForeignKey("oidc_grants.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("used_at", UTCDateTime, nullable=True),
)

oidc_consents = Table(
    "oidc_consents", metadata,
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           primary_key=True),
    Column("client_id", String(64), ForeignKey("oidc_clients.id", ondelete="CASCADE"),
           primary_key=True),
    Column("scopes", JSON, nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
)

oidc_assertions = Table(
    "oidc_assertions", metadata,  # private_key_jwt assertions seen: each jti once per client
    Column("client_id", String(64), primary_key=True),
    Column("jti", String(128), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)
# Federated sign-in (FEATURES.md §5) ------------------------------------------------------

identity_providers = Table(
    "identity_providers", metadata,
    Column("id", String(32), primary_key=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("protocol", String(8), nullable=False),  # oidc | oauth2
    Column("preset", String(32), nullable=True),
    Column("org_id", String(32), ForeignKey("orgs.id", ondelete="CASCADE"), nullable=True,
           index=True),
    Column("issuer", String(500), nullable=False),
    Column("client_id", String(500), nullable=False),
    Column("client_secret_sealed", Text, nullable=False),
    Column("config", JSON, nullable=False),
    Column("auto_create", Boolean, nullable=False, default=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)
"""Upstream identity providers: server-wide (org_id NULL: the social presets) or an org's
own IdP. The client secret is sealed (crypto/sealing.py) with the row id as context."""

federated_links = Table(
    "federated_links", metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("provider_id", String(32), ForeignKey("identity_providers.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("issuer", String(500), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("email", String(320), nullable=True),
    Column("linked_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Index("ix_federated_links_issuer_subject", "issuer", "subject", unique=True),
)
"""An account's link to a provider identity, by (issuer, subject): never by email."""

identifier_collisions = Table(
    "identifier_collisions", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("account_id", String(32), ForeignKey("accounts.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # email | phone | username
    Column("stored", String(320), nullable=False),
    Column("normal", String(320), nullable=True),  # NULL: the stored value no longer parses
    Column("found_at", UTCDateTime, nullable=False),
)
"""Stored identifiers the one normalisation (accounts/identifiers.py) could not apply: two
accounts whose identifiers normalise alike, left untouched for the operator to resolve
(`monban user collisions`); store/identifier_collisions.py writes and clears them."""

"""What every factor is: a plug-in with the same verbs — enroll, confirm, challenge, verify,
remove — over its own storage. The sign-in flow and the pages know only this interface and the
registry (factors/registry.py), never which factors exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.clock import Clock
from monban.crypto.code_hash import CodeHasher
from monban.crypto.sealing import Sealer
from monban.db.database import Database
from monban.signin.request_info import RequestInfo


@dataclass(frozen=True, slots=True)
class FactorRecord:
    id: str
    account_id: str
    kind: str
    name: str
    target: str | None
    secret: str | None
    credential_id: str | None
    data: dict[str, Any]
    preferred: bool
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class FactorContext:
    """Who is enrolling or verifying, under which org settings, from where, when."""

    account: Account
    settings: OrgSettings
    request: RequestInfo
    now: datetime
    flow_id: str | None = None
    origin: str = ""
    """The page origin (scheme://host[:port]), for WebAuthn."""


@dataclass(frozen=True, slots=True)
class Enrollment:
    id: str
    kind: str
    display: dict[str, Any]
    """What the person needs to finish: an otpauth URI and QR code, WebAuthn creation
    options, "a code was sent to +81 ••••5678", or (backup codes) the codes themselves."""
    expires_at: datetime | None = None
    factor: FactorRecord | None = None
    """Set when enrolling needs no confirmation (backup codes): the factor exists already."""


@dataclass(frozen=True, slots=True)
class Challenge:
    public: dict[str, Any]
    """Sent to the client: e.g. WebAuthn request options, "code sent to ••••5678"."""
    private: dict[str, Any] = field(default_factory=dict)
    """Kept in the flow for verify: e.g. the WebAuthn challenge."""


@dataclass(frozen=True, slots=True)
class FactorDeps:
    db: Database
    clock: Clock
    sealer: Sealer
    codes: CodeHasher
    app_name: str
    rp_id: str
    rp_name: str
    senders: Any
    """notify.senders.Senders (SMS and email delivery), typed loosely to keep factors
    importable without the delivery stack."""
    authenticator: Any = None
    """devices.setup.AuthenticatorSetup (the push factor's fan-out, expiry and minimum
    app version)."""


class Factor(Protocol):
    kind: str
    amr: str
    """RFC 8176 method reference: otp, sms, hwk, swk, ..."""

    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        """Start adding this factor (raise SignInError for bad params)."""
        ...

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        """Finish adding it with the person's proof (a first code, an attestation)."""
        ...

    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        """Prepare a sign-in check (send a code, make WebAuthn options)."""
        ...

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> FactorRecord | None:
        """Check the person's answer; single-use things are consumed atomically here.
        Raise SignInError (INVALID_OTP, OTP_EXPIRED, BACKUP_CODE_INVALID, ...) on failure.
        Return the record that answered when it is not `factor` (any of the person's
        security keys may answer), else None."""
        ...

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """Remove the enrolled factor and everything that answers through it, in one
        transaction: the row, and what belongs to it (a backup-code set's codes, a push
        method's device link). False when it was already gone."""
        ...

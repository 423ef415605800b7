"""What every factor is: a plug-in with the same verbs — enroll, confirm, challenge, verify,
remove — over its own storage, that describes itself (`Description`: its words, whether it
counts alone, how the pages offer it). The sign-in flow and the pages know only this interface
and the registry (factors/registry.py), never which factors exist; a factor's page fragments
are web/templates/factors/<kind>_*.html, included by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

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


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Marks a description's words for the ja/en catalogues; translated where shown."""
    return msgid


@dataclass(frozen=True, slots=True)
class Description:
    """How a factor presents itself. Words are gettext message ids (English), translated by
    the catalogues under i18n/locales; every list of factors is derived from these
    (factors/registry.py), never written out elsewhere."""

    label: str
    """Its name on the pages: "Authenticator app"."""
    hint: str
    """One line under the name where a method is chosen."""
    trace_label: str
    """What was checked, in a diagnostics trace: "authenticator app code"."""
    default_name: str = ""
    """The name an enrolled one gets when none is typed (empty: the label)."""
    counts_alone: bool = True
    """A second step on its own. False (backup codes): having only this one does not turn
    two-step verification on, and it is offered after the others."""
    sends_code: bool = False
    """A code is sent when asked (the page offers "Resend code")."""
    enroll_field: tuple[str, int] | None = None
    """The form field its enrolment needs and its longest length: ("phone", 32)."""
    org_switch: tuple[str, str] | None = None
    """On the org's two-step settings page, a switch of its own (label, hint) rather than a
    tick in the list of methods."""
    on_org_page: bool = True
    """False: not offered on the org's settings page (kept as set through the API/CLI)."""
    confirm_page: bool = True
    """Its first proof has a page of its own (web/templates/factors/<kind>_confirm.html).
    False: proven on its first page (a security key) or made at once (backup codes)."""
    scripts: frozenset[str] = frozenset()
    """Its pages that run the same-origin script (webauthn.js): "add" (its first page),
    "verify" (its part of the sign-in's second step)."""


@runtime_checkable
class Factor(Protocol):
    kind: str
    amr: str
    """RFC 8176 method reference: otp, sms, hwk, swk, ..."""
    description: Description

    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        """Start adding this factor (raise CatalogueError for bad params)."""
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
        Raise CatalogueError (INVALID_OTP, OTP_EXPIRED, BACKUP_CODE_INVALID, ...) on failure.
        Return the record that answered when it is not `factor` (any of the person's
        security keys may answer), else None."""
        ...

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """Remove the enrolled factor and everything that answers through it, in one
        transaction: the row, and what belongs to it (a backup-code set's codes, a push
        method's device link). False when it was already gone."""
        ...


class FactorClass(Protocol):
    """What the registry holds: a factor's class, described before any is made."""

    kind: str
    description: Description

    def __call__(self, deps: FactorDeps) -> Factor: ...

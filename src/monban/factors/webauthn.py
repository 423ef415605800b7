"""Security keys and passkeys (WebAuthn / FIDO2: YubiKey, Windows Hello, synced passkeys) as a
second factor, with py_webauthn. Several keys per account, each a factor row named by its
owner, keyed by its credential id (unique across all accounts).

Enrolling hands the browser creation options (attestation "none", discoverable credential
preferred so a passkey can later be a first step) and keeps the challenge in a pending
enrollment for five minutes. Signing in allows every key of the account, so whichever key is
at hand works. Every failure is SECURITY_KEY_FAILED with a non-secret reason; a page script
that finds no `PublicKeyCredential` answers {"error": "not_supported"}, which is
BROWSER_NOT_SUPPORTED (not a wrong attempt). A signature counter that does not move forward
(unless it stays 0, as synced passkeys do) means a cloned key, and fails.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from monban.errors import CatalogueError
from monban.factors.base import (
    N_,
    Challenge,
    Description,
    Enrollment,
    FactorContext,
    FactorDeps,
    FactorRecord,
)
from monban.store import factors as factor_store
from monban.store.ids import new_id, new_token

KIND = "webauthn"
ENROLLMENT_TTL = timedelta(minutes=5)
CEREMONY_TIMEOUT_MS = 300_000
DEFAULT_NAME = "Security key"
_SOFTWARE_TRANSPORTS = frozenset({"internal", "hybrid"})
_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)
# py_webauthn's messages, reduced to a reason that can go to the audit log and the client.
_REASONS = (("challenge", "challenge"), ("origin", "origin"), ("rp id", "rp_id"),
            ("sign count", "sign_count"), ("signature", "signature"),
            ("present", "user_presence"), ("client data type", "ceremony_type"),
            ("key alg", "algorithm"), ("attestation", "attestation"))


def failed(reason: str) -> CatalogueError:
    return CatalogueError("SECURITY_KEY_FAILED", detail={"reason": reason})


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    return next((reason for needle, reason in _REASONS if needle in text), "invalid_response")


def _not_supported(response: dict[str, Any]) -> None:
    if response.get("error") == "not_supported":
        raise CatalogueError("BROWSER_NOT_SUPPORTED")


def _credential(response: dict[str, Any]) -> dict[str, Any]:
    _not_supported(response)
    if response.get("error") is not None:  # cancelled or timed out in the browser
        raise failed("client_error")
    credential = response.get("credential")
    if (not isinstance(credential, dict) or not isinstance(credential.get("id"), str)
            or not isinstance(credential.get("response"), dict)):
        raise failed("missing_credential")
    return credential


def _descriptor(record: FactorRecord) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(t) for t in record.data.get("transports", [])
                  if t in _TRANSPORTS]
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(record.credential_id or ""),
                                         transports=transports or None)


class WebAuthnFactor:
    kind = KIND
    amr = "hwk"
    """The flow's method reference. Each key's own ("hwk", or "swk" for a platform or synced
    passkey) is in its data["amr"]."""
    description = Description(
        label=N_("Security key"),
        hint=N_("A physical key such as a YubiKey, or a passkey on your device."),
        trace_label=N_("security key or passkey"), confirm_page=False,
        scripts=frozenset({"add", "verify"}))

    def __init__(self, deps: FactorDeps) -> None:
        self._deps = deps

    def _rp_id(self, ctx: FactorContext) -> str:
        rp_id = self._deps.rp_id or (urlsplit(ctx.origin).hostname or "")
        if not rp_id or not ctx.origin:
            raise failed("no_origin")
        return rp_id

    async def _keys(self, account_id: str) -> list[FactorRecord]:
        records = await self._deps.db.run(factor_store.list_for, account_id, write=False)
        return [r for r in records if r.kind == KIND and r.credential_id]

    # Adding a key ------------------------------------------------------------------------
    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        rp_id = self._rp_id(ctx)
        account = ctx.account
        options = generate_registration_options(
            rp_id=rp_id, rp_name=self._deps.rp_name or rp_id, user_id=account.id.encode(),
            user_name=account.label, user_display_name=account.display_name or account.label,
            timeout=CEREMONY_TIMEOUT_MS, attestation=AttestationConveyancePreference.NONE,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.PREFERRED),
            exclude_credentials=[_descriptor(r) for r in await self._keys(account.id)])
        enrollment_id, expires_at = new_token(), ctx.now + ENROLLMENT_TTL
        await self._deps.db.run(
            factor_store.start_enrollment, id=enrollment_id, account_id=account.id, kind=KIND,
            name=(name.strip() or DEFAULT_NAME)[:100], target=None, secret=None,
            data={"challenge": bytes_to_base64url(options.challenge)}, created_at=ctx.now,
            expires_at=expires_at)
        return Enrollment(id=enrollment_id, kind=KIND,
                          display={"options": json.loads(options_to_json(options))},
                          expires_at=expires_at)

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        credential = _credential(response)
        rp_id = self._rp_id(ctx)
        pending = await self._deps.db.run(factor_store.peek_enrollment, enrollment_id,
                                          ctx.account.id, KIND, ctx.now, write=False)
        if pending is None:
            raise failed("enrollment_expired")
        try:
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(pending["data"]["challenge"]),
                expected_rp_id=rp_id, expected_origin=ctx.origin)
        except Exception as exc:  # malformed or forged input, whatever the parser tripped on
            raise failed(_reason(exc)) from exc
        if bytes_to_base64url(verified.credential_id) != credential["id"]:
            raise failed("credential_id_mismatch")
        listed = credential["response"].get("transports")
        transports = sorted({t for t in (listed if isinstance(listed, list) else [])
                             if isinstance(t, str) and t in _TRANSPORTS})
        multi_device = verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE
        software = (multi_device or credential.get("authenticatorAttachment") == "platform"
                    or bool(_SOFTWARE_TRANSPORTS & set(transports)))
        record = FactorRecord(
            id=new_id(), account_id=ctx.account.id, kind=KIND, name=pending["name"],
            target=None, secret=None, credential_id=bytes_to_base64url(verified.credential_id),
            data={"public_key": bytes_to_base64url(verified.credential_public_key),
                  "sign_count": verified.sign_count, "transports": transports,
                  "aaguid": verified.aaguid, "backup_eligible": multi_device,
                  "backed_up": verified.credential_backed_up,
                  "user_verified": verified.user_verified, "amr": "swk" if software else "hwk"},
            preferred=False, created_at=ctx.now, last_used_at=None)
        await self._deps.db.run(_add, record, enrollment_id, ctx.now)
        return record

    # Signing in ----------------------------------------------------------------------------
    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        options = generate_authentication_options(
            rp_id=self._rp_id(ctx), timeout=CEREMONY_TIMEOUT_MS,
            allow_credentials=[_descriptor(r) for r in await self._keys(ctx.account.id)],
            user_verification=UserVerificationRequirement.PREFERRED)
        return Challenge(public={"options": json.loads(options_to_json(options))},
                         private={"challenge": bytes_to_base64url(options.challenge)})

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> FactorRecord | None:
        credential = _credential(response)
        rp_id = self._rp_id(ctx)
        challenge = private.get("challenge")
        if not isinstance(challenge, str):
            raise failed("no_challenge")
        key = await self._deps.db.run(factor_store.by_credential, credential["id"],
                                      write=False)
        if key is None or key.kind != KIND or key.account_id != ctx.account.id:
            raise failed("unknown_credential")
        user_handle = credential["response"].get("userHandle")
        if user_handle and not (isinstance(user_handle, str) and hmac.compare_digest(
                _b64_or_empty(user_handle), ctx.account.id.encode())):
            raise failed("user_handle")
        try:
            verified = verify_authentication_response(
                credential=credential, expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id, expected_origin=ctx.origin,
                credential_public_key=base64url_to_bytes(key.data["public_key"]),
                credential_current_sign_count=int(key.data.get("sign_count", 0)))
        except Exception as exc:  # malformed or forged input, whatever the parser tripped on
            raise failed(_reason(exc)) from exc
        await self._deps.db.run(_used, key.id, credential["id"], verified.new_sign_count,
                                verified.credential_backed_up, ctx.now)
        return key

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """Just the row: the credential's public key and sign count live in it."""
        return await self._deps.db.run(factor_store.remove, ctx.account.id, factor.id)


def _b64_or_empty(value: str) -> bytes:
    try:
        return base64url_to_bytes(value)
    except ValueError:
        return b""


def _add(conn: Connection, record: FactorRecord, enrollment_id: str, now: datetime) -> None:
    """Use up the pending enrollment and store the key, in one transaction."""
    if factor_store.take_enrollment(conn, enrollment_id, record.account_id, KIND, now) is None:
        raise failed("enrollment_expired")
    if record.credential_id and factor_store.by_credential(conn, record.credential_id):
        raise failed("already_registered")
    try:
        factor_store.insert(conn, record)
    except CatalogueError as exc:
        raise failed("already_registered") from exc


def _used(conn: Connection, factor_id: str, credential_id: str, sign_count: int,
          backed_up: bool, now: datetime) -> None:
    """Move the key's counter forward, re-checked inside the write transaction so two
    concurrent uses of one assertion cannot both pass (the row is locked on PostgreSQL)."""
    current = factor_store.by_credential(conn, credential_id, lock=True)
    if current is None or current.id != factor_id:
        raise failed("unknown_credential")
    stored = int(current.data.get("sign_count", 0))
    if (sign_count or stored) and sign_count <= stored:
        raise failed("sign_count")
    factor_store.update_data(conn, factor_id, last_used_at=now, data={
        **current.data, "sign_count": sign_count, "backed_up": backed_up})

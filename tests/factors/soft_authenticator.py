"""A software FIDO2 authenticator plus the browser's part of WebAuthn, for the API tests.

It does what a security key and `navigator.credentials` do, byte for byte (WebAuthn L2
§6.1, §6.5, §7): an ES256 key pair per credential, authenticatorData with the rpIdHash,
flags and signature counter, attested credential data with the COSE public key, an attestation
object in the "none" format, and assertions signed over authData || SHA-256(clientDataJSON).
It reads the options JSON the server hands out (base64url as `@simplewebauthn` and
`PublicKeyCredential.parseCreationOptionsFromJSON` use) and answers with the JSON a browser's
`credential.toJSON()` gives. Nothing in it knows Monban.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40
ES256 = -7
YUBIKEY_5_AAGUID = bytes.fromhex("ee882879721c491397753dfcce97072a")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AuthenticatorError(Exception):
    """What the browser would reject with (InvalidStateError, NotAllowedError, ...)."""


@dataclass
class Credential:
    credential_id: bytes
    rp_id: str
    user_handle: bytes
    private_key: ec.EllipticCurvePrivateKey
    sign_count: int = 0

    def cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: ES256, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})


@dataclass
class SoftAuthenticator:
    """One roaming key (a YubiKey by default). `origin` is the page the browser shows."""

    origin: str = "http://testserver"
    aaguid: bytes = YUBIKEY_5_AAGUID
    transports: tuple[str, ...] = ("usb", "nfc")
    attachment: str = "cross-platform"
    user_verifying: bool = True
    synced: bool = False
    """A synced passkey: backup eligible and backed up, counter kept at 0."""
    credentials: dict[bytes, Credential] = field(default_factory=dict)

    @property
    def credential(self) -> Credential:
        """The only credential (tests register one per key)."""
        (only,) = self.credentials.values()
        return only

    # navigator.credentials.create ------------------------------------------------------
    def create(self, options: dict[str, Any], *, origin: str | None = None,
               ignore_exclude: bool = False, reuse: Credential | None = None) -> dict[str, Any]:
        """Make a credential from PublicKeyCredentialCreationOptionsJSON. `reuse` registers
        an existing credential again (a misbehaving or cloned key)."""
        rp_id = options["rp"]["id"]
        if not any(alg["alg"] == ES256 for alg in options["pubKeyCredParams"]):
            raise AuthenticatorError("NotSupportedError: no ES256")
        excluded = {unb64url(c["id"]) for c in options.get("excludeCredentials", [])}
        if not ignore_exclude and excluded & set(self.credentials):
            raise AuthenticatorError("InvalidStateError: already registered")
        credential = reuse or Credential(secrets.token_bytes(32), rp_id,
                                         unb64url(options["user"]["id"]),
                                         ec.generate_private_key(ec.SECP256R1()))
        self.credentials[credential.credential_id] = credential
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attested = (self.aaguid + struct.pack(">H", len(credential.credential_id))
                    + credential.credential_id + credential.cose_public_key())
        auth_data = self._auth_data(rp_id, AT, credential, options.get(
            "authenticatorSelection", {}).get("userVerification", "preferred")) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(credential.credential_id), "rawId": b64url(credential.credential_id),
            "type": "public-key", "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {},
            "response": {"clientDataJSON": b64url(client_data),
                         "attestationObject": b64url(attestation),
                         "transports": list(self.transports)}}

    # navigator.credentials.get ---------------------------------------------------------
    def get(self, options: dict[str, Any], *, origin: str | None = None) -> dict[str, Any]:
        """Sign PublicKeyCredentialRequestOptionsJSON with a credential it holds for the RP
        (one listed in allowCredentials when the list is not empty)."""
        rp_id = options["rpId"]
        allowed = {unb64url(c["id"]) for c in options.get("allowCredentials", [])}
        usable = [c for c in self.credentials.values()
                  if c.rp_id == rp_id and (not allowed or c.credential_id in allowed)]
        if not usable:
            raise AuthenticatorError("NotAllowedError: no credential for this request")
        credential = usable[0]
        if not self.synced:
            credential.sign_count += 1
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        auth_data = self._auth_data(rp_id, 0, credential,
                                    options.get("userVerification", "preferred"))
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(credential.credential_id), "rawId": b64url(credential.credential_id),
            "type": "public-key", "authenticatorAttachment": self.attachment,
            "clientExtensionResults": {},
            "response": {"clientDataJSON": b64url(client_data),
                         "authenticatorData": b64url(auth_data),
                         "signature": b64url(signature),
                         "userHandle": b64url(credential.user_handle)}}

    # The bytes -------------------------------------------------------------------------
    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge,
                           "origin": origin or self.origin, "crossOrigin": False},
                          separators=(",", ":")).encode()

    def _auth_data(self, rp_id: str, extra_flags: int, credential: Credential,
                   user_verification: str) -> bytes:
        flags = UP | extra_flags
        if self.user_verifying and user_verification != "discouraged":
            flags |= UV
        if self.synced:
            flags |= BE | BS
        return (hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
                + struct.pack(">I", credential.sign_count))

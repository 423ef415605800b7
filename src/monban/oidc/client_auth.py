"""Client authentication at the token, introspection and revocation endpoints (RFC 6749
§2.3.1 client_secret_basic / client_secret_post, RFC 7523 §2.2 private_key_jwt, and `none`
for public clients, which then prove themselves with PKCE)."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from monban.oidc.client_secrets import ClientSecrets
from monban.oidc.clients import SECRET_METHODS, Client
from monban.oidc.errors import OAuthError, invalid_client

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = 300


@dataclass(frozen=True, slots=True)
class Credentials:
    client_id: str
    method: str
    secret: str = ""
    assertion: str = ""


def credentials(authorization: str | None, form: Mapping[str, str]) -> Credentials:
    """What the request presents; OAuthError(invalid_request/invalid_client) when it is
    malformed or uses two methods at once."""
    if authorization and authorization[:6].lower() == "basic ":
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise invalid_client("malformed Basic credentials") from None
        client_id, sep, secret = raw.partition(":")
        if not sep or "client_secret" in form:
            raise invalid_client("malformed Basic credentials")
        return Credentials(unquote(client_id), "client_secret_basic", secret=unquote(secret))
    if form.get("client_assertion_type") == ASSERTION_TYPE:
        assertion = form.get("client_assertion", "")
        client_id = form.get("client_id", "") or _unverified_subject(assertion)
        return Credentials(client_id, "private_key_jwt", assertion=assertion)
    client_id = form.get("client_id", "")
    if not client_id:
        raise invalid_client("no client authentication")
    if "client_secret" in form:
        return Credentials(client_id, "client_secret_post", secret=form["client_secret"])
    return Credentials(client_id, "none")


def verify(client: Client | None, given: Credentials, secrets: ClientSecrets,
           audiences: tuple[str, ...]) -> Client:
    if client is None:
        raise invalid_client("unknown client")
    if given.method == "none":
        if not client.public:
            raise invalid_client("this client must authenticate")
        return client
    if client.public:
        raise invalid_client("public clients do not authenticate")
    if given.method in SECRET_METHODS:
        if client.auth_method not in SECRET_METHODS:
            raise invalid_client(f"this client authenticates with {client.auth_method}")
        if not secrets.matches(client.id, given.secret, client.secret_digest):
            raise invalid_client()
        return client
    if client.auth_method != "private_key_jwt" or not client.jwks:
        raise invalid_client("this client has no registered keys")
    _verify_assertion(client, given.assertion, audiences)
    return client


def _verify_assertion(client: Client, assertion: str, audiences: tuple[str, ...]) -> None:
    try:
        keys = KeySet.import_key_set(client.jwks)  # type: ignore[arg-type]
        claims = jwt.decode(assertion, keys, algorithms=["ES256", "RS256", "PS256",
                                                         "EdDSA"]).claims
    except (JoseError, ValueError, KeyError, TypeError):
        raise invalid_client("client assertion signature is not valid") from None
    now = int(time.time())
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    exp = claims.get("exp")
    if claims.get("iss") != client.id or claims.get("sub") != client.id:
        raise invalid_client("client assertion iss/sub must be the client_id")
    if not any(a in audiences for a in auds):
        raise invalid_client("client assertion audience")
    if not isinstance(exp, int) or exp <= now or exp > now + MAX_ASSERTION_LIFETIME + 60:
        raise invalid_client("client assertion expired or too long-lived")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 0 < len(jti) <= 128:
        raise invalid_client("client assertion needs a jti")


def assertion_id(given: Credentials) -> tuple[str, int]:
    """(jti, exp) of an assertion `verify` accepted, so that the caller can refuse a replay."""
    payload = given.assertion.split(".")[1]
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["jti"]), int(claims["exp"])


def _unverified_subject(assertion: str) -> str:
    try:
        payload = assertion.split(".")[1]
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        import json

        sub = json.loads(data).get("sub", "")
        return sub if isinstance(sub, str) else ""
    except (IndexError, ValueError, binascii.Error, AttributeError):
        raise OAuthError("invalid_client", "malformed client assertion", 401) from None

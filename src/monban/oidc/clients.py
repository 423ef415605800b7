"""What a registered client is, and the rules its registration must follow."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from monban.errors import CatalogueError

SCOPES = ("openid", "profile", "email", "phone", "offline_access")
GRANTS = ("authorization_code", "refresh_token", "client_credentials")
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
SECRET_METHODS = ("client_secret_basic", "client_secret_post")
ALGS = ("ES256", "RS256")
LOOPBACK = ("127.0.0.1", "[::1]", "localhost")


@dataclass(frozen=True, slots=True)
class Client:
    id: str
    name: str
    public: bool
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...] = ("openid", "profile", "email")
    grants: tuple[str, ...] = ("authorization_code", "refresh_token")
    auth_method: str = "client_secret_basic"
    post_logout_redirect_uris: tuple[str, ...] = ()
    org_id: str | None = None
    jwks: dict[str, object] | None = None
    signing_alg: str = "ES256"
    allow_webview: bool = False
    """False (the default): authorization requests from embedded web views are refused
    with DISALLOWED_USERAGENT (RFC 8252 §8.12)."""
    skip_consent: bool = False
    access_token_ttl: int = 600
    refresh_token_ttl: int = 30 * 24 * 3600
    secret_digest: str | None = field(default=None, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def allows_grant(self, grant: str) -> bool:
        return grant in self.grants


def checked(client: Client) -> Client:
    """The client if its registration is sound; CatalogueError(INVALID_REQUEST) with the field
    otherwise."""
    def bad(name: str) -> CatalogueError:
        return CatalogueError("INVALID_REQUEST", detail={"field": name})

    if not client.name.strip() or len(client.name) > 200:
        raise bad("name")
    if any(s not in SCOPES for s in client.scopes) or not client.scopes:
        raise bad("scopes")
    if any(g not in GRANTS for g in client.grants) or not client.grants:
        raise bad("grants")
    if client.public and ("client_credentials" in client.grants or client.auth_method != "none"):
        raise bad("public")
    if not client.public and client.auth_method == "none":
        raise bad("auth_method")
    if client.auth_method not in AUTH_METHODS:
        raise bad("auth_method")
    if client.auth_method == "private_key_jwt" and not (client.jwks and client.jwks.get("keys")):
        raise bad("jwks")
    if client.signing_alg not in ALGS:
        raise bad("signing_alg")
    if "authorization_code" in client.grants and not client.redirect_uris:
        raise bad("redirect_uris")
    for uri in (*client.redirect_uris, *client.post_logout_redirect_uris):
        if not acceptable_redirect_uri(uri):
            raise bad("redirect_uris")
    if not 30 <= client.access_token_ttl <= 86400:
        raise bad("access_token_ttl")
    if not 60 <= client.refresh_token_ttl <= 365 * 86400:
        raise bad("refresh_token_ttl")
    return replace(client, name=client.name.strip())


def acceptable_redirect_uri(uri: str) -> bool:
    """https anywhere; http only on loopback (RFC 8252 §7.3); a private-use scheme with a
    dot (reverse domain, §7.1) for native apps; never a fragment."""
    if len(uri) > 2000 or "#" in uri:
        return False
    parts = urlsplit(uri)
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme == "http":
        return parts.hostname in ("127.0.0.1", "::1", "localhost")
    return "." in parts.scheme and parts.scheme not in ("javascript", "data")

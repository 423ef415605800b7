"""Provider metadata: OpenID Connect discovery (its issuer must equal the configured one,
OIDC Discovery §4.3) and the provider's JWKS, both cached; an unknown key id refetches the
JWKS once (key rotation)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.jwk import KeySet

from monban.federation.identity import refused, unreachable
from monban.federation.provider import OIDC, Provider

DISCOVERY_TTL = 3600.0
JWKS_TTL = 3600.0
MAX_DOCUMENT = 512 * 1024


@dataclass(frozen=True, slots=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str | None
    jwks_uri: str | None
    algorithms: tuple[str, ...]
    iss_parameter: bool = False
    """The provider sends `iss` with its authorization response (RFC 9207): then it must."""


SAFE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                   "ES512", "EdDSA")
"""Asymmetric only: never `none`, never HS* (which would make the client secret a key)."""


class MetadataCache:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http
        self._discovered: dict[str, tuple[float, dict[str, Any]]] = {}
        self._jwks: dict[str, tuple[float, KeySet]] = {}

    async def endpoints(self, provider: Provider) -> Endpoints:
        if provider.protocol != OIDC:
            config = provider.config
            return Endpoints(config["authorization_endpoint"], config["token_endpoint"],
                             config.get("userinfo_endpoint"), None, ())
        document = await self._discover(provider)
        offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = tuple(a for a in offered if a in SAFE_ALGORITHMS)
        try:
            return Endpoints(str(document["authorization_endpoint"]),
                             str(document["token_endpoint"]),
                             document.get("userinfo_endpoint"), str(document["jwks_uri"]),
                             algorithms or ("RS256",),
                             document.get("authorization_response_iss_parameter_supported")
                             is True)
        except KeyError as exc:
            raise unreachable(provider.display_name, "discovery_incomplete") from exc

    async def _discover(self, provider: Provider) -> dict[str, Any]:
        key = f"{provider.id}:{provider.issuer}"
        cached = self._discovered.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        document = await self.get_json(provider, url, "discovery")
        expected = provider.config.get("issuer_template") or provider.issuer
        if document.get("issuer") not in (provider.issuer, expected,
                                          expected.replace("{tid}", "{tenantid}")):
            raise refused(provider.display_name, "discovery_issuer_mismatch")
        self._discovered[key] = (time.monotonic() + DISCOVERY_TTL, document)
        return document

    async def keys(self, provider: Provider, jwks_uri: str, refresh: bool = False) -> KeySet:
        cached = self._jwks.get(jwks_uri)
        if cached and cached[0] > time.monotonic() and not refresh:
            return cached[1]
        document = await self.get_json(provider, jwks_uri, "jwks")
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - any malformed key set is the provider's fault
            raise unreachable(provider.display_name, "jwks_invalid") from exc
        self._jwks[jwks_uri] = (time.monotonic() + JWKS_TTL, keys)
        return keys

    async def get_json(self, provider: Provider, url: str, what: str,
                       headers: dict[str, str] | None = None) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers=headers or {})
        except httpx.HTTPError as exc:
            raise unreachable(provider.display_name, f"{what}_unreachable") from exc
        if response.status_code != 200 or len(response.content) > MAX_DOCUMENT:
            raise unreachable(provider.display_name, f"{what}_status_{response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise unreachable(provider.display_name, f"{what}_not_json") from exc
        if not isinstance(body, dict):
            raise unreachable(provider.display_name, f"{what}_not_object")
        return body

    def forget(self, provider: Provider) -> None:
        self._discovered.pop(f"{provider.id}:{provider.issuer}", None)

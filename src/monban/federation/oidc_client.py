"""The authorization-code round trip with an upstream provider (RFC 6749 + PKCE RFC 7636,
OpenID Connect Core): build the authorization URL, redeem the code, verify the ID token
against the provider's JWKS (signature, iss, aud/azp, exp, iat, nonce), and read who signed
in. OAuth 2.0-only providers (Facebook, X) are read from their userinfo endpoint instead.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx
from joserfc import jwt
from joserfc.errors import BadSignatureError, ClaimError, JoseError, MissingKeyError

from monban.accounts import display_names
from monban.accounts.identifiers import normalise_email
from monban.errors import CatalogueError
from monban.federation import pkce
from monban.federation.identity import UpstreamIdentity, refused, unreachable
from monban.federation.metadata import Endpoints, MetadataCache
from monban.federation.provider import OIDC, Provider

LEEWAY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Started:
    url: str
    code_verifier: str


class OidcClient:
    def __init__(self, http: httpx.AsyncClient, cache: MetadataCache) -> None:
        self._http = http
        self.cache = cache

    async def begin(self, provider: Provider, redirect_uri: str, state: str, nonce: str
                    ) -> Started:
        endpoints = await self.cache.endpoints(provider)
        code_verifier = pkce.verifier()
        query = {"response_type": "code", "client_id": provider.client_id,
                 "redirect_uri": redirect_uri, "scope": " ".join(provider.scopes),
                 "state": state, "code_challenge": pkce.challenge(code_verifier),
                 "code_challenge_method": "S256"}
        if provider.protocol == OIDC:
            query["nonce"] = nonce
        if provider.config.get("response_mode"):
            query["response_mode"] = str(provider.config["response_mode"])
        separator = "&" if "?" in endpoints.authorization else "?"
        return Started(endpoints.authorization + separator + urlencode(query), code_verifier)

    async def finish(self, provider: Provider, code: str, redirect_uri: str,
                     code_verifier: str, nonce: str, now: int) -> UpstreamIdentity:
        endpoints = await self.cache.endpoints(provider)
        tokens = await self._redeem(provider, endpoints, code, redirect_uri, code_verifier)
        if provider.protocol != OIDC:
            return await self._from_userinfo(provider, endpoints, tokens)
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise refused(provider.display_name, "id_token_missing")
        claims = await self._verified_claims(provider, endpoints, id_token, nonce, now)
        if "email" not in claims and endpoints.userinfo and tokens.get("access_token"):
            extra = await self._userinfo(provider, endpoints.userinfo,
                                         str(tokens["access_token"]))
            if extra.get("sub") != claims["sub"]:  # OIDC Core §5.3.2
                raise refused(provider.display_name, "userinfo_subject_mismatch")
            claims = {**extra, **claims}
        return _identity(str(claims["iss"]), str(claims["sub"]), claims.get("email"),
                         claims.get("email_verified"), claims.get("name"), claims.get("amr"))

    async def _redeem(self, provider: Provider, endpoints: Endpoints, code: str,
                      redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri, "code_verifier": code_verifier}
        headers = {"accept": "application/json"}
        if provider.config.get("token_auth") == "client_secret_post":
            form.update(client_id=provider.client_id, client_secret=provider.client_secret)
        else:  # client_secret_basic (RFC 6749 §2.3.1: both parts form-encoded first)
            pair = f"{quote_plus(provider.client_id)}:{quote_plus(provider.client_secret)}"
            headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        try:
            response = await self._http.post(endpoints.token, data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise unreachable(provider.display_name, "token_unreachable") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            reason = f"token_{error}" if isinstance(error, str) and error.isidentifier() \
                else f"token_status_{response.status_code}"
            # A refused code (used twice, expired, wrong verifier) is a bad answer, not an outage.
            if error == "invalid_grant":
                raise refused(provider.display_name, reason)
            raise unreachable(provider.display_name, reason)
        return body

    async def _verified_claims(self, provider: Provider, endpoints: Endpoints, id_token: str,
                               nonce: str, now: int) -> dict[str, Any]:
        assert endpoints.jwks_uri is not None
        name = provider.display_name
        token = None
        for refresh in (False, True):
            keys = await self.cache.keys(provider, endpoints.jwks_uri, refresh=refresh)
            try:
                token = jwt.decode(id_token, keys, algorithms=list(endpoints.algorithms))
                break
            except MissingKeyError:
                continue  # unknown kid: the provider may have rotated its keys
            except BadSignatureError as exc:
                raise refused(name, "id_token_signature") from exc
            except (JoseError, ValueError) as exc:
                raise refused(name, "id_token_malformed") from exc
        if token is None:
            raise refused(name, "id_token_unknown_key")
        claims = dict(token.claims)
        expected_iss = provider.issuer
        template = provider.config.get("issuer_template")
        if template and isinstance(claims.get("tid"), str):
            expected_iss = str(template).replace("{tid}", claims["tid"])
        registry = jwt.JWTClaimsRegistry(
            now=now, leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": expected_iss},
            sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": nonce})
        try:
            registry.validate(claims)
        except ClaimError as exc:
            raise refused(name, f"id_token_{exc.claim}") from exc
        audiences = claims.get("aud")
        audiences = [audiences] if isinstance(audiences, str) else audiences
        if not isinstance(audiences, list) or provider.client_id not in audiences:
            raise refused(name, "id_token_aud")
        if len(audiences) > 1 and claims.get("azp") != provider.client_id:
            raise refused(name, "id_token_azp")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise refused(name, "id_token_sub")
        return claims

    async def _userinfo(self, provider: Provider, url: str, access_token: str
                        ) -> dict[str, Any]:
        return await self.cache.get_json(provider, url, "userinfo",
                                         headers={"authorization": f"Bearer {access_token}",
                                                  "accept": "application/json"})

    async def _from_userinfo(self, provider: Provider, endpoints: Endpoints,
                             tokens: dict[str, Any]) -> UpstreamIdentity:
        access_token = tokens.get("access_token")
        if not isinstance(access_token, str) or not endpoints.userinfo:
            raise refused(provider.display_name, "access_token_missing")
        info = await self._userinfo(provider, endpoints.userinfo, access_token)
        paths: dict[str, str] = provider.config.get("claims") or {}
        subject = _at(info, paths.get("sub", "sub"))
        if subject in (None, ""):
            raise refused(provider.display_name, "userinfo_sub")
        verified = _at(info, paths["email_verified"]) if "email_verified" in paths \
            else provider.config.get("email_verified", False)
        return _identity(provider.issuer, str(subject), _at(info, paths.get("email", "email")),
                         verified, _at(info, paths.get("name", "name")), None)


def _at(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _identity(issuer: str, subject: str, email: Any, verified: Any, name: Any, amr: Any
              ) -> UpstreamIdentity:
    address = None
    if isinstance(email, str) and email:
        try:
            address = normalise_email(email)
        except CatalogueError:
            address = None
    return UpstreamIdentity(
        issuer=issuer, subject=subject[:255], email=address,
        email_verified=address is not None and (verified is True or verified == "true"),
        name=display_names.from_claim(name) if isinstance(name, str) else "",
        amr=tuple(str(m) for m in amr) if isinstance(amr, list) else ())

"""The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1) and its checks.

Order matters: until the client and its exact redirect URI are known good, an error can only
be shown to the person (PageRefusal); after that, errors go back to the client by redirect
(RedirectRefusal, §4.1.2.1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from monban.errors import CatalogueError
from monban.oidc import pkce
from monban.oidc.clients import Client

PROMPTS = frozenset({"none", "login", "consent", "select_account"})


class PageRefusal(Exception):
    def __init__(self, error: CatalogueError) -> None:
        super().__init__(error.code)
        self.error = error


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    client: Client
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str | None
    prompt: frozenset[str]
    max_age: int | None
    login_hint: str

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

    def redirect(self, issuer: str, **values: str) -> str:
        """The redirect URI with `values`, `state` and `iss` (RFC 9207) in its query."""
        query = dict(values)
        if self.state is not None:
            query["state"] = self.state
        query["iss"] = issuer
        separator = "&" if "?" in self.redirect_uri else "?"
        return self.redirect_uri + separator + urlencode(query)


class RedirectRefusal(Exception):
    def __init__(self, request: AuthorizationRequest, error: str, description: str) -> None:
        super().__init__(error)
        self.request = request
        self.error = error
        self.description = description

    def location(self, issuer: str) -> str:
        return self.request.redirect(issuer, error=self.error,
                                     error_description=self.description)


def _field(name: str) -> PageRefusal:
    return PageRefusal(CatalogueError("INVALID_REQUEST", detail={"field": name}))


def client_and_redirect(params: Mapping[str, str], client: Client | None) -> tuple[Client, str]:
    """The first checks: a known client and one of its redirect URIs, exactly."""
    if client is None:
        raise _field("client_id")
    redirect_uri = params.get("redirect_uri")
    if redirect_uri is None and len(client.redirect_uris) == 1:
        redirect_uri = client.redirect_uris[0]
    if not redirect_uri or redirect_uri not in client.redirect_uris:
        raise _field("redirect_uri")
    return client, redirect_uri


def parse(params: Mapping[str, str], client: Client, redirect_uri: str) -> AuthorizationRequest:
    max_age_text = params.get("max_age")
    request = AuthorizationRequest(
        client=client, redirect_uri=redirect_uri,
        scope=" ".join(dict.fromkeys(params.get("scope", "").split())),
        state=params.get("state"), nonce=params.get("nonce"),
        code_challenge=params.get("code_challenge"),
        prompt=frozenset(params.get("prompt", "").split()),
        max_age=None, login_hint=params.get("login_hint", "")[:320])

    def refuse(error: str, description: str) -> RedirectRefusal:
        return RedirectRefusal(request, error, description)

    if "request" in params or "request_uri" in params:
        raise refuse("request_not_supported", "request objects are not supported")
    if params.get("response_type") != "code":
        raise refuse("unsupported_response_type", "only response_type=code is supported")
    if params.get("response_mode", "query") != "query":
        raise refuse("invalid_request", "only response_mode=query is supported")
    if not client.allows_grant("authorization_code"):
        raise refuse("unauthorized_client", "this client may not use the authorization code")
    if not request.scopes:
        raise refuse("invalid_scope", "scope is required")
    if not request.scopes <= set(client.scopes):
        raise refuse("invalid_scope", "a requested scope is not allowed for this client")
    method = params.get("code_challenge_method")
    if request.code_challenge is None:
        if client.public:
            raise refuse("invalid_request", "PKCE (code_challenge, S256) is required")
        if method is not None:
            raise refuse("invalid_request", "code_challenge_method without code_challenge")
    else:
        if method != "S256":
            raise refuse("invalid_request", "code_challenge_method must be S256")
        if not pkce.valid_challenge(request.code_challenge):
            raise refuse("invalid_request", "code_challenge is malformed")
    if not request.prompt <= PROMPTS or ("none" in request.prompt and len(request.prompt) > 1):
        raise refuse("invalid_request", "prompt is not valid")
    if request.nonce is not None and len(request.nonce) > 512:
        raise refuse("invalid_request", "nonce is too long")
    if request.state is not None and len(request.state) > 1024:
        raise refuse("invalid_request", "state is too long")
    if max_age_text is not None:
        if not max_age_text.isdigit() or len(max_age_text) > 9:
            raise refuse("invalid_request", "max_age must be a number of seconds")
        request = _with_max_age(request, int(max_age_text))
    return request


def _with_max_age(request: AuthorizationRequest, max_age: int) -> AuthorizationRequest:
    from dataclasses import replace

    return replace(request, max_age=max_age)

"""The discovery document (OIDC Discovery §3; RFC 8414)."""

from __future__ import annotations

from typing import Any

from monban.oidc.clients import ALGS, AUTH_METHODS, SCOPES

PATHS = {
    "authorization_endpoint": "/oauth/authorize",
    "token_endpoint": "/oauth/token",
    "userinfo_endpoint": "/oauth/userinfo",
    "jwks_uri": "/oauth/jwks",
    "introspection_endpoint": "/oauth/introspect",
    "revocation_endpoint": "/oauth/revoke",
    "end_session_endpoint": "/oauth/logout",
}


def document(issuer: str) -> dict[str, Any]:
    methods = [m for m in AUTH_METHODS]
    return {
        "issuer": issuer,
        **{name: issuer + path for name, path in PATHS.items()},
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(ALGS),
        "token_endpoint_auth_methods_supported": methods,
        "token_endpoint_auth_signing_alg_values_supported": ["ES256", "RS256", "PS256",
                                                             "EdDSA"],
        "introspection_endpoint_auth_methods_supported": methods[:3],
        "revocation_endpoint_auth_methods_supported": methods,
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr",
                             "amr", "azp", "name", "preferred_username", "locale", "zoneinfo",
                             "email", "email_verified", "phone_number",
                             "phone_number_verified"],
        "acr_values_supported": ["urn:monban:acr:1", "urn:monban:acr:mfa"],
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "claims_parameter_supported": False,
        "ui_locales_supported": ["ja", "en"],
    }

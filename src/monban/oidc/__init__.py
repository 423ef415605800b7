"""Monban as an OpenID Connect provider: the protocol only, no web framework.

Modules are named after what they implement, as Authlib splits its specs: `authorization`
(RFC 6749 §4.1 + OIDC Core §3.1.2 request checks), `pkce` (RFC 7636), `client_auth` (RFC 6749
§2.3, RFC 7523 private_key_jwt), `grants` (the token endpoint), `access_tokens` (RFC 9068 JWTs)
and `id_tokens`, `introspection` (RFC 7662), `revocation` (RFC 7009), `discovery`, `keys`
(JWKS and rotation), `clients` and `client_secrets`, `consent`, `webview` (RFC 8252's embedded
user-agent refusal) and `provider` (the object the HTTP glue in api/oidc*.py calls)."""

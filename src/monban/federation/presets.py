"""The social providers Monban knows, as data: protocol, endpoints, scopes, claim names.

Only the generic OIDC path is exercised against a real provider in the tests (panva's
oidc-provider on loopback); these presets are the providers' published endpoints and are not
tested against the providers themselves. OIDC presets use discovery from `issuer`; OAuth 2.0
presets (Facebook, X) name their endpoints and where the userinfo answer keeps each claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    display_name: str
    protocol: str  # oidc | oauth2
    issuer: str
    scopes: tuple[str, ...]
    config: dict[str, Any] = field(default_factory=dict)
    note: str = ""


OIDC_SCOPES = ("openid", "email", "profile")

PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("google", "Google", "oidc", "https://accounts.google.com", OIDC_SCOPES),
    Preset("microsoft", "Microsoft", "oidc",
           "https://login.microsoftonline.com/common/v2.0", OIDC_SCOPES,
           {"issuer_template": "https://login.microsoftonline.com/{tid}/v2.0"},
           note="Multi-tenant: tokens carry the member's tenant as iss; it is checked "
                "against the template with the token's tid."),
    Preset("apple", "Apple", "oidc", "https://appleid.apple.com", ("openid", "email", "name"),
           {"response_mode": "form_post"},
           note="Apple's client secret is a JWT you sign with your Apple key; paste a fresh "
                "one (it lasts up to six months)."),
    Preset("linkedin", "LinkedIn", "oidc", "https://www.linkedin.com/oauth", OIDC_SCOPES),
    Preset("yahoo", "Yahoo", "oidc", "https://api.login.yahoo.com", OIDC_SCOPES),
    Preset("slack", "Slack", "oidc", "https://slack.com", OIDC_SCOPES),
    Preset("facebook", "Facebook", "oauth2", "https://www.facebook.com", ("email",
           "public_profile"), {
               "authorization_endpoint": "https://www.facebook.com/v19.0/dialog/oauth",
               "token_endpoint": "https://graph.facebook.com/v19.0/oauth/access_token",
               "userinfo_endpoint": "https://graph.facebook.com/me?fields=id,name,email",
               "claims": {"sub": "id", "email": "email", "name": "name"},
               "email_verified": False},
           note="Facebook does not say whether an email is verified: it is never used to "
                "update an account or to match one."),
    Preset("x", "X (Twitter)", "oauth2", "https://twitter.com", ("users.read", "tweet.read"), {
               "authorization_endpoint": "https://twitter.com/i/oauth2/authorize",
               "token_endpoint": "https://api.twitter.com/2/oauth2/token",
               "userinfo_endpoint": "https://api.twitter.com/2/users/me",
               "claims": {"sub": "data.id", "name": "data.name"},
               "email_verified": False},
           note="X gives no email address: members link X from their security page."),
)}

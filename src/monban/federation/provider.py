"""An upstream identity provider as the federation code sees it (secret already opened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

OIDC = "oidc"
OAUTH2 = "oauth2"
PROTOCOLS = frozenset({OIDC, OAUTH2})


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    slug: str
    display_name: str
    protocol: str
    preset: str | None
    org_id: str | None
    """None: a server-wide provider (the social presets); else that org's own IdP."""
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    config: dict[str, Any]
    auto_create: bool
    enabled: bool
    created_at: datetime

    @property
    def scopes(self) -> list[str]:
        return list(self.config.get("scopes") or ["openid", "email", "profile"])

    def public(self) -> dict[str, Any]:
        """What may be shown to anyone (sign-in buttons): never the client secret."""
        return {"slug": self.slug, "display_name": self.display_name,
                "protocol": self.protocol, "org_id": self.org_id}

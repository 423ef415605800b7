"""The providers an operator or an org admin configured: add (from a preset or a generic
OIDC issuer), list, enable/disable, remove. Client secrets are sealed at rest
(crypto/sealing.py, bound to the row id) and opened only to talk to the provider."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from monban.accounts import display_names
from monban.clock import Clock
from monban.crypto.sealing import Sealer
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.federation.presets import PRESETS
from monban.federation.provider import OAUTH2, OIDC, PROTOCOLS, Provider
from monban.store import audit
from monban.store import identity_providers as rows
from monban.store.ids import new_id

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
SEALING_CONTEXT = "identity_provider:"


class ProviderRegistry:
    def __init__(self, db: Database, sealer: Sealer, clock: Clock) -> None:
        self._db = db
        self._sealer = sealer
        self._clock = clock
        self.generation = 0
        """Bumped by every change made through this registry (cached lists notice it)."""

    def opened(self, row: rows.ProviderRow) -> Provider:
        secret = self._sealer.open(row.client_secret_sealed, SEALING_CONTEXT + row.id)
        return Provider(id=row.id, slug=row.slug, display_name=row.display_name,
                        protocol=row.protocol, preset=row.preset, org_id=row.org_id,
                        issuer=row.issuer, client_id=row.client_id, client_secret=secret,
                        config=dict(row.config), auto_create=row.auto_create,
                        enabled=row.enabled, created_at=row.created_at)

    async def add(self, *, slug: str, client_id: str, client_secret: str,
                  preset: str | None = None, issuer: str | None = None,
                  display_name: str | None = None, org_id: str | None = None,
                  auto_create: bool = False, scopes: list[str] | None = None,
                  config: dict[str, Any] | None = None, actor_id: str | None = None
                  ) -> Provider:
        """A preset (google, microsoft, …) or a generic OIDC provider by its issuer URL."""
        if not SLUG.fullmatch(slug) or slug == "callback":
            raise CatalogueError("INVALID_REQUEST", detail={"field": "slug"})
        if not client_id or not client_secret or len(client_id) > 500:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "client"})
        settings: dict[str, Any] = dict(config or {})
        if preset is not None:
            known = PRESETS.get(preset)
            if known is None:
                raise CatalogueError("INVALID_REQUEST", detail={"field": "preset"})
            protocol, issuer = known.protocol, issuer or known.issuer
            settings = {**known.config, "scopes": list(known.scopes), **settings}
            display_name = display_name or known.display_name
        else:
            protocol = str(settings.pop("protocol", OIDC))
            if not issuer or not issuer.startswith(("https://", "http://")):
                raise CatalogueError("INVALID_REQUEST", detail={"field": "issuer"})
        if protocol not in PROTOCOLS or (protocol == OAUTH2 and not all(
                settings.get(k) for k in ("authorization_endpoint", "token_endpoint",
                                          "userinfo_endpoint"))):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "protocol"})
        if scopes:
            settings["scopes"] = scopes
        if auto_create and org_id is None:  # only an org's own IdP may create accounts
            raise CatalogueError("INVALID_REQUEST", detail={"field": "auto_create"})
        assert issuer is not None
        row_id = new_id()
        row = rows.ProviderRow(
            id=row_id, slug=slug, display_name=display_names.check(display_name or slug),
            protocol=protocol, preset=preset, org_id=org_id, issuer=issuer.rstrip("/")
            if preset is None else issuer, client_id=client_id,
            client_secret_sealed=self._sealer.seal(client_secret, SEALING_CONTEXT + row_id),
            config=settings, auto_create=auto_create, enabled=True,
            created_at=self._clock.now())
        await self._db.run(_insert, row, actor_id)
        self.generation += 1
        return self.opened(row)

    async def get(self, slug: str) -> Provider:
        row = await self._db.run(rows.by_slug, slug, write=False)
        if row is None:
            raise CatalogueError("NOT_FOUND", detail={"provider": slug[:64]})
        return self.opened(row)

    async def by_id(self, provider_id: str) -> Provider | None:
        row = await self._db.run(rows.by_id, provider_id, write=False)
        return self.opened(row) if row else None

    async def list(self, org_id: str | None = None, *, server_wide: bool = True
                   ) -> Sequence[Provider]:
        found = await self._db.run(rows.list_all, org_id, server_wide=server_wide,
                                   write=False)
        return [self.opened(row) for row in found]

    async def everything(self) -> Sequence[Provider]:
        return [self.opened(row) for row in await self._db.run(rows.everything, write=False)]

    async def remove(self, provider: Provider, actor_id: str | None = None) -> None:
        """Its links go with it (members who had no other way in use 'Forgot password')."""
        await self._db.run(_remove, provider, self._clock.now(), actor_id)
        self.generation += 1


def _insert(conn: Connection, row: rows.ProviderRow, actor_id: str | None) -> None:
    rows.insert(conn, row)
    audit.record(conn, audit.AuditEvent(
        at=row.created_at, event="federation.provider_added", outcome="success",
        org_id=row.org_id, actor_id=actor_id,
        detail={"provider": row.slug, "issuer": row.issuer, "protocol": row.protocol}))


def _remove(conn: Connection, provider: Provider, now: Any, actor_id: str | None) -> None:
    rows.remove(conn, provider.id)
    audit.record(conn, audit.AuditEvent(
        at=now, event="federation.provider_removed", outcome="success",
        org_id=provider.org_id, actor_id=actor_id, detail={"provider": provider.slug}))

"""A person's own factors: list, enroll, confirm, rename as preferred, remove — each change
audited. The org decides which kinds may be enrolled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from monban.accounts.org_settings import OrgSettings
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.factors.base import Enrollment, Factor, FactorContext, FactorRecord
from monban.store import audit, trusted_browsers
from monban.store import factors as factor_store


class FactorManager:
    def __init__(self, db: Database, registry: dict[str, Factor]) -> None:
        for kind, factor in registry.items():
            if not isinstance(factor, Factor):  # every verb, removal included, and the words
                raise TypeError(f"factor {kind!r} does not implement factors/base.Factor")
        self._db = db
        self.registry = registry

    def factor(self, kind: str, ctx: FactorContext) -> Factor:
        found = self.registry.get(kind)
        if found is None:
            raise CatalogueError("NOT_FOUND", detail={"factor": kind[:20]})
        if kind not in ctx.settings.allowed_factors:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"factor": kind})
        return found

    async def enrolled(self, account_id: str) -> Sequence[FactorRecord]:
        return await self._db.run(factor_store.list_for, account_id, write=False)

    async def usable(self, ctx: FactorContext) -> list[FactorRecord]:
        """Enrolled factors the org still allows and Monban still knows."""
        return self.usable_of(await self.enrolled(ctx.account.id), ctx.settings)

    def usable_of(self, enrolled: Sequence[FactorRecord], settings: OrgSettings
                  ) -> list[FactorRecord]:
        return [f for f in enrolled
                if f.kind in self.registry and f.kind in settings.allowed_factors]

    async def enroll(self, ctx: FactorContext, kind: str, name: str,
                     params: dict[str, Any]) -> Enrollment:
        enrollment = await self.factor(kind, ctx).enroll(ctx, name, params)
        if enrollment.factor is not None:
            await self._audit(ctx, "factor.added", enrollment.factor)
        return enrollment

    async def confirm(self, ctx: FactorContext, kind: str, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        record = await self.factor(kind, ctx).confirm(ctx, enrollment_id, response)
        await self._audit(ctx, "factor.added", record)
        return record

    async def remove(self, ctx: FactorContext, factor_id: str) -> None:
        """The factor's own removal (factors/base.Factor.remove: the row and what answers
        through it); a row of a kind no longer registered is just deleted."""
        record = await self._db.run(factor_store.get, ctx.account.id, factor_id, write=False)
        if record is None:
            raise CatalogueError("NOT_FOUND")
        factor = self.registry.get(record.kind)
        gone = (await factor.remove(ctx, record) if factor is not None else
                await self._db.run(factor_store.remove, ctx.account.id, factor_id))
        if not gone:
            raise CatalogueError("NOT_FOUND")
        await self._audit(ctx, "factor.removed", record)

    async def prefer(self, ctx: FactorContext, factor_id: str) -> None:
        if not await self._db.run(factor_store.set_preferred, ctx.account.id, factor_id):
            raise CatalogueError("NOT_FOUND")

    async def trusted_browsers(self, ctx: FactorContext) -> Sequence[Any]:
        return await self._db.run(trusted_browsers.list_for, ctx.account.id, ctx.now,
                                  write=False)

    async def untrust(self, ctx: FactorContext, browser_id: str) -> None:
        if not await self._db.run(trusted_browsers.remove, ctx.account.id, browser_id):
            raise CatalogueError("NOT_FOUND")
        await self._db.run(_record, ctx, "trusted_browser.removed", {"browser": browser_id})

    async def _audit(self, ctx: FactorContext, event: str, record: FactorRecord) -> None:
        await self._db.run(_record, ctx, event, {"factor": record.kind, "name": record.name,
                                                 "id": record.id})


def _record(conn: Connection, ctx: FactorContext, event: str, detail: dict[str, Any]) -> None:
    audit.record(conn, audit.AuditEvent(
        at=ctx.now, event=event, outcome="success", account_id=ctx.account.id,
        org_id=ctx.account.org_id, actor_id=ctx.account.id, ip=str(ctx.request.ip),
        user_agent=ctx.request.user_agent, flow_id=ctx.flow_id, detail=detail))

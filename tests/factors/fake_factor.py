"""A factor made up by the tests (kind "fake"): registered by a test alone (registry.KNOWN
patched, its two page fragments added to the template loader), it must appear in every list
of factors and on the pages with no other edit. It is made at once (no confirmation) and
answers to the code 4242."""

from __future__ import annotations

from typing import Any

from monban.errors import CatalogueError
from monban.factors.base import (
    Challenge,
    Description,
    Enrollment,
    FactorContext,
    FactorDeps,
    FactorRecord,
)
from monban.factors.registry import Entry
from monban.store import factors as factor_store
from monban.store.ids import new_id

ENTRY = Entry("tests.factors.fake_factor:FakeFactor")
CODE = "4242"
TEMPLATES = {
    "factors/fake_add.html": '  <p class="lead" data-fake>A made-up method.</p>\n'
                             '  <form method="post" action="{{ place.base }}/{{ kind }}">'
                             '{{ hidden_fields(place.hidden) }}</form>\n',
    "factors/fake_verify.html": '  <p class="lead" data-fake>Type the made-up code.</p>\n'
                                '  <form method="post" action="/signin/mfa" class="stack">\n'
                                '    {{ hidden_fields(fields) }}\n'
                                '    <input id="code" name="code">\n  </form>\n',
}


class FakeFactor:
    kind = "fake"
    amr = "otp"
    description = Description(label="Fake method", hint="A method made up by a test.",
                              trace_label="made-up code")
    removed: list[str] = []

    def __init__(self, deps: FactorDeps) -> None:
        self._deps = deps

    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        record = FactorRecord(
            id=new_id(), account_id=ctx.account.id, kind=self.kind, name=name or "Fake",
            target=None, secret=None, credential_id=None, data={}, preferred=False,
            created_at=ctx.now, last_used_at=None)
        await self._deps.db.run(factor_store.insert, record)
        return Enrollment(id=record.id, kind=self.kind, display={}, factor=record)

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        raise CatalogueError("INVALID_REQUEST", detail={"factor": self.kind})

    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        return Challenge(public={"kind": self.kind})

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> None:
        if response.get("code") != CODE:
            raise CatalogueError("INVALID_OTP")

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        FakeFactor.removed.append(factor.id)
        return await self._deps.db.run(factor_store.remove, ctx.account.id, factor.id)

"""Backup verification codes, kind "backup_code": the way in when the phone or the app is gone
(the seed page's answer to a lost device is "sign in with a backup verification code").

A set is 5 to 20 random 12-digit codes, shown once (and as a plain-text file to keep) and
stored only as keyed hashes. Each account has one factor row of this kind, and every code is
bound to that row: it is redeemed only through it and removed with it. Making a new set
cancels every earlier code in the same transaction. A code works once: it is spent by a single
UPDATE ... WHERE used_at IS NULL, so racing redemptions give exactly one success. The factor's
data keeps how many codes remain, for the pages to suggest a new set.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.errors import CatalogueError
from monban.factors.base import (
    N_,
    Challenge,
    Description,
    Enrollment,
    FactorContext,
    FactorDeps,
    FactorRecord,
)
from monban.store import backup_codes as code_store
from monban.store import factors as factor_store
from monban.store.ids import new_id

DIGITS = 12
DEFAULT_COUNT = 5
MIN_COUNT, MAX_COUNT = 5, 20
DEFAULT_NAME = "Backup codes"
PURPOSE = "backup"
"""The code hasher's purpose (crypto/code_hash.py): backup codes hash apart from SMS codes."""


def new_code() -> str:
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def display(code: str) -> str:
    """123456789012 -> 1234-5678-9012"""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalised(response: dict[str, Any]) -> str | None:
    """The digits of the submitted code (spaces and hyphens dropped), or None if malformed."""
    raw = response.get("code")
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    digits = "".join(ch for ch in raw if ch not in " -\t")
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def wanted_count(params: dict[str, Any]) -> int:
    count = params.get("count", DEFAULT_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or not (
            MIN_COUNT <= count <= MAX_COUNT):
        raise CatalogueError("INVALID_REQUEST", detail={"field": "count", "min": MIN_COUNT,
                                                     "max": MAX_COUNT})
    return count


def download_text(service: str, account: Account, codes: list[str], now: datetime) -> str:
    """The plain-text file offered for download, in the account's language."""
    try:
        day = now.astimezone(ZoneInfo(account.timezone)).date().isoformat()
    except (ZoneInfoNotFoundError, ValueError):
        day = now.date().isoformat()
    if account.language == "ja":
        head = [f"{service} バックアップ認証コード", f"アカウント: {account.label}",
                f"作成日: {day}"]
        foot = ["各コードは1回だけ使用できます。",
                "新しいコードを生成すると、これらのコードは無効になります。"]
    else:
        head = [f"{service} backup verification codes", f"Account: {account.label}",
                f"Created: {day}"]
        foot = ["Each code works once, when you cannot use your other verification methods.",
                "Making a new set cancels these codes."]
    lines = [*head, "", *(f"{n:>2}. {code}" for n, code in enumerate(codes, 1)), "", *foot]
    return "\n".join(lines) + "\n"


class BackupCodeFactor:
    kind = "backup_code"
    amr = "otp"
    description = Description(
        label=N_("Backup verification codes"),
        hint=N_("One-time codes to keep somewhere safe, for when you cannot use your "
                "other methods."),
        trace_label=N_("backup verification code"), counts_alone=False, confirm_page=False,
        org_switch=(N_("Allow backup verification codes"),
                    N_("One-time codes members keep for when they cannot use their other "
                       "methods.")))

    def __init__(self, deps: FactorDeps) -> None:
        self._deps = deps

    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        """Make a new set (cancelling the old one) and the factor row if there is none."""
        count = wanted_count(params)
        codes: list[str] = []
        while len(codes) < count:
            code = new_code()
            if code not in codes:
                codes.append(code)
        shown = [display(code) for code in codes]
        hashes = [self._deps.codes.digest(PURPOSE, code) for code in codes]
        set_id = new_id()
        record = await self._deps.db.run(_replace, ctx, name.strip()[:100], set_id, hashes)
        text = download_text(self._deps.rp_name, ctx.account, shown, ctx.now)
        return Enrollment(id=set_id, kind=self.kind, display={"codes": shown, "text": text},
                          factor=record)

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        raise CatalogueError("INVALID_REQUEST", detail={"factor": self.kind})

    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        return Challenge(public={"kind": self.kind})

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> None:
        code = normalised(response)
        if code is None:
            raise CatalogueError("BACKUP_CODE_INVALID")
        code_hash = self._deps.codes.digest(PURPOSE, code)
        if not await self._deps.db.run(_redeem, factor, code_hash, ctx.now):
            raise CatalogueError("BACKUP_CODE_INVALID")

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """The row and every code of it (the person's set and any issued by staff), in one
        transaction: a backup-code factor made again later starts with no old code."""
        return await self._deps.db.run(_remove, ctx.account.id, factor.id)


def _replace(conn: Connection, ctx: FactorContext, name: str, set_id: str,
             hashes: list[str]) -> FactorRecord:
    account_id = ctx.account.id
    code_store.lock_account(conn, account_id)
    data = {"set_id": set_id, "remaining": len(hashes)}
    existing = code_store.factor_for(conn, account_id)
    if existing is None:
        record = FactorRecord(
            id=new_id(), account_id=account_id, kind=BackupCodeFactor.kind,
            name=name or DEFAULT_NAME, target=None, secret=None, credential_id=None,
            data=data, preferred=False, created_at=ctx.now, last_used_at=None)
        factor_store.insert(conn, record)
    else:
        values: dict[str, Any] = {"data": {**existing.data, **data}}
        if name:
            values["name"] = name
        factor_store.update_data(conn, existing.id, **values)
        record = replace(existing, **values)
    code_store.replace_set(conn, record, set_id, hashes, ctx.now)
    return record


def _redeem(conn: Connection, factor: FactorRecord, code_hash: str, now: datetime) -> bool:
    """Spend a code of this factor row, only while it is the account's live one."""
    current = code_store.factor_for(conn, factor.account_id, lock=True)
    if current is None or current.id != factor.id:
        return False
    if not code_store.redeem(conn, factor.id, code_hash, now):
        return False
    factor_store.update_data(conn, current.id, data={
        **current.data, "remaining": code_store.remaining(conn, factor.id)})
    return True


def _remove(conn: Connection, account_id: str, factor_id: str) -> bool:
    code_store.lock_account(conn, account_id)
    code_store.forget(conn, factor_id)
    return factor_store.remove(conn, account_id, factor_id)

"""Read-check-write steps that SQLite's single writer serialised and PostgreSQL needs row
locks for: the SMS/email resend cool-down and the WebAuthn signature counter. Many racing
transactions on the PostgreSQL thread pool, exactly one may win; and the deterministic worst
case: a second transaction starting while the first has checked and written but not committed
must see the first's result."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from monban.accounts.model import Account, Role
from monban.clock import FrozenClock
from monban.crypto.code_hash import CodeHasher
from monban.errors import CatalogueError
from monban.factors import one_time_codes, webauthn
from monban.factors.base import FactorRecord
from monban.runtime import Runtime
from monban.store import factors as factor_store
from monban.store import otp_challenges
from monban.store.ids import new_id
from tests.conftest import PASSWORD
from tests.factors import pg_runtime  # noqa: F401 (a fixture)

RACERS = 40


async def _account(rt: Runtime) -> Account:
    org = await rt.directory.create_org("Acme", "acme")
    return await rt.directory.create_account(
        display_name="Hanako", email="hanako@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en")


def _interleaved(rt: Runtime, first: Callable[[Connection], Any],
                 second: Callable[[Connection], Any]) -> object:
    """Runs `first` in a transaction kept open while `second` runs in another; returns what
    `second` returned or raised."""
    checked, release = threading.Event(), threading.Event()
    outcome: list[object] = []

    def hold(conn: Connection) -> None:
        first(conn)
        checked.set()
        release.wait(10)

    def other() -> None:
        try:
            outcome.append(rt.db.transaction(second))
        except CatalogueError as error:
            outcome.append(error)

    holder = threading.Thread(target=rt.db.transaction, args=(hold,))
    holder.start()
    assert checked.wait(10)
    racer = threading.Thread(target=other)
    racer.start()
    racer.join(0.5)  # without a row lock it is done by now, with one it waits for ours
    release.set()
    holder.join(10)
    racer.join(10)
    return outcome[0]


async def _outcomes(calls: list[asyncio.Future[object]]) -> list[object]:
    return list(await asyncio.gather(*calls, return_exceptions=True))


async def test_resend_cool_down_sends_one_code_under_races(
        pg_runtime: Runtime, clock: FrozenClock) -> None:  # noqa: F811
    account = await _account(pg_runtime)
    scope = otp_challenges.Scope(account.id, "mfa", "sms", "+819012345678")
    codes = CodeHasher("k" * 32)
    results = await _outcomes([asyncio.ensure_future(pg_runtime.db.run(
        one_time_codes.issue, codes, scope, clock.now())) for _ in range(RACERS)])
    issued = [r for r in results if isinstance(r, one_time_codes.Issued)]
    refused = [r for r in results if isinstance(r, CatalogueError)]
    assert len(issued) == 1
    assert len(refused) == RACERS - 1
    assert all(r.code == "INVALID_REQUEST" and r.detail["retry_after"] == 30 for r in refused)
    later = clock.now() + one_time_codes.RESEND_AFTER
    second = await asyncio.to_thread(
        _interleaved, pg_runtime,
        lambda conn: one_time_codes.issue(conn, codes, scope, later),
        lambda conn: one_time_codes.issue(conn, codes, scope, later))
    assert isinstance(second, CatalogueError) and second.code == "INVALID_REQUEST"


async def test_one_assertion_counter_step_passes_once_under_races(
        pg_runtime: Runtime, clock: FrozenClock) -> None:  # noqa: F811
    account = await _account(pg_runtime)
    record = FactorRecord(
        id=new_id(), account_id=account.id, kind="webauthn", name="Key", target=None,
        secret=None, credential_id="cred-1", data={"sign_count": 5, "public_key": "x"},
        preferred=False, created_at=clock.now(), last_used_at=None)
    await pg_runtime.db.run(factor_store.insert, record)
    results = await _outcomes([asyncio.ensure_future(pg_runtime.db.run(
        webauthn._used, record.id, "cred-1", 6, False, clock.now())) for _ in range(RACERS)])
    failures = [r for r in results if isinstance(r, CatalogueError)]
    assert results.count(None) == 1
    assert len(failures) == RACERS - 1
    assert all(f.detail == {"reason": "sign_count"} for f in failures)
    stored = await pg_runtime.db.run(factor_store.by_credential, "cred-1", write=False)
    assert stored is not None and stored.data["sign_count"] == 6
    second = await asyncio.to_thread(
        _interleaved, pg_runtime,
        lambda conn: webauthn._used(conn, record.id, "cred-1", 7, False, clock.now()),
        lambda conn: webauthn._used(conn, record.id, "cred-1", 7, False, clock.now()))
    assert isinstance(second, CatalogueError) and second.detail == {"reason": "sign_count"}

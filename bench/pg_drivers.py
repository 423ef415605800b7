"""Why psycopg 3 on a thread pool rather than asyncpg: the same sign-in-shaped transaction
(read an account by email, write an audit row) through monban's Database.run (sync
SQLAlchemy Core on psycopg 3, one thread hop per transaction) and through SQLAlchemy's
asyncio engine on asyncpg (the issue's first idea), N transactions with 8 in flight.

    pip install --target /tmp/asyncpg asyncpg   # kept out of monban's dependencies
    PYTHONPATH=/tmp/asyncpg python bench/pg_drivers.py [--count N]

Uses MONBAN_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) in a
schema of its own, dropped at the end. Prints transactions/s and CPU per transaction (this
process) for each, and their ratio."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from monban.db.database import Database
from monban.db.migrate import upgrade
from monban.db.tables import accounts, audit_events, orgs

BY_EMAIL = select(accounts).where(accounts.c.email == bindparam("e"))
AUDIT = audit_events.insert()


def _audit(account_id: str) -> dict[str, Any]:
    return {"at": datetime.now(UTC), "event": "bench", "outcome": "success", "code": None,
            "account_id": account_id, "org_id": None, "actor_id": None, "identifier": None,
            "ip": "127.0.0.1", "user_agent": "bench", "flow_id": None, "detail": {}}


def sync_tx(conn: Connection, email: str) -> None:
    row = conn.execute(BY_EMAIL, {"e": email}).one()
    conn.execute(AUDIT, _audit(row.id))


async def async_tx(conn: AsyncConnection, email: str) -> None:
    row = (await conn.execute(BY_EMAIL, {"e": email})).one()
    await conn.execute(AUDIT, _audit(row.id))


async def measure(name: str, count: int, one: Callable[[int], Awaitable[None]]) -> float:
    for i in range(50):
        await one(i)
    queue = list(range(count))

    async def worker() -> None:
        while queue:
            await one(queue.pop())

    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(8)))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"{name}: {count / wall:8.0f} transactions/s, {1e6 * cpu / count:6.0f} µs CPU each")
    return count / wall


async def run(count: int) -> int:
    base = os.environ.get("MONBAN_BENCH_POSTGRES_URL",
                          "postgresql://postgres@127.0.0.1:5432/test")
    schema = "drivers_" + uuid.uuid4().hex[:10]
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    admin = Database(base.replace("postgresql://", "postgresql+psycopg://", 1))
    admin.transaction(lambda c: c.execute(text(f"CREATE SCHEMA {schema}")))
    db = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        upgrade(db)
        now = datetime.now(UTC)

        def seed(conn: Connection) -> None:
            conn.execute(orgs.insert().values(id="o", name="B", slug="b", settings={},
                                              created_at=now))
            conn.execute(accounts.insert(), [
                {"id": f"a{i}", "org_id": "o", "role": "member", "email": f"u{i}@b.example",
                 "display_name": "U", "language": "en", "timezone": "UTC",
                 "password_hash": "x", "password_changed_at": now, "disabled": False,
                 "is_superadmin": False, "created_at": now} for i in range(1000)])

        db.transaction(seed)

        async def via_psycopg(i: int) -> None:
            await db.run(sync_tx, f"u{i % 1000}@b.example")

        psycopg_rate = await measure("psycopg 3, Database.run (monban)", count, via_psycopg)
        try:
            import asyncpg  # noqa: F401
        except ImportError:
            print("asyncpg not importable: see the docstring for how to install it aside")
            return 0
        engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1)
                                     .replace("options=-csearch_path%3D",
                                              "server_settings=").split("?")[0],
                                     connect_args={"server_settings": {"search_path": schema}},
                                     pool_size=8)

        async def via_asyncpg(i: int) -> None:
            async with engine.begin() as conn:
                await async_tx(conn, f"u{i % 1000}@b.example")

        asyncpg_rate = await measure("asyncpg, SQLAlchemy asyncio engine", count, via_asyncpg)
        await engine.dispose()
        print(f"psycopg 3 / asyncpg: {psycopg_rate / asyncpg_rate:.2f}")
    finally:
        db.dispose()
        admin.transaction(lambda c: c.execute(text(f"DROP SCHEMA {schema} CASCADE")))
        admin.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000)
    return asyncio.run(run(parser.parse_args(argv).count))


if __name__ == "__main__":
    sys.exit(main())

"""The engine, and how code runs against it: one transaction per call, off the event loop.

A store method is a plain function `fn(conn, ...)` over a SQLAlchemy Core Connection. `run`
executes it inside one transaction: for SQLite on a single dedicated thread with the stdlib
driver (one thread hop per transaction instead of aiosqlite's hop per statement: ~18k vs
~2k lookups/s measured), for PostgreSQL on a small thread pool with psycopg 3. Write
transactions on SQLite begin IMMEDIATE, so read-modify-write sequences are serialised even
across processes sharing one file.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from monban.errors import CatalogueError

T = TypeVar("T")
THREAD_PREFIX = "monban-db"


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine: Engine = create_engine(
                url, poolclass=QueuePool, pool_size=2, max_overflow=4,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_on_begin)
            workers = 1
        else:
            workers = max(4, (os.cpu_count() or 2) * 2)
            self.engine = create_engine(
                url, pool_size=workers, max_overflow=0, pool_pre_ping=True,
            )
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=THREAD_PREFIX)
        self._kept = threading.local()

    def transaction(self, fn: Callable[..., T], *args: Any, write: bool = True,
                    **kwargs: Any) -> T:
        """Run fn(conn, *args, **kwargs) in one transaction on the calling thread."""
        try:
            if self.is_sqlite and threading.current_thread().name.startswith(THREAD_PREFIX):
                return self._on_kept_connection(fn, args, kwargs, write)
            with self.engine.connect() as conn:
                if self.is_sqlite:
                    conn.info["monban_write"] = write
                with conn.begin():
                    return fn(conn, *args, **kwargs)
        except (OperationalError, DBAPIError) as exc:
            if exc.connection_invalidated or _is_unavailable(exc):
                raise CatalogueError("SERVICE_UNAVAILABLE") from exc
            raise

    def _on_kept_connection(self, fn: Callable[..., T], args: tuple[Any, ...],
                            kwargs: dict[str, Any], write: bool) -> T:
        """SQLite's database thread keeps its connection (a pool checkout per transaction
        costs more than most of the statements in it)."""
        conn: Connection | None = getattr(self._kept, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self._kept.conn = self.engine.connect()
        conn.info["monban_write"] = write
        try:
            with conn.begin():
                return fn(conn, *args, **kwargs)
        except BaseException:
            if conn.invalidated:
                self._kept.conn = None
            raise

    async def run(self, fn: Callable[..., T], *args: Any, write: bool = True,
                  **kwargs: Any) -> T:
        """Run fn(conn, *args, **kwargs) in one transaction on the database thread(s)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, partial(self.transaction, fn, *args, write=write, **kwargs)
        )

    def dispose(self) -> None:
        if self.is_sqlite:
            self._executor.submit(self._release_kept).result()
        self._executor.shutdown(wait=True)
        self.engine.dispose()

    def _release_kept(self) -> None:
        conn = getattr(self._kept, "conn", None)
        if conn is not None:
            conn.close()
            self._kept.conn = None


_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")
"""SQLSTATEs of a server that is away: connection exceptions, admin/crash shutdown, cannot
connect now (starting up, shutting down, in recovery)."""
_UNAVAILABLE_WORDS = ("could not connect", "connection refused", "terminating connection",
                      "server closed", "connection failed", "shutting down", "starting up",
                      "recovery mode", "connection is lost", "connection is closed",
                      "consuming input failed")


def _is_unavailable(exc: DBAPIError) -> bool:
    state = str(getattr(exc.orig, "sqlstate", None) or "")
    if state.startswith(_UNAVAILABLE_STATES):
        return True
    message = str(exc.orig).lower() if exc.orig is not None else ""
    return any(word in message for word in _UNAVAILABLE_WORDS)


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    write = conn.info.get("monban_write", True)
    # straight to the driver: exec_driver_sql would cost ten times as much
    conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
        "BEGIN IMMEDIATE" if write else "BEGIN")


def ping(conn: Connection) -> None:
    conn.execute(text("SELECT 1"))

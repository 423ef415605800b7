"""A private PostgreSQL schema per test, on the server named by MONBAN_TEST_POSTGRES_URL
(.ci/run sets it); the test is skipped with that reason when it is unset."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from monban.db.database import Database
from monban.db.migrate import upgrade


def server_url() -> str:
    url = os.environ.get("MONBAN_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("MONBAN_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    return url


@contextmanager
def private_schema() -> Iterator[str]:
    """Yields a postgresql:// URL whose connections see only a fresh, empty schema."""
    url = server_url()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin.transaction(lambda c: c.execute(text(f"CREATE SCHEMA {schema}")))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        admin.transaction(lambda c: c.execute(text(f"DROP SCHEMA {schema} CASCADE")))
        admin.dispose()


@contextmanager
def migrated_database(engine: str, tmp_path: Path) -> Iterator[Database]:
    """A Database at the newest schema: a fresh SQLite file ("sqlite"), or a private
    PostgreSQL schema (anything else; skipped when the server is not configured)."""
    if engine == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
        upgrade(database)
        try:
            yield database
        finally:
            database.dispose()
        return
    with private_schema() as url:
        database = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
        upgrade(database)
        try:
            yield database
        finally:
            database.dispose()

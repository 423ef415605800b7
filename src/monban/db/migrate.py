"""Bring a database to the newest schema with Alembic (called by `monban migrate` and serve)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from monban.db.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


MIGRATION_LOCK = 0x6D6F6E62616E  # "monban": one advisory lock id for every installation


def upgrade(db: Database) -> None:
    """Several nodes (or `serve --workers N`) may start at once: on PostgreSQL they take turns
    through an advisory lock, so only the first migrates and the others find the schema done;
    on SQLite the IMMEDIATE write transaction does the same."""
    config = alembic_config()
    with db.engine.connect() as conn:
        conn.info["monban_write"] = True
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def make_revision(db: Database, message: str) -> None:
    """For developers: write a new revision from the difference to db.tables."""
    config = alembic_config()
    with db.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)

"""Bring a database to the newest schema with Alembic (called by `monban migrate` and serve)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from monban.db.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database) -> None:
    config = alembic_config()
    with db.engine.connect() as conn:
        conn.info["monban_write"] = True
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def make_revision(db: Database, message: str) -> None:
    """For developers: write a new revision from the difference to db.tables."""
    config = alembic_config()
    with db.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)

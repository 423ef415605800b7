"""Moving an installation between databases (SQLite -> PostgreSQL, or a server move):
`monban export FILE` writes every table of db/tables.py, `monban import FILE` reads it back.

The file is JSON Lines (gzip-compressed when its name ends in .gz), written and read row by
row so its size is bounded by the disk, not the memory:

    {"format": "monban-export", "version": 1, "schema": "<alembic revision>",
     "key_check": "<HMAC of a constant under the secret key>", "tables": [...]}
    {"table": "orgs", "columns": ["id", ...]}
    [row values in that column order]
    ...

Tables come in dependency order (parents first), so foreign keys hold at every insert.
Datetimes are ISO 8601 UTC, bytes base64. The import is one transaction: it lands whole or
not at all. It refuses a database that already holds rows unless `replace` is set (then
those rows are deleted first, in the same transaction), an export of another schema revision
(migrate the source first), and an installation whose secret key differs from the source's
(sealed factor secrets and signed cookies would no longer open: use the same
MONBAN_SECRET_KEY or data_dir/secret_key file). Imported accounts go through the same pass as
migration 0011 (store/identifier_collisions.py): identifiers brought to their normal form,
control characters cleaned from display names, and accounts whose identifiers normalise alike
kept as they are and listed by `monban user collisions`. The file holds password hashes and sealed
secrets: it is created readable by its owner only.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Table, delete, func, select, text
from sqlalchemy.types import LargeBinary

from monban.db import tables as schema
from monban.db.database import Database
from monban.db.tables import metadata
from monban.db.types import UTCDateTime
from monban.store import identifier_collisions

FORMAT = "monban-export"
VERSION = 1
BATCH = 1000


class TransferError(Exception):
    """The file or the target database does not allow the move (the message says why)."""


@dataclass(slots=True)
class Counts:
    rows: dict[str, int] = field(default_factory=dict)
    collisions: int = 0
    """Accounts whose identifiers normalise alike (`monban user collisions` lists them)."""

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        parts = ", ".join(f"{name} {n}" for name, n in self.rows.items() if n)
        return f"{self.total} rows ({parts})" if parts else "0 rows"


def key_check(secret_key: str) -> str:
    """Tells whether two installations share a secret key, revealing nothing about it."""
    return hmac.new(secret_key.encode(), b"monban-export-key-check", hashlib.sha256).hexdigest()


def tables() -> list[Table]:
    return list(metadata.sorted_tables)


def schema_revision(conn: Connection) -> str:
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value or "")


# export ----------------------------------------------------------------------------------
def export(db: Database, path: Path, secret_key: str) -> Counts:
    """Write every table to `path` (one consistent read transaction)."""
    return db.transaction(_export, path, secret_key, write=False)


def _export(conn: Connection, path: Path, secret_key: str) -> Counts:
    if conn.dialect.name == "postgresql":  # one snapshot for every table, even while serving
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
    counts = Counts()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with _open_write(path, fd) as out:
        _line(out, {"format": FORMAT, "version": VERSION, "schema": schema_revision(conn),
                    "key_check": key_check(secret_key), "tables": [t.name for t in tables()]})
        for table in tables():
            columns = [c.name for c in table.columns]
            _line(out, {"table": table.name, "columns": columns})
            order = list(table.primary_key.columns) or list(table.columns)
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
                select(table).order_by(*order))
            count = 0
            for row in result:
                _line(out, [_encode(row._mapping[name]) for name in columns])
                count += 1
            counts.rows[table.name] = count
    return counts


def _open_write(path: Path, fd: int) -> IO[str]:
    raw = os.fdopen(fd, "wb")
    if path.name.endswith(".gz"):
        return gzip.open(raw, "wt", encoding="utf-8")
    return io.TextIOWrapper(raw, encoding="utf-8")


def _line(out: IO[str], value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


# import ----------------------------------------------------------------------------------
def import_file(db: Database, path: Path, secret_key: str, replace: bool = False) -> Counts:
    """Read `path` into the database in one transaction (see the module docstring)."""
    return db.transaction(_import, path, secret_key, replace)


def _import(conn: Connection, path: Path, secret_key: str, replace: bool) -> Counts:
    known = {t.name: t for t in tables()}
    lines = _read_lines(path)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TransferError(f"{path} is not a Monban export")
    if header.get("version") != VERSION:
        raise TransferError(f"export format version {header.get('version')} is not supported")
    here = schema_revision(conn)
    if header.get("schema") != here:
        raise TransferError(f"the export is of schema {header.get('schema')}, this database "
                            f"is at {here}: upgrade the source with `monban migrate` first")
    if not hmac.compare_digest(str(header.get("key_check", "")), key_check(secret_key)):
        raise TransferError("this installation's secret key differs from the exported one: "
                            "set MONBAN_SECRET_KEY (or copy data_dir/secret_key) to the "
                            "source's key first")
    unknown = set(header.get("tables", [])) - set(known)
    if unknown:
        raise TransferError(f"unknown tables in the export: {', '.join(sorted(unknown))}")
    occupied = [t.name for t in tables()
                if conn.execute(select(func.count()).select_from(t)).scalar()]
    if occupied and not replace:
        raise TransferError("the database is not empty (" + ", ".join(occupied) + "): import "
                            "into a fresh database, or pass --replace to delete its rows")
    for each in reversed(tables()):
        conn.execute(delete(each))
    counts = Counts()
    table: Table | None = None
    columns: list[str] = []
    batch: list[dict[str, Any]] = []
    for item in lines:
        if isinstance(item, dict):
            _flush(conn, table, batch)
            table, columns = known[item["table"]], list(item["columns"])
            missing = set(columns) - {c.name for c in table.columns}
            if missing:
                raise TransferError(f"{table.name}: unknown columns {sorted(missing)}")
            counts.rows[table.name] = 0
            continue
        if table is None:
            raise TransferError("a row before any table")
        batch.append({name: _decode(table, name, value) for name, value in zip(columns, item,
                                                                               strict=True)})
        counts.rows[table.name] += 1
        if len(batch) >= BATCH:
            _flush(conn, table, batch)
    _flush(conn, table, batch)
    _restart_sequences(conn)
    counts.collisions = identifier_collisions.renormalise(
        conn, schema.accounts, schema.identifier_collisions, schema.recovery_contacts,
        datetime.now(UTC)).collisions
    return counts


def _read_lines(path: Path) -> Iterator[Any]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as source:
        for number, line in enumerate(source, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TransferError(f"{path}:{number}: not JSON ({exc.msg})") from None


def _flush(conn: Connection, table: Table | None, batch: list[dict[str, Any]]) -> None:
    if table is not None and batch:
        conn.execute(table.insert(), batch)
    batch.clear()


def _decode(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[name].type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


def _restart_sequences(conn: Connection) -> None:
    """PostgreSQL: identity columns continue after the imported ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True:
                after = select(func.coalesce(func.max(column), 0) + 1).scalar_subquery()
                conn.execute(select(func.setval(
                    func.pg_get_serial_sequence(table.name, column.name), after, False)))

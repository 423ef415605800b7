"""Bringing stored identifiers to the one normal form (accounts/identifiers.py), and the
collisions that stop it.

`renormalise` is run by migration 0011 and by `monban user collisions --fix`: every account's
email, phone and username is normalised; where two or more accounts' identifiers normalise to
the same value, NONE of them is changed (merging or dropping an account is a person's
decision, not a migration's) and each is recorded in identifier_collisions; a stored value
that no longer parses is recorded too (normal NULL). Display names holding control or format
characters are cleaned (accounts/display_names.py `from_claim`). Verified recovery contacts'
targets are normalised too (where an account holds both spellings, the row already in
normal form is kept).

The tables are passed in, so the migration can run it over the schema of its revision."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, TableClause, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from monban.accounts import display_names
from monban.accounts.identifiers import KINDS, Kind, normalise
from monban.errors import CatalogueError


@dataclass(frozen=True, slots=True)
class Collision:
    account_id: str
    kind: str
    stored: str
    normal: str | None
    found_at: datetime


@dataclass(slots=True)
class Outcome:
    normalised: int = 0
    names_cleaned: int = 0
    contacts_normalised: int = 0
    collisions: int = 0


def _normal(kind: Kind, value: str) -> str | None:
    try:
        return normalise(kind, value)
    except CatalogueError:
        return None


def renormalise(conn: Connection, accounts: TableClause, collisions: TableClause,
                contacts: TableClause | None, now: datetime) -> Outcome:
    """One pass (one transaction: the caller's). Clears the old collision records first, so
    after the operator resolved some, only the remaining ones are listed again."""
    outcome = Outcome()
    conn.execute(delete(collisions))
    rows = list(conn.execute(select(accounts.c.id, accounts.c.email, accounts.c.phone,
                                    accounts.c.username, accounts.c.display_name)))
    for kind in KINDS:
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in rows:
            stored = row._mapping[kind]
            if stored:
                normal = _normal(kind, stored)
                groups[normal if normal is not None else f"\0{row.id}"].append(
                    (row.id, stored))
        for normal, members in groups.items():
            valid = not normal.startswith("\0")
            if valid and len(members) == 1:
                account_id, stored = members[0]
                if stored != normal and _set(conn, accounts, account_id, kind, normal):
                    outcome.normalised += 1
                    continue
                if stored == normal:
                    continue
            for account_id, stored in members:
                conn.execute(insert(collisions).values(
                    account_id=account_id, kind=kind, stored=stored,
                    normal=normal if valid else None, found_at=now))
                outcome.collisions += 1
    for row in rows:
        name = row.display_name or ""
        try:
            display_names.check(name)
        except CatalogueError:
            conn.execute(update(accounts).where(accounts.c.id == row.id).values(
                display_name=display_names.from_claim(name) or "?"))
            outcome.names_cleaned += 1
    if contacts is not None:
        outcome.contacts_normalised = _contacts(conn, contacts)
    return outcome


def _set(conn: Connection, accounts: TableClause, account_id: str, kind: str, value: str) -> bool:
    """False if another row holds `value` as it is stored (a raw spelling that itself
    normalises elsewhere): then it is a collision too."""
    try:
        with conn.begin_nested():
            conn.execute(update(accounts).where(accounts.c.id == account_id)
                         .values({kind: value}))
    except IntegrityError:
        return False
    return True


def _contacts(conn: Connection, contacts: TableClause) -> int:
    changed = 0
    rows = conn.execute(select(contacts.c.id, contacts.c.channel, contacts.c.target)
                        .order_by(contacts.c.created_at))
    for row in list(rows):
        kind: Kind = "email" if row.channel == "email" else "phone"
        normal = _normal(kind, row.target)
        if normal is None or normal == row.target:
            continue
        try:
            with conn.begin_nested():
                conn.execute(update(contacts).where(contacts.c.id == row.id)
                             .values(target=normal))
            changed += 1
        except IntegrityError:  # the account has this contact already in normal form
            conn.execute(delete(contacts).where(contacts.c.id == row.id))
    return changed


def list_all(conn: Connection, collisions: TableClause) -> list[Collision]:
    rows = conn.execute(select(collisions).order_by(collisions.c.kind, collisions.c.normal,
                                                    collisions.c.account_id))
    return [Collision(r.account_id, r.kind, r.stored, r.normal, r.found_at) for r in rows]


def summary(outcome: Outcome) -> dict[str, Any]:
    return {"normalised": outcome.normalised, "names_cleaned": outcome.names_cleaned,
            "contacts_normalised": outcome.contacts_normalised,
            "collisions": outcome.collisions}

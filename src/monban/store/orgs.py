"""Organisations, their settings and the email domains they claim."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from monban.accounts.model import Org
from monban.accounts.org_settings import OrgSettings
from monban.db.tables import org_domains, orgs
from monban.errors import CatalogueError


def from_row(row: Row[Any]) -> Org:
    m = row._mapping
    return Org(id=m["id"], name=m["name"], slug=m["slug"],
               settings=OrgSettings.model_validate(m["settings"]), created_at=m["created_at"])


_BY_ID = select(orgs).where(orgs.c.id == bindparam("v"))


def get(conn: Connection, org_id: str) -> Org | None:
    row = conn.execute(_BY_ID, {"v": org_id}).first()
    return from_row(row) if row else None


def get_by_slug_or_id(conn: Connection, key: str) -> Org | None:
    row = conn.execute(select(orgs).where((orgs.c.slug == key) | (orgs.c.id == key))).first()
    return from_row(row) if row else None


def insert(conn: Connection, org: Org) -> None:
    try:
        with conn.begin_nested():
            conn.execute(orgs.insert().values(
                id=org.id, name=org.name, slug=org.slug,
                settings=org.settings.model_dump(), created_at=org.created_at))
    except IntegrityError as exc:
        raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": "slug"}) from exc


def save_settings(conn: Connection, org_id: str, settings: OrgSettings) -> None:
    conn.execute(update(orgs).where(orgs.c.id == org_id).values(settings=settings.model_dump()))


def list_all(conn: Connection) -> Sequence[Org]:
    return [from_row(row) for row in conn.execute(select(orgs).order_by(orgs.c.created_at))]


def any_hides_existence(conn: Connection) -> bool:
    """Whether some org has hide_account_existence on (signin/existence.py)."""
    rows = conn.execute(select(orgs.c.settings))
    return any(bool((row[0] or {}).get("hide_account_existence")) for row in rows)


def for_domain(conn: Connection, domain: str) -> Org | None:
    row = conn.execute(
        select(orgs).join(org_domains, org_domains.c.org_id == orgs.c.id)
        .where(org_domains.c.domain == domain)).first()
    return from_row(row) if row else None


def add_domain(conn: Connection, org_id: str, domain: str) -> None:
    try:
        with conn.begin_nested():
            conn.execute(org_domains.insert().values(domain=domain.lower(), org_id=org_id))
    except IntegrityError as exc:
        raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": "domain"}) from exc


def domains(conn: Connection, org_id: str) -> list[str]:
    rows = conn.execute(select(org_domains.c.domain).where(org_domains.c.org_id == org_id))
    return [row[0] for row in rows]


def remove_domain(conn: Connection, org_id: str, domain: str) -> None:
    conn.execute(delete(org_domains).where(
        (org_domains.c.org_id == org_id) & (org_domains.c.domain == domain.lower())))

"""What an account and an organisation are, as the rest of Monban sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from monban.accounts.org_settings import OrgSettings
from monban.errors import CatalogueError


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    SUPPORT = "support"
    MEMBER = "member"

    @classmethod
    def parse(cls, value: str) -> Role:
        """The role named `value`, or INVALID_REQUEST (field role)."""
        try:
            return cls(value)
        except ValueError as exc:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "role"}) from exc


ADMIN_ROLES = frozenset({Role.OWNER, Role.ADMIN})
STAFF_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.SUPPORT})


@dataclass(frozen=True, slots=True)
class Org:
    id: str
    name: str
    slug: str
    settings: OrgSettings
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    org_id: str | None
    role: Role | None
    email: str | None
    phone: str | None
    username: str | None
    display_name: str
    language: str
    timezone: str
    password_hash: str | None
    password_changed_at: datetime | None
    disabled: bool
    is_superadmin: bool
    created_at: datetime
    must_change_password: bool = False
    """An admin reset the password: the next sign-in must set a new one."""
    must_enroll_mfa: bool = False
    """An admin reset the second factors: the next sign-in must enrol one."""

    @property
    def label(self) -> str:
        return self.email or self.phone or self.username or self.id

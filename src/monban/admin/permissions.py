"""Who may do what to whom. Superadmins manage everything; an org's owners and admins manage
its members and settings; its support staff may read and end sessions; everyone manages
their own account."""

from __future__ import annotations

from monban.accounts.model import ADMIN_ROLES, STAFF_ROLES, Account
from monban.errors import SignInError


def can_admin_org(actor: Account, org_id: str | None) -> bool:
    return actor.is_superadmin or (
        org_id is not None and actor.org_id == org_id and actor.role in ADMIN_ROLES)


def can_support_org(actor: Account, org_id: str | None) -> bool:
    return actor.is_superadmin or (
        org_id is not None and actor.org_id == org_id and actor.role in STAFF_ROLES)


def require_admin(actor: Account, org_id: str | None) -> None:
    if not can_admin_org(actor, org_id):
        raise SignInError("PERMISSION_DENIED")


def require_support(actor: Account, org_id: str | None) -> None:
    if not can_support_org(actor, org_id):
        raise SignInError("PERMISSION_DENIED")


def require_superadmin(actor: Account) -> None:
    if not actor.is_superadmin:
        raise SignInError("PERMISSION_DENIED")

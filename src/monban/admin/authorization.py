"""Who may do what to whom: the one rule every admin act goes through (the JSON API, the
pages, the support console, the diagnostics fixes and the CLI). docs/security.md has the
table in words.

- The operator at the command line (actor None) may do everything; the last-owner rule
  still holds.
- Superadmins may do everything, but a credential act (password, second factors, backup
  code, support approval, lifting the sign-in restriction) on another superadmin is for the
  operator only: no peer takes over a peer. Only superadmins act on superadmins and on
  personal accounts (outside any org), and create orgs and personal accounts.
- Within an org, staff act by rank (member < support < admin < owner), each act needing at
  least its minimum role (`MIN_ROLE`), and only on a member ranked strictly below them. An
  owner may act on another owner for one thing, the role: owners make and demote owners.
- Nobody acts on their own account through these paths (they have their own pages), so
  nobody raises their own rank.
- A role given (adding a member, changing one) must be below the actor's, except that owners
  make owners.
- The last enabled owner of an org cannot be demoted or disabled (LAST_OWNER), by anyone.

Refusals are PERMISSION_DENIED. Callers that look a target up by id answer NOT_FOUND for a
member of another org before asking here, so ids of other orgs reveal nothing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection

from monban.accounts.model import Account, Role
from monban.errors import CatalogueError
from monban.store import accounts

RANK = {Role.MEMBER: 0, Role.SUPPORT: 1, Role.ADMIN: 2, Role.OWNER: 3}


class Action(StrEnum):
    # about the org as a whole
    READ_ORG = "read_org"
    """See the org, its members, their sessions and devices."""
    READ_AUDIT = "read_audit"
    """The audit log and the diagnosis of sign-in attempts."""
    CHANGE_SETTINGS = "change_settings"
    """Sign-in settings and email domains."""
    MANAGE_IP_RULES = "manage_ip_rules"
    MANAGE_OIDC_CLIENTS = "manage_oidc_clients"
    MANAGE_IDENTITY_PROVIDERS = "manage_identity_providers"
    HANDLE_SUPPORT_REQUESTS = "handle_support_requests"
    """Work the support queue; with a member: that member's request (the approval issues a
    backup code, so it is a credential act)."""
    CREATE_ORG = "create_org"
    CREATE_PERSONAL_ACCOUNT = "create_personal_account"
    # about one member
    ADD_MEMBER = "add_member"
    CHANGE_ROLE = "change_role"
    CHANGE_PROFILE = "change_profile"
    DISABLE = "disable"
    ENABLE = "enable"
    SET_PASSWORD = "set_password"  # noqa: S105 (an act, not a secret)
    """Set or reset the password."""
    RESET_FACTORS = "reset_factors"
    ISSUE_BACKUP_CODE = "issue_backup_code"
    END_SESSIONS = "end_sessions"
    LIFT_RESTRICTION = "lift_restriction"
    """Turn off "sign in only with the authenticator app"."""
    MANAGE_MEMBER_IP_RULES = "manage_member_ip_rules"
    CLEAR_LOCKOUT = "clear_lockout"


MIN_ROLE: dict[Action, Role | None] = {
    Action.READ_ORG: Role.SUPPORT,
    Action.READ_AUDIT: Role.SUPPORT,
    Action.CHANGE_SETTINGS: Role.ADMIN,
    Action.MANAGE_IP_RULES: Role.ADMIN,
    Action.MANAGE_OIDC_CLIENTS: Role.ADMIN,
    Action.MANAGE_IDENTITY_PROVIDERS: Role.ADMIN,
    Action.HANDLE_SUPPORT_REQUESTS: Role.SUPPORT,
    Action.CREATE_ORG: None,
    Action.CREATE_PERSONAL_ACCOUNT: None,
    Action.ADD_MEMBER: Role.ADMIN,
    Action.CHANGE_ROLE: Role.ADMIN,
    Action.CHANGE_PROFILE: Role.ADMIN,
    Action.DISABLE: Role.ADMIN,
    Action.ENABLE: Role.ADMIN,
    Action.SET_PASSWORD: Role.SUPPORT,
    Action.RESET_FACTORS: Role.SUPPORT,
    Action.ISSUE_BACKUP_CODE: Role.SUPPORT,
    Action.END_SESSIONS: Role.SUPPORT,
    Action.LIFT_RESTRICTION: Role.SUPPORT,
    Action.MANAGE_MEMBER_IP_RULES: Role.ADMIN,
    Action.CLEAR_LOCKOUT: Role.ADMIN,
}
"""The least org role an act needs; None: superadmins (and the operator) only."""

CREDENTIAL_ACTS = frozenset({Action.SET_PASSWORD, Action.RESET_FACTORS,
                             Action.ISSUE_BACKUP_CODE, Action.HANDLE_SUPPORT_REQUESTS,
                             Action.LIFT_RESTRICTION})
"""Acts that hand someone a way into the account: never on a peer."""
OWNER_ON_OWNER = frozenset({Action.CHANGE_ROLE})
MEMBER_ACTS = frozenset({Action.ADD_MEMBER, Action.CHANGE_ROLE, Action.CHANGE_PROFILE,
                         Action.DISABLE, Action.ENABLE, Action.SET_PASSWORD,
                         Action.RESET_FACTORS, Action.ISSUE_BACKUP_CODE, Action.END_SESSIONS,
                         Action.LIFT_RESTRICTION, Action.MANAGE_MEMBER_IP_RULES,
                         Action.CLEAR_LOCKOUT})
"""Acts that need a member (ADD_MEMBER: the role to give, as new_role)."""
MEMBER_PAGE_ACTS = (Action.CHANGE_ROLE, Action.DISABLE, Action.ENABLE, Action.SET_PASSWORD,
                    Action.RESET_FACTORS, Action.ISSUE_BACKUP_CODE, Action.END_SESSIONS,
                    Action.LIFT_RESTRICTION)


@dataclass(frozen=True, slots=True)
class Target:
    org_id: str | None = None
    """The org acted in (for a member: the member's org)."""
    member: Account | None = None
    new_role: Role | None = None
    """ADD_MEMBER and CHANGE_ROLE: the role given."""
    other_owners: int | None = None
    """Enabled owners of the org besides `member`, counted in the transaction that acts
    (under a lock); None when the act cannot remove an owner."""

    @classmethod
    def of(cls, member: Account, new_role: Role | None = None,
           other_owners: int | None = None) -> Target:
        return cls(member.org_id, member, new_role, other_owners)


def authorize(actor: Account | None, action: Action, target: Target) -> None:
    """PERMISSION_DENIED unless `actor` may do `action` to `target`; then LAST_OWNER if the
    act would leave the org without an enabled owner (asked second, so that someone who may
    not act learns nothing of the org's owners)."""
    _permitted(actor, action, target)
    _last_owner(action, target)


def _permitted(actor: Account | None, action: Action, target: Target) -> None:
    if actor is None:
        return
    member = target.member
    if member is not None and member.id == actor.id:
        raise CatalogueError("PERMISSION_DENIED")
    if member is not None and member.is_superadmin:
        if not actor.is_superadmin or action in CREDENTIAL_ACTS:
            raise CatalogueError("PERMISSION_DENIED")
        return
    if actor.is_superadmin:
        return
    least = MIN_ROLE[action]
    org_id = member.org_id if member is not None else target.org_id
    if (least is None or org_id is None or actor.org_id != org_id or actor.role is None
            or RANK[actor.role] < RANK[least]):
        raise CatalogueError("PERMISSION_DENIED")
    mine = RANK[actor.role]
    if member is not None:
        theirs = RANK[member.role or Role.MEMBER]
        peer_owners = actor.role == Role.OWNER == member.role and action in OWNER_ON_OWNER
        if theirs >= mine and not peer_owners:
            raise CatalogueError("PERMISSION_DENIED")
    if target.new_role is not None and target.new_role != Role.OWNER \
            and RANK[target.new_role] >= mine:
        raise CatalogueError("PERMISSION_DENIED")
    if target.new_role == Role.OWNER and actor.role != Role.OWNER:
        raise CatalogueError("PERMISSION_DENIED")


def authorize_stored(conn: Connection, actor_id: str | None, action: Action,
                     target: Target) -> None:
    """authorize() with the actor as stored now, in the caller's transaction (None: the
    operator); a disabled or deleted actor may do nothing."""
    actor = None
    if actor_id is not None:
        actor = accounts.get(conn, actor_id)
        if actor is None or actor.disabled:
            raise CatalogueError("PERMISSION_DENIED")
    authorize(actor, action, target)


def allowed(actor: Account | None, action: Action, target: Target) -> bool:
    try:
        authorize(actor, action, target)
    except CatalogueError:
        return False
    return True


def allowed_acts(actor: Account | None, member: Account) -> frozenset[Action]:
    """What the member page offers `actor` (the last-owner rule is checked when acting)."""
    return frozenset(a for a in MEMBER_PAGE_ACTS if allowed(actor, a, Target.of(member)))


def roles_to_give(actor: Account | None, org_id: str | None) -> list[Role]:
    """The roles `actor` may give in the org (adding a member or changing a role)."""
    return [r for r in Role if allowed(actor, Action.ADD_MEMBER, Target(org_id, new_role=r))]


def removes_owner(action: Action, target: Target) -> bool:
    member = target.member
    if member is None or member.role != Role.OWNER or member.disabled:
        return False
    return action == Action.DISABLE or (
        action == Action.CHANGE_ROLE and target.new_role not in (None, Role.OWNER))


def _last_owner(action: Action, target: Target) -> None:
    if removes_owner(action, target) and target.other_owners == 0:
        raise CatalogueError("LAST_OWNER")

"""Creating and changing organisations, accounts, passwords and allowed-IP lists.

Each change is one transaction with its audit event, and each change made by an actor to
anything but their own account is checked in that transaction by admin/authorization.py,
with the actor and the member as the database has them then (a session's copy may be
stale). The CLI acts as the operator and has no actor (actor_id None)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection

from monban.accounts import display_names
from monban.accounts.identifiers import Kind, admit, classify, normalise_email
from monban.accounts.model import Account, Org, Role
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.admin.authorization import Action, Target, authorize_stored, removes_owner
from monban.clock import Clock
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.network.ip_rules import parse_rule
from monban.passwords.blocklist import Identity
from monban.passwords.hasher import PasswordHasher
from monban.signin import password_change
from monban.store import accounts, audit, ip_rules, orgs, password_history, sessions
from monban.store.ids import new_id
from monban.store.ip_rules import IpRule

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANGUAGES = ("ja", "en")


class Directory:
    def __init__(self, db: Database, hasher: PasswordHasher, clock: Clock) -> None:
        self._db = db
        self._hasher = hasher
        self._clock = clock

    # Organisations -------------------------------------------------------------------
    async def create_org(self, name: str, slug: str, actor_id: str | None = None) -> Org:
        slug = slug.strip().lower()
        if not _SLUG.match(slug) or not name.strip():
            raise CatalogueError("INVALID_REQUEST", detail={"field": "slug"})
        org = Org(id=new_id(), name=name.strip()[:200], slug=slug, settings=OrgSettings(),
                  created_at=self._clock.now())
        await self._db.run(_insert_org, org, actor_id)
        return org

    async def org(self, key: str) -> Org:
        found = await self._db.run(orgs.get_by_slug_or_id, key, write=False)
        if found is None:
            raise CatalogueError("NOT_FOUND", detail={"org": key[:64]})
        return found

    async def list_orgs(self) -> Sequence[Org]:
        return await self._db.run(orgs.list_all, write=False)

    async def update_settings(self, org: Org, changes: dict[str, Any],
                              actor_id: str | None = None) -> OrgSettings:
        merged = {**org.settings.model_dump(), **changes}
        try:
            settings = OrgSettings.model_validate(merged)
        except ValueError as exc:
            raise CatalogueError("INVALID_REQUEST", detail={"fields": sorted(changes)}) from exc
        await self._db.run(_save_settings, org, settings, sorted(changes), actor_id,
                           self._clock.now())
        return settings

    async def add_domain(self, org: Org, domain: str, actor_id: str | None = None) -> None:
        await self._db.run(_add_domain, org.id, normalise_email("x@" + domain).split("@")[1],
                           actor_id)

    async def domains(self, org: Org) -> list[str]:
        return await self._db.run(orgs.domains, org.id, write=False)

    # Accounts ------------------------------------------------------------------------
    async def create_account(
        self, *, display_name: str, email: str | None = None, phone: str | None = None,
        username: str | None = None, password: str | None = None, org: Org | None = None,
        role: Role | None = None, language: str = "ja", timezone: str = "Asia/Tokyo",
        superadmin: bool = False, actor_id: str | None = None,
    ) -> Account:
        if not (email or phone or username):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "identifier"})
        if language not in LANGUAGES:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "language"})
        _check_timezone(timezone)
        email = admit("email", email) if email else None
        phone = admit("phone", phone) if phone else None
        username = admit("username", username) if username else None
        display_name = display_names.check(display_name if display_name.strip() else "?")
        password_hash = None
        if password is not None:  # the policy, with the new account's names (no factor yet)
            password_hash = await password_change.first_hash(
                self._hasher, password, org.settings if org else DEFAULT_SETTINGS,
                Identity(display_name, email, username))
        now = self._clock.now()
        account = Account(
            id=new_id(), org_id=org.id if org else None,
            role=(role or Role.MEMBER) if org else None, email=email, phone=phone,
            username=username,
            display_name=display_name, language=language,
            timezone=timezone, password_hash=password_hash,
            password_changed_at=now if password_hash else None, disabled=False,
            is_superadmin=superadmin, created_at=now)
        await self._db.run(_insert_account, account, actor_id, superadmin)
        return account

    async def account(self, key: str) -> Account:
        """By id, email, mobile number or username."""
        found = await self._db.run(_find_account, key, write=False)
        if found is None:
            raise CatalogueError("NOT_FOUND", detail={"account": "?"})
        return found

    async def member(self, org: Org, key: str) -> Account:
        """A member of `org` by id, email, mobile number or username; NOT_FOUND for anyone
        else (another org's ids answer as unknown ones)."""
        found = await self.account(key[:64])
        if found.org_id != org.id:
            raise CatalogueError("NOT_FOUND")
        return found

    async def members(self, org: Org | None) -> Sequence[Account]:
        return await self._db.run(accounts.list_for_org, org.id if org else None, write=False)

    async def set_password(self, account: Account, password: str, actor_id: str | None = None,
                           end_sessions: bool = False, min_age: bool | None = None) -> None:
        """Under the policy (signin/password_change.py). must_change_password is cleared, and
        the minimum age applies (unless min_age=False: a forgotten-password reset), only when
        the account changes its own."""
        own = actor_id == account.id
        if not own:  # before the policy: its answers tell of the member's old passwords
            await self._db.run(_authorized_on, actor_id, Action.SET_PASSWORD, account.id,
                               write=False)
        password_hash = await password_change.checked_hash(
            self._db, self._hasher, account, password, self._clock.now(),
            min_age=own if min_age is None else min_age)
        await self._db.run(_set_password, account, password_hash, actor_id, end_sessions,
                           self._clock.now(), own)

    async def update_account(self, account: Account, actor_id: str | None = None,
                             **changes: Any) -> Account:
        if not changes:
            return account
        allowed = {"display_name", "language", "timezone", "disabled", "role"}
        if set(changes) - allowed:
            raise CatalogueError("INVALID_REQUEST",
                                 detail={"fields": sorted(set(changes) - allowed)})
        if "language" in changes and changes["language"] not in LANGUAGES:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "language"})
        if "timezone" in changes:
            _check_timezone(changes["timezone"])
        if "display_name" in changes:
            changes["display_name"] = display_names.check(str(changes["display_name"]))
        if "role" in changes:
            if account.org_id is None:
                raise CatalogueError("INVALID_REQUEST", detail={"field": "role"})
            changes["role"] = Role(changes["role"])
        updated = replace(account, **changes)
        stored = {k: (v.value if isinstance(v, Role) else v) for k, v in changes.items()}
        await self._db.run(_update_account, account, stored, actor_id, self._clock.now())
        return updated

    async def set_identifier(self, account: Account, kind: Kind, value: str | None,
                             actor_id: str | None = None) -> Account:
        """Give an account another email, mobile number or username (None: remove it, if
        another is left): how an operator resolves an identifier collision."""
        normal = admit(kind, value) if value else None
        changes: dict[str, Any] = {kind: normal}
        updated = replace(account, **changes)
        if not (updated.email or updated.phone or updated.username):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "identifier"})
        await self._db.run(_update_account, account, changes, actor_id,
                           self._clock.now())
        return updated

    # Allowed IPs -----------------------------------------------------------------------
    async def ip_rules(self, scope: str, owner_id: str) -> Sequence[IpRule]:
        return await self._db.run(ip_rules.list_for, scope, owner_id, write=False)

    async def add_ip_rule(self, scope: str, owner_id: str, cidr: str, name: str,
                          actor_id: str | None = None) -> IpRule:
        network = parse_rule(cidr)
        rule = IpRule(id=new_id(), scope=scope, owner_id=owner_id,
                               cidr=str(network), name=(name.strip() or str(network))[:100],
                               created_at=self._clock.now())
        await self._db.run(_add_rule, rule, actor_id)
        return rule

    async def remove_ip_rule(self, scope: str, owner_id: str, rule_id: str,
                             actor_id: str | None = None) -> None:
        removed = await self._db.run(_remove_rule, scope, owner_id, rule_id, actor_id,
                                     self._clock.now())
        if not removed:
            raise CatalogueError("NOT_FOUND")

    # Audit -----------------------------------------------------------------------------
    async def audit(self, query: audit.AuditQuery) -> Sequence[audit.AuditEvent]:
        return await self._db.run(audit.query, query, write=False)


def _check_timezone(name: str) -> None:
    try:
        OrgSettings(timezone=name)
    except ValueError as exc:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "timezone"}) from exc


def _event(conn: Connection, event: str, at: Any, actor_id: str | None, **fields: Any) -> None:
    audit.record(conn, audit.AuditEvent(at=at, event=event, outcome="success",
                                        actor_id=actor_id, **fields))


def _authorized_on(conn: Connection, actor_id: str | None, action: Action, member_id: str,
                   new_role: Role | None = None) -> Account:
    """The member as stored now, once `actor_id` may do `action` to it; the org's other
    owners are counted (and locked) when the act could remove an owner."""
    member = accounts.get(conn, member_id)
    if member is None:
        raise CatalogueError("NOT_FOUND")
    target = Target.of(member, new_role)
    if member.org_id is not None and removes_owner(action, target):
        target = Target.of(member, new_role, accounts.other_owners(conn, member.org_id,
                                                                   member.id))
    authorize_stored(conn, actor_id, action, target)
    return member


def _rule_action(conn: Connection, scope: str, owner_id: str, actor_id: str | None) -> None:
    if scope == "org":
        authorize_stored(conn, actor_id, Action.MANAGE_IP_RULES, Target(owner_id))
    elif actor_id != owner_id:  # a member's own list, by someone else
        _authorized_on(conn, actor_id, Action.MANAGE_MEMBER_IP_RULES, owner_id)


def _add_domain(conn: Connection, org_id: str, domain: str, actor_id: str | None) -> None:
    authorize_stored(conn, actor_id, Action.CHANGE_SETTINGS, Target(org_id))
    orgs.add_domain(conn, org_id, domain)


def _insert_org(conn: Connection, org: Org, actor_id: str | None) -> None:
    authorize_stored(conn, actor_id, Action.CREATE_ORG, Target())
    orgs.insert(conn, org)
    _event(conn, "org.created", org.created_at, actor_id, org_id=org.id,
           detail={"slug": org.slug})


def _save_settings(conn: Connection, org: Org, settings: OrgSettings, fields: list[str],
                   actor_id: str | None, now: Any) -> None:
    authorize_stored(conn, actor_id, Action.CHANGE_SETTINGS, Target(org.id))
    orgs.save_settings(conn, org.id, settings)
    _event(conn, "org.settings_changed", now, actor_id, org_id=org.id,
           detail={k: getattr(settings, k) for k in fields})


def _insert_account(conn: Connection, account: Account, actor_id: str | None,
                    superadmin: bool) -> None:
    if actor_id is not None and superadmin:
        raise CatalogueError("PERMISSION_DENIED")  # superadmins are made at the command line
    if account.org_id is None:
        authorize_stored(conn, actor_id, Action.CREATE_PERSONAL_ACCOUNT, Target())
    else:
        authorize_stored(conn, actor_id, Action.ADD_MEMBER, Target(account.org_id,
                                                              new_role=account.role))
    accounts.insert(conn, account)
    _event(conn, "account.created", account.created_at, actor_id, account_id=account.id,
           org_id=account.org_id, identifier=account.label,
           detail={"role": account.role.value if account.role else None})


def _find_account(conn: Connection, key: str) -> Account | None:
    found = accounts.get(conn, key)
    if found is None and (parsed := classify(key)) is not None:
        found = accounts.find(conn, parsed)
    return found


def _set_password(conn: Connection, account: Account, password_hash: str,
                  actor_id: str | None, end_sessions: bool, now: Any, own: bool) -> None:
    if not own:
        _authorized_on(conn, actor_id, Action.SET_PASSWORD, account.id)
    password_history.record_change(conn, account.id, password_hash, now, clear_must_change=own)
    ended = sessions.end_all(conn, account.id, now) if end_sessions else 0
    _event(conn, "account.password_set", now, actor_id, account_id=account.id,
           org_id=account.org_id, detail={"ended_sessions": ended})


def _update_account(conn: Connection, account: Account, changes: dict[str, Any],
                    actor_id: str | None, now: Any) -> None:
    for action, new_role in _acts(changes):
        if actor_id == account.id and action == Action.CHANGE_PROFILE:
            continue  # their own name, language and time zone
        _authorized_on(conn, actor_id, action, account.id, new_role)
    accounts.update_fields(conn, account.id, **changes)
    if changes.get("disabled"):
        sessions.end_all(conn, account.id, now)
    _event(conn, "account.updated", now, actor_id, account_id=account.id,
           org_id=account.org_id, detail=changes)


def _acts(changes: dict[str, Any]) -> list[tuple[Action, Role | None]]:
    acts: list[tuple[Action, Role | None]] = []
    if "role" in changes:
        acts.append((Action.CHANGE_ROLE, Role(changes["role"])))
    if "disabled" in changes:
        acts.append((Action.DISABLE if changes["disabled"] else Action.ENABLE, None))
    if set(changes) - {"role", "disabled"}:
        acts.append((Action.CHANGE_PROFILE, None))
    return acts


def _add_rule(conn: Connection, rule: IpRule, actor_id: str | None) -> None:
    _rule_action(conn, rule.scope, rule.owner_id, actor_id)
    ip_rules.add(conn, rule)
    _event(conn, "ip_rule.added", rule.created_at, actor_id,
           account_id=rule.owner_id if rule.scope == "account" else None,
           org_id=rule.owner_id if rule.scope == "org" else None,
           detail={"scope": rule.scope, "cidr": rule.cidr, "name": rule.name})


def _remove_rule(conn: Connection, scope: str, owner_id: str, rule_id: str,
                 actor_id: str | None, now: Any) -> bool:
    _rule_action(conn, scope, owner_id, actor_id)
    removed = ip_rules.remove(conn, scope, owner_id, rule_id)
    if removed:
        _event(conn, "ip_rule.removed", now, actor_id,
               account_id=owner_id if scope == "account" else None,
               org_id=owner_id if scope == "org" else None,
               detail={"scope": scope, "rule": rule_id})
    return removed

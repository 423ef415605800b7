"""Who a verified provider identity is, in Monban: the sign-in rules of federation.

- A known (issuer, subject) is its linked account, whatever the email says now. When the
  provider's *verified* email changed and the org syncs emails, the account takes the new
  address, unless another account has it: FEDERATED_EMAIL_CONFLICT (the two-accounts
  problem is never solved by making a second account, nor by silently taking the address).
- An unknown (issuer, subject) whose verified email belongs to an account is NOT linked:
  linking by email alone would hand the account to whoever controls that address at any
  provider (account takeover). FEDERATED_LINK_REQUIRED: the person signs in to the account
  the usual way and links the provider from the security page.
- An unknown subject with no account is created only for an org's own IdP with auto-create
  on, a verified email, and the email's domain claimed by that org; else ACCOUNT_NOT_FOUND.

Each function runs inside one transaction (db.run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from monban.accounts.identifiers import Identifier
from monban.accounts.model import Account, Org, Role
from monban.errors import CatalogueError
from monban.federation.identity import UpstreamIdentity
from monban.federation.provider import Provider
from monban.store import accounts, audit, federated_links, orgs
from monban.store.ids import new_id


@dataclass(frozen=True, slots=True)
class Resolved:
    account: Account
    created: bool = False
    email_changed_from: str | None = None


def resolve(conn: Connection, provider: Provider, identity: UpstreamIdentity, now: datetime,
            language: str) -> Resolved:
    link = federated_links.find(conn, identity.issuer, identity.subject)
    if link is not None:
        return _known(conn, provider, identity, link, now)
    if identity.email:
        holder = accounts.find(conn, Identifier("email", identity.email))
        if holder is not None:
            # Only a verified address says "this is probably the same person"; an unverified
            # one says nothing, and never reveals that an account exists; nor does any
            # address when the holder's org hides whether accounts exist.
            holder_org = orgs.get(conn, holder.org_id) if holder.org_id else None
            hidden = holder_org is not None and holder_org.settings.hide_account_existence
            if identity.email_verified and not hidden:
                error = CatalogueError("FEDERATED_LINK_REQUIRED", provider=provider.display_name,
                                    detail={"link_url": "/signin?next=/account/linked"})
                error.language = holder.language
                raise error
            raise CatalogueError("ACCOUNT_NOT_FOUND")
    return _create(conn, provider, identity, now, language)


def allowed(provider: Provider, org: Org | None) -> bool:
    """The org's sign-in methods: an org's own IdP signs in only its members, and the org's
    list of providers (None: all) decides for everyone else."""
    if provider.org_id is not None and (org is None or org.id != provider.org_id):
        return False
    chosen = org.settings.federated_providers if org else None
    return chosen is None or provider.slug in chosen


def _known(conn: Connection, provider: Provider, identity: UpstreamIdentity,
           link: federated_links.Link, now: datetime) -> Resolved:
    account = accounts.get(conn, link.account_id)
    assert account is not None, "a link's account is deleted with it (ON DELETE CASCADE)"
    org = orgs.get(conn, account.org_id) if account.org_id else None
    if not allowed(provider, org):
        error = CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"provider": provider.slug})
        error.language = account.language
        raise error
    sync = org.settings.federated_email_sync if org else True
    changed_from = None
    if (sync and identity.email_verified and identity.email
            and identity.email != account.email):
        other = accounts.find(conn, Identifier("email", identity.email))
        if other is not None and other.id != account.id:
            error = CatalogueError("FEDERATED_EMAIL_CONFLICT", provider=provider.display_name,
                                detail={"fixes": list(CONFLICT_FIXES)})
            error.language = account.language
            raise error
        try:
            accounts.update_fields(conn, account.id, email=identity.email)
        except CatalogueError as exc:  # taken by a racing change a moment ago
            if exc.code != "IDENTIFIER_TAKEN":  # e.g. IDENTIFIER_NOT_ALLOWED (UTS #39)
                raise
            raise CatalogueError("FEDERATED_EMAIL_CONFLICT", provider=provider.display_name,
                              detail={"fixes": list(CONFLICT_FIXES)}) from exc
        changed_from = account.email
        audit.record(conn, audit.AuditEvent(
            at=now, event="federation.email_updated", outcome="success",
            account_id=account.id, org_id=account.org_id, identifier=identity.email,
            detail={"provider": provider.slug}))
        account = accounts.get(conn, account.id) or account
    federated_links.touch(conn, link.id, now, identity.email)
    return Resolved(account, email_changed_from=changed_from)


CONFLICT_FIXES = ("change_back_at_provider", "remove_address_from_other_account",
                  "close_other_account", "sign_in_with_email_code", "support_can_merge")
"""FEDERATED_EMAIL_CONFLICT's fixes, in the catalogue's order (keys for the API)."""


def _create(conn: Connection, provider: Provider, identity: UpstreamIdentity, now: datetime,
            language: str) -> Resolved:
    org = orgs.get(conn, provider.org_id) if provider.org_id else None
    domain = identity.email.rsplit("@", 1)[1] if identity.email else None
    claimed = org is not None and domain is not None and domain in orgs.domains(conn, org.id)
    if not (org and provider.auto_create and identity.email_verified and claimed):
        raise CatalogueError("ACCOUNT_NOT_FOUND")
    if not allowed(provider, org):
        raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"provider": provider.slug})
    account = Account(
        id=new_id(), org_id=org.id, role=Role.MEMBER, email=identity.email, phone=None,
        username=None, display_name=(identity.name or identity.email or "?")[:200],
        language=language, timezone=org.settings.timezone, password_hash=None,
        password_changed_at=None, disabled=False, is_superadmin=False, created_at=now)
    accounts.insert(conn, account)
    if not federated_links.insert(conn, new_link(account.id, provider, identity, now)):
        raise CatalogueError("FLOW_EXPIRED")  # a racing callback linked it first
    audit.record(conn, audit.AuditEvent(
        at=now, event="federation.account_created", outcome="success", account_id=account.id,
        org_id=org.id, identifier=identity.email, detail={"provider": provider.slug}))
    return Resolved(account, created=True)


def new_link(account_id: str, provider: Provider, identity: UpstreamIdentity, now: datetime
             ) -> federated_links.Link:
    return federated_links.Link(
        id=new_id(), account_id=account_id, provider_id=provider.id, issuer=identity.issuer,
        subject=identity.subject, email=identity.email, linked_at=now, last_used_at=now)


def link(conn: Connection, account: Account, provider: Provider, identity: UpstreamIdentity,
         now: datetime) -> federated_links.Link:
    """Link a signed-in account (it proved itself first) to the provider identity."""
    if not allowed(provider, orgs.get(conn, account.org_id) if account.org_id else None):
        raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"provider": provider.slug})
    existing = federated_links.find(conn, identity.issuer, identity.subject)
    if existing is not None:
        if existing.account_id == account.id:
            return existing
        raise CatalogueError("FEDERATED_ALREADY_LINKED", provider=provider.display_name)
    created = new_link(account.id, provider, identity, now)
    if not federated_links.insert(conn, created):
        raise CatalogueError("FEDERATED_ALREADY_LINKED", provider=provider.display_name)
    audit.record(conn, audit.AuditEvent(
        at=now, event="federation.linked", outcome="success", account_id=account.id,
        org_id=account.org_id, actor_id=account.id, identifier=account.label,
        detail={"provider": provider.slug}))
    return created


def unlink(conn: Connection, account: Account, link_id: str, now: datetime) -> None:
    """Remove a link, unless it is the account's last way to sign in (no password and no
    other link): LAST_SIGNIN_METHOD. The account row is locked first, so two racing
    unlinks cannot together remove the last two ways in."""
    accounts.lock(conn, account.id)
    links = federated_links.list_for(conn, account.id)
    if not any(item.id == link_id for item in links):
        raise CatalogueError("NOT_FOUND")
    current = accounts.get(conn, account.id)
    if (current is None or current.password_hash is None) and len(links) <= 1:
        raise CatalogueError("LAST_SIGNIN_METHOD")
    federated_links.remove(conn, account.id, link_id)
    audit.record(conn, audit.AuditEvent(
        at=now, event="federation.unlinked", outcome="success", account_id=account.id,
        org_id=account.org_id, actor_id=account.id, identifier=account.label))

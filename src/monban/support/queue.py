"""The support console's side of support-assisted recovery: the queue, a request with the
account's recovery facts, identity checks, approve (a one-time backup code goes to the
contact the person proved) and deny (the person is told). Every step is audited with its
actor, under the request's id in the audit log's flow_id column, so a request's trail is one
query. Requests expire; an approved request whose code was used becomes done.

Who handles what is admin/authorization.py's rule for HANDLE_SUPPORT_REQUESTS: superadmins
every request (personal accounts and unknown identifiers included, a superadmin's not); an
org's owners, admins and support staff requests about the org's accounts ranked below them.
Nobody handles a request about their own account. A request outside one's reach is
NOT_FOUND. There is no way here to
see or set a password, and the backup code is never shown to the agent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.accounts.org_settings import DEFAULT_SETTINGS
from monban.admin.authorization import Action, Target, allowed
from monban.errors import CatalogueError
from monban.factors import issued_backup_code as backup_code
from monban.factors.backup_codes import display
from monban.factors.one_time_codes import mask
from monban.notify.outgoing import Origin, Outgoing
from monban.signin.request_info import RequestInfo
from monban.store import accounts, audit, orgs
from monban.store import support_requests as store
from monban.store.support_requests import APPROVED, DENIED, DONE, EXPIRED, OPEN, SupportRequest
from monban.support import messages
from monban.support.delivery import SupportDeps, deliver, record
from monban.support.facts import Facts, gather

CODE_TTL = timedelta(days=7)
"""An approved request's code works this long; then the request expires and the code goes."""
QUEUE_LIMIT = 200
CHECKS = ("last_signin_location", "recovery_contact", "account_details", "note")
"""What an agent records: the first three pass or fail; a note is free text."""
MAX_NOTE = 500


def is_agent(actor: Account) -> bool:
    return allowed(actor, Action.HANDLE_SUPPORT_REQUESTS, Target(actor.org_id))


def require_agent(actor: Account) -> None:
    if not is_agent(actor):
        raise CatalogueError("PERMISSION_DENIED")


def may_handle(actor: Account, account: Account | None) -> bool:
    if account is None:  # no account behind the identifier
        return actor.is_superadmin
    return allowed(actor, Action.HANDLE_SUPPORT_REQUESTS, Target.of(account))


@dataclass(frozen=True, slots=True)
class Case:
    request: SupportRequest
    account: Account | None
    facts: Facts
    trail: list[audit.AuditEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Decision:
    request: SupportRequest
    told: bool
    """The message reached the person's contact."""


class SupportQueue:
    def __init__(self, deps: SupportDeps) -> None:
        self._deps = deps

    async def queue(self, actor: Account, statuses: tuple[str, ...] = (OPEN,)
                    ) -> list[tuple[SupportRequest, Account | None]]:
        require_agent(actor)

        def go(conn: Connection) -> list[tuple[SupportRequest, Account | None]]:
            refresh_now(conn, self._deps.clock.now())
            found = store.queue(conn, None if actor.is_superadmin else actor.org_id, statuses,
                                QUEUE_LIMIT)
            return [(r, a) for r, a in found if may_handle(actor, a)]

        return await self._deps.db.run(go)

    async def case(self, actor: Account, request_id: str, info: RequestInfo) -> Case:
        require_agent(actor)

        def go(conn: Connection) -> Case:
            now = self._deps.clock.now()
            request, account = _load(conn, actor, request_id, now)
            record(conn, now, "support.viewed", request, info, actor=actor, account=account)
            trail = audit.query(conn, audit.AuditQuery(flow_id=request.id, limit=500))
            return Case(request, account, gather(conn, request, account), list(reversed(trail)))

        return await self._deps.db.run(go)

    async def check(self, actor: Account, request_id: str, check: str, passed: bool | None,
                    note: str, info: RequestInfo) -> SupportRequest:
        require_agent(actor)
        note = note.strip()
        if check not in CHECKS or len(note) > MAX_NOTE or (check == "note") != (passed is None) \
                or (check == "note" and not note):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "check"})

        def go(conn: Connection) -> SupportRequest:
            now = self._deps.clock.now()
            request, account = _load(conn, actor, request_id, now, lock=True)
            _require_open(request)
            entry = {"check": check, "passed": passed, "note": note, "by": actor.id,
                     "at": now.isoformat()}
            store.save_checks(conn, request.id, [*request.checks, entry],
                              request.assigned_to or actor.id)
            record(conn, now, "support.check", request, info, actor=actor, account=account,
                   outcome="failure" if passed is False else "success",
                   detail={"check": check, "passed": passed, "note": note})
            return store.get(conn, request.id) or request

        return await self._deps.db.run(go)

    async def approve(self, actor: Account, request_id: str, info: RequestInfo) -> Decision:
        """Issue the one-time backup code and send it to the proven contact; undone (the code
        withdrawn, the request open again) if it cannot be delivered."""
        require_agent(actor)
        deps = self._deps
        now = deps.clock.now()
        request, account, code = await deps.db.run(self._approve, actor, request_id, now, info)
        until = now + CODE_TTL
        shown = display(code)
        try:
            await deliver(deps.senders, request.contact_channel, request.contact_target,
                          messages.approved_sms(request.language, shown, until),
                          messages.approved_email(request.language, shown, until),
                          "reply", Origin(account))
        except CatalogueError as error:
            await deps.db.run(_undo_approval, request, account, now, info, actor, error.code)
            raise
        await deps.db.run(lambda conn: record(
            conn, now, "support.code_sent", request, info, actor=actor, account=account,
            detail={"channel": request.contact_channel, "sent_to": mask(request.contact_target)}))
        if account.email != request.contact_target:
            await self._notify_owner(account, now)
        current: SupportRequest | None = await deps.db.run(store.get, request.id, write=False)
        return Decision(current or request, True)

    def _approve(self, conn: Connection, actor: Account, request_id: str, now: datetime,
                 info: RequestInfo) -> tuple[SupportRequest, Account, str]:
        request, account = _load(conn, actor, request_id, now, lock=True)
        _require_open(request)
        if account is None:
            raise CatalogueError("INVALID_REQUEST", detail={"reason": "no_account"})
        if account.disabled:
            raise CatalogueError("ACCOUNT_DISABLED")
        org = orgs.get(conn, account.org_id) if account.org_id else None
        if "backup_code" not in (org.settings if org else DEFAULT_SETTINGS).allowed_factors:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"factor": "backup_code"})
        if not any(c.get("passed") is True for c in request.checks):
            raise CatalogueError("INVALID_REQUEST", detail={"reason": "no_passed_check"})
        if not store.decide(conn, request.id, APPROVED, actor.id, now, now + CODE_TTL):
            raise CatalogueError("INVALID_REQUEST", detail={"status": "decided"})
        code = backup_code.issue(conn, self._deps.codes, account.id, request.id, now,
                                  "support")
        record(conn, now, "support.approved", request, info, actor=actor, account=account,
               detail={"checks_passed": sorted({str(c["check"]) for c in request.checks
                                                if c.get("passed") is True})})
        return request, account, code

    async def deny(self, actor: Account, request_id: str, note: str, info: RequestInfo
                   ) -> Decision:
        require_agent(actor)
        note = note.strip()[:MAX_NOTE]
        deps = self._deps

        def go(conn: Connection) -> SupportRequest:
            now = deps.clock.now()
            request, account = _load(conn, actor, request_id, now, lock=True)
            _require_open(request)
            if not store.decide(conn, request.id, DENIED, actor.id, now):
                raise CatalogueError("INVALID_REQUEST", detail={"status": "decided"})
            if note:
                store.save_checks(conn, request.id, [*request.checks, {
                    "check": "note", "passed": None, "note": note, "by": actor.id,
                    "at": now.isoformat()}], request.assigned_to or actor.id)
            record(conn, now, "support.denied", request, info, actor=actor, account=account,
                   detail={"note": note} if note else {})
            return store.get(conn, request.id) or request

        request = await deps.db.run(go)
        subject, text = messages.denied(request.language)
        told = True
        try:
            await deliver(deps.senders, request.contact_channel, request.contact_target, text,
                          (subject, text), "reply", Origin())
        except CatalogueError as error:
            told, failed = False, error.code
            await deps.db.run(lambda conn: record(
                conn, deps.clock.now(), "support.denial_sent", request, info, actor=actor,
                outcome="failure", code=failed))
        return Decision(request, told)

    async def refresh(self) -> int:
        return await self._deps.db.run(refresh_now, self._deps.clock.now())

    async def _notify_owner(self, account: Account, now: datetime) -> None:
        """Tell the account's own email address, best effort: if the person who asked was not
        its owner, the owner hears of it."""
        if not account.email:
            return
        subject, body = messages.code_issued_notice(account.language, account.display_name,
                                                    now)
        try:
            await self._deps.senders.send(
                Outgoing.email("notice", account.email, subject, body), Origin(account))
        except CatalogueError:
            pass


def _load(conn: Connection, actor: Account, request_id: str, now: datetime,
          lock: bool = False) -> tuple[SupportRequest, Account | None]:
    refresh_now(conn, now)
    request = store.get(conn, request_id[:64], lock=lock)
    if request is None or not request.proven:
        raise CatalogueError("NOT_FOUND")
    account = accounts.get(conn, request.account_id) if request.account_id else None
    if not may_handle(actor, account):
        raise CatalogueError("NOT_FOUND")
    return request, account


def _require_open(request: SupportRequest) -> None:
    if request.status == EXPIRED:
        raise CatalogueError("FLOW_EXPIRED")
    if request.status != OPEN:
        raise CatalogueError("INVALID_REQUEST", detail={"status": request.status})


def _undo_approval(conn: Connection, request: SupportRequest, account: Account,
                   now: datetime, info: RequestInfo, actor: Account, code: str) -> None:
    backup_code.withdraw(conn, account.id, request.id, now)
    store.reopen(conn, request.id, request.expires_at or now)
    record(conn, now, "support.code_sent", request, info, actor=actor, account=account,
           outcome="failure", code=code, detail={"channel": request.contact_channel})


def refresh_now(conn: Connection, now: datetime) -> int:
    """Approved requests whose code was used become done; open or approved requests past
    their time expire (an unused code is withdrawn). Each change audited. Housekeeping runs
    it too."""
    changed = 0
    for request, used_at in store.used(conn):
        if store.move(conn, request.id, APPROVED, DONE):
            record(conn, used_at, "support.code_used", request, None,
                   account=_account(conn, request))
            changed += 1
    for request in store.due(conn, now):
        if store.move(conn, request.id, request.status, EXPIRED):
            withdrawn = 0
            if request.status == APPROVED and request.account_id:
                withdrawn = backup_code.withdraw(conn, request.account_id, request.id, now)
            record(conn, now, "support.expired", request, None, account=_account(conn, request),
                   detail={"was": request.status, "code_withdrawn": bool(withdrawn)})
            changed += 1
    return changed


def _account(conn: Connection, request: SupportRequest) -> Account | None:
    return accounts.get(conn, request.account_id) if request.account_id else None

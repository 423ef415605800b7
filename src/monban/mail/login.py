"""A mail client's login, as a mail server asks Monban to check it (IMAP, POP, SMTP,
CalDAV/CardDAV).

The same gates as a web sign-in, in the same order: allowed IPs before any secret is tried
(the mail client's IP, as the mail server saw it), the attempt lockout around the secret
(wrong mail passwords count with wrong web passwords: guessing over IMAP is no cheaper), then
the account's state. The secret may be an app-specific password (one HMAC, tried first) or,
only while multi-factor authentication is off, the account password. With MFA on, the
right account password answers APP_PASSWORD_REQUIRED (not counted as a guess: it was right)
and a wrong one INVALID_CREDENTIALS. The daily sign-in limit does not apply: mail clients log
in many times a day by design, and their logins start no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from monban.accounts.identifiers import classify
from monban.accounts.model import Account, Org
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.clock import Clock
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.mail.app_passwords import AppPasswords, looks_like_one
from monban.passwords.hasher import PasswordHasher
from monban.passwords.rules import normalise
from monban.signin import lockout
from monban.signin.context import PolicyContext
from monban.signin.policies import AFTER_SECRET, BEFORE_SECRET
from monban.signin.request_info import RequestInfo
from monban.signin.second_step import SecondStep
from monban.store import accounts, audit, ip_rules, orgs
from monban.store import app_passwords as store
from monban.store import factors as factor_store
from monban.store.counters import Counters
from monban.store.ip_rules import IpRule

APP_PASSWORD_STEP = "mail_app_password"  # noqa: S105 - a trace step name
"""The trace step that says whether an app password was used, or was needed (diagnostics)."""
NOT_FOR_MAIL = frozenset({"daily_signin_limit"})
"""Web sign-in policies that mail logins skip (see the module's text)."""


@dataclass(frozen=True, slots=True)
class MailLogin:
    account: Account
    method: str
    """"app_password" or "password" (MFA off)."""
    app_password_id: str | None = None


@dataclass(slots=True)
class _Loaded:
    account: Account
    org: Org | None
    account_rules: list[IpRule]
    org_rules: list[IpRule]
    factors: list[FactorRecord]

    @property
    def settings(self) -> OrgSettings:
        return self.org.settings if self.org else DEFAULT_SETTINGS


class MailLogins:
    def __init__(self, db: Database, counters: Counters, hasher: PasswordHasher,
                 clock: Clock, app_passwords: AppPasswords, second_step: SecondStep) -> None:
        self._db, self._counters, self._hasher, self._clock = db, counters, hasher, clock
        self._app_passwords, self._second_step = app_passwords, second_step

    async def check(self, identifier: str, secret: str, protocol: str,
                    request: RequestInfo) -> MailLogin:
        now = self._clock.now()
        parsed = classify(identifier)
        loaded = await self._db.run(_load, parsed.value if parsed else None, write=False) \
            if parsed else None
        if loaded is None:
            # No such account: the same Argon2 cost, and no hint that it does not exist.
            await self._hasher.verify(None, normalise(secret))
            await self._audit(now, None, protocol, request, "INVALID_CREDENTIALS",
                              identifier=parsed.value if parsed else None)
            raise CatalogueError("INVALID_CREDENTIALS")
        account, settings = loaded.account, loaded.settings
        ctx = PolicyContext(account=account, org=loaded.org, settings=settings,
                            request=request, now=now, account_ip_rules=loaded.account_rules,
                            org_ip_rules=loaded.org_rules, counters=self._counters)
        keys = lockout.keys_for(account.id, str(request.ip), None, False)
        try:
            for policy in BEFORE_SECRET:
                await policy.check(ctx)
            async with lockout.attempt(self._counters, keys, settings, self._clock, ctx):
                login = await self._secret(loaded, secret, protocol, request, ctx, now)
            for policy in AFTER_SECRET:
                if policy.name not in NOT_FOR_MAIL:
                    await policy.check(ctx)
        except CatalogueError as error:
            error.language = account.language
            await self._audit(now, account, protocol, request, error.code, ctx=ctx)
            raise
        await self._audit(now, account, protocol, request, None, ctx=ctx,
                          method=login.method, app_password_id=login.app_password_id)
        return login

    async def _secret(self, loaded: _Loaded, secret: str, protocol: str,
                      request: RequestInfo, ctx: PolicyContext, now: datetime) -> MailLogin:
        """Inside the attempt guard: a wrong password counts; APP_PASSWORD_REQUIRED (the
        password was right) releases the attempt."""
        account, settings = loaded.account, loaded.settings
        if looks_like_one(secret):
            used = await self._db.run(store.use, account.id,
                                      self._app_passwords.digest(secret), now, protocol,
                                      str(request.ip))
            if used is not None:
                ctx.note(APP_PASSWORD_STEP, True, name=used.name)
                return MailLogin(account, "app_password", used.id)
        verdict = await self._hasher.verify(account.password_hash, normalise(secret))
        if not verdict.ok:
            ctx.note("password", False)
            raise CatalogueError("INVALID_CREDENTIALS")
        if self._second_step.is_on(account, settings, loaded.factors):
            ctx.note("password", True, mfa=True)
            ctx.note(APP_PASSWORD_STEP, False, mfa=True)
            raise CatalogueError("APP_PASSWORD_REQUIRED")
        ctx.note("password", True, mfa=False)
        return MailLogin(account, "password")

    async def _audit(self, now: datetime, account: Account | None, protocol: str,
                     request: RequestInfo, code: str | None, *, ctx: PolicyContext | None = None,
                     identifier: str | None = None, method: str | None = None,
                     app_password_id: str | None = None) -> None:
        detail: dict[str, object] = {"protocol": protocol}
        if method:
            detail["method"] = method
        if app_password_id:
            detail["app_password_id"] = app_password_id
        if ctx is not None:
            detail["trace"] = [step.as_dict() for step in ctx.trace]
        await self._db.run(audit.record, audit.AuditEvent(
            at=now, event="mail.login", outcome="failure" if code else "success", code=code,
            account_id=account.id if account else None,
            org_id=account.org_id if account else None,
            identifier=account.label if account else identifier, ip=str(request.ip),
            user_agent=request.user_agent, detail=detail))


def _load(conn: Connection, identifier: str) -> _Loaded | None:
    parsed = classify(identifier)
    account = accounts.find(conn, parsed) if parsed else None
    if account is None:
        return None
    org = orgs.get(conn, account.org_id) if account.org_id else None
    return _Loaded(account=account, org=org,
                   account_rules=list(ip_rules.list_for(conn, "account", account.id)),
                   org_rules=list(ip_rules.list_for(conn, "org", org.id)) if org else [],
                   factors=list(factor_store.list_for(conn, account.id)))

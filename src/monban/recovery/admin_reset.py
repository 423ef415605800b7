"""An org's staff getting a member back in: reset the password (typed or generated, with or
without a forced change at the next sign-in), reset the second factors, or issue one
one-time backup verification code. Owners, admins and support staff may (the support role
verifies the person first: the seed page's "本人確認後、バックアップ認証コードが送信されます").

Each act ends the member's browser sessions, is audited with its actor, and is announced to
the member's addresses. Who may do it to whom is admin/authorization.py's rule (actions
SET_PASSWORD, RESET_FACTORS, ISSUE_BACKUP_CODE): nobody on their own account (they have their
own pages) nor on an equal or higher rank; a superadmin only by the operator.
"""

from __future__ import annotations

import secrets
import string
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.admin.authorization import Action, Target, authorize
from monban.crypto.code_hash import CodeHasher
from monban.db.tables import factor_enrollments, factors
from monban.errors import CatalogueError
from monban.factors import backup_codes, issued_backup_code
from monban.recovery import notices
from monban.signin import lockout
from monban.signin.request_info import RequestInfo
from monban.store import accounts, sessions, trusted_browsers
from monban.store.ids import new_id

if TYPE_CHECKING:
    from monban.recovery import Recovery

GROUPS, GROUP_LENGTH = 4, 5
"""A generated password: four groups of five letters and digits joined by hyphens (23
characters, every character class, ~119 bits)."""


def generate_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(GROUP_LENGTH))
                  for _ in range(GROUPS)]
        text = "-".join(groups)
        if (any(c.islower() for c in text) and any(c.isupper() for c in text)
                and any(c.isdigit() for c in text)):
            return text


class AdminReset:
    def __init__(self, recovery: Recovery) -> None:
        self._r = recovery
        self._rt = recovery.runtime

    async def reset_password(self, actor: Account | None, member: Account,
                             password: str | None, force_change: bool,
                             request: RequestInfo | None) -> str | None:
        """Set the member's password (generated when `password` is empty: returned, to be
        shown once). Every session of the member ends, and the account-wide lock."""
        actor_id = _checked(actor, Action.SET_PASSWORD, member)
        generated = not password
        chosen = password or generate_password()
        await self._rt.directory.set_password(member, chosen, actor_id=actor_id,
                                              end_sessions=True)
        await self._rt.db.run(accounts.update_fields, member.id,
                              must_change_password=force_change)
        # the account-wide lock (SIGNIN_ATTEMPTS_EXCEEDED) ends with the old password;
        # locks of the sources that guessed stay
        await self._rt.counters.clear_attempts(
            lockout.keys_for(member.id, "", None, False).account)
        await self._r.audit("admin.password_reset", "success", member, request,
                            actor_id=actor_id, generated=generated, force_change=force_change)
        await self._r.notify(member, notices.password_changed(
            member.language, member.display_name, self._r.stamp(member), by_admin=True))
        return chosen if generated else None

    async def reset_mfa(self, actor: Account | None, member: Account,
                        request: RequestInfo | None) -> dict[str, int]:
        """Remove every second factor, pending enrolment, backup code and trusted browser;
        the member enrols again at the next sign-in (must_enroll_mfa)."""
        actor_id = _checked(actor, Action.RESET_FACTORS, member)
        counts = await self._rt.db.run(_reset_mfa, member.id, self._rt.clock.now())
        await self._r.audit("admin.mfa_reset", "success", member, request, actor_id=actor_id,
                            removed=counts)
        await self._r.notify(member, notices.mfa_reset(
            member.language, member.display_name, self._r.stamp(member)))
        return counts

    async def issue_backup_code(self, actor: Account | None, member: Account,
                                request: RequestInfo | None) -> str:
        """One backup verification code in a set of its own (the member's other codes keep
        working), offered at the sign-in's second step; shown once, to the actor."""
        actor_id = _checked(actor, Action.ISSUE_BACKUP_CODE, member)
        org = await self._rt.directory.org(member.org_id) if member.org_id else None
        if org is not None and backup_codes.BackupCodeFactor.kind not in (
                org.settings.allowed_factors):
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"factor": "backup_code"})
        code, ended = await self._rt.db.run(_issue_one, self._r.codes, member.id,
                                            self._rt.clock.now())
        await self._r.audit("admin.backup_code_issued", "success", member, request,
                            actor_id=actor_id, ended_sessions=ended)
        await self._r.notify(member, notices.backup_code_issued(
            member.language, member.display_name, self._r.stamp(member)))
        return backup_codes.display(code)


def _checked(actor: Account | None, action: Action, member: Account) -> str | None:
    authorize(actor, action, Target.of(member))
    return actor.id if actor else None


def _reset_mfa(conn: Connection, account_id: str, now: datetime) -> dict[str, int]:
    # backup codes go with their factor rows (backup_codes.factor_id, ON DELETE CASCADE)
    removed = conn.execute(factors.delete().where(factors.c.account_id == account_id)).rowcount
    conn.execute(factor_enrollments.delete().where(factor_enrollments.c.account_id == account_id))
    untrusted = trusted_browsers.remove_all(conn, account_id)
    accounts.update_fields(conn, account_id, must_enroll_mfa=True)
    ended = sessions.end_all(conn, account_id, now, kind=sessions.BROWSER)
    return {"factors_removed": removed, "trusted_browsers_removed": untrusted,
            "ended_sessions": ended}


def _issue_one(conn: Connection, codes: CodeHasher, account_id: str,
               now: datetime) -> tuple[str, int]:
    """The code, and how many of the member's browser sessions it ended."""
    code = issued_backup_code.issue(conn, codes, account_id, new_id(), now, "admin")
    return code, sessions.end_all(conn, account_id, now, kind=sessions.BROWSER)


"""Setting a password under the policy, and the change asked for at sign-in.

`first_hash` and `checked_hash` apply passwords/policy.py to every way a password is set: an
account's creation and an admin reset or own change (admin/directory.py), and the forced
change below. The minimum length depends on the account's factors (15 with no second
factor), the history rule compares with the last N hashes, and the minimum age applies only
to people changing their own password.

At sign-in, once the password is proven (signin/flow.py calls `require_change`): when it is
older than the org's maximum age, or an admin reset it asking for a change
(must_change_password), the flow moves to `password_change` and PASSWORD_EXPIRED answers with
{"flow_id"}. `submit_new_password` takes the new one (PASSWORD_POLICY_VIOLATION if the policy
refuses it), ends the account's sessions, and the sign-in goes on as if the password step had
just passed: the second step if one is due, else the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.clock import Clock
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.factors.registry import counts_alone
from monban.passwords import policy
from monban.passwords.blocklist import Identity
from monban.passwords.hasher import PasswordHasher
from monban.signin.context import PolicyContext
from monban.signin.flow import PASSWORD, SignedIn, SignInService
from monban.signin.flow_access import Loaded, open_flow
from monban.signin.policies import plan
from monban.signin.request_info import RequestInfo
from monban.signin.second_step import SecondStepRequired
from monban.store import audit, flows, orgs, password_history, sessions
from monban.store import factors as factor_store
from monban.store.flow_states import FlowState

if TYPE_CHECKING:
    from monban.runtime import Runtime

PASSWORD_CHANGE = FlowState.PASSWORD_CHANGE


def only_factor(factors: Sequence[FactorRecord]) -> bool:
    """No factor that makes MFA apply (backup codes alone do not): the password is the only
    one, and NIST asks 15 characters of it."""
    return not any(counts_alone(f.kind) for f in factors)


async def first_hash(hasher: PasswordHasher, password: str, settings: OrgSettings,
                     identity: Identity) -> str:
    """A new account's password: no factor yet, no history."""
    return await hasher.hash(policy.check(password, settings, identity, only_factor=True))


async def checked_hash(db: Database, hasher: PasswordHasher, account: Account, password: str,
                       now: datetime, *, min_age: bool) -> str:
    """A new password for `account`, checked against every rule, hashed. `min_age`: the
    person is changing their own password (not an admin reset, not the forced change)."""
    settings, factors, previous = await db.run(_facts, account, write=False)
    return await _checked(hasher, account, password, settings, factors, previous,
                          settings.password_history, now, min_age)


async def _checked(hasher: PasswordHasher, account: Account, password: str,
                   settings: OrgSettings, factors: Sequence[FactorRecord],
                   previous: Sequence[str], keep: int, now: datetime, min_age: bool) -> str:
    if min_age:
        policy.check_min_age(account.password_changed_at, settings, now)
    value = policy.check(password, settings, policy.identity_of(account),
                         only_factor=only_factor(factors))
    await policy.check_history(value, previous, hasher, keep)
    return await hasher.hash(value)


def _facts(conn: Connection, account: Account
           ) -> tuple[OrgSettings, list[FactorRecord], list[str]]:
    org = orgs.get(conn, account.org_id) if account.org_id else None
    settings = org.settings if org else DEFAULT_SETTINGS
    factors = list(factor_store.list_for(conn, account.id))
    return settings, factors, _previous(conn, account, settings.password_history)


def _previous(conn: Connection, account: Account, keep: int) -> list[str]:
    """The hashes the history rule compares with: the current one, then older ones."""
    if not keep or account.password_hash is None:
        return []
    older = password_history.recent(conn, account.id, keep - 1)
    return [account.password_hash, *older]


# The change asked for at sign-in ----------------------------------------------------------
async def require_change(service: SignInService, db: Database, loaded: Loaded,
                         request: RequestInfo, ctx: PolicyContext, due: CatalogueError
                         ) -> NoReturn:
    """The password is proven but the password age policy (signin/policies.py) refused it
    (`due`): move the flow to `password_change` and refuse with PASSWORD_EXPIRED
    {"flow_id", "reason"}."""
    flow, account = loaded.flow, loaded.account
    assert account is not None
    error = CatalogueError("PASSWORD_EXPIRED", detail={"flow_id": flow.id, **due.detail})
    if not await db.run(flows.advance, flow.id, (PASSWORD,), PASSWORD_CHANGE, ctx.now,
                        keep_signed_in=flow.keep_signed_in):
        error = CatalogueError("FLOW_EXPIRED")
    await service.undo(ctx)
    await service.fail(error, flow, account, request, ctx)
    raise error


async def waiting(db: Database, clock: Clock, flow_id: str, request: RequestInfo) -> Loaded:
    """A flow waiting for its new password (FLOW_EXPIRED otherwise)."""
    return await open_flow(db, clock, flow_id, request, (PASSWORD_CHANGE,))


async def submit_new_password(runtime: Runtime, flow_id: str, password: str,
                              request: RequestInfo) -> SignedIn | SecondStepRequired:
    """The new password of a flow in `password_change`; then on with signing in."""
    service, db, now = runtime.signin, runtime.db, runtime.clock.now()
    loaded = await waiting(db, runtime.clock, flow_id, request)
    account, settings = loaded.account, loaded.settings
    assert account is not None
    ctx = service.context(loaded, request, now)
    before, _ = plan(settings.hide_account_existence)
    try:  # the password was proven on this flow; the checks before it run again
        for check in before:
            await check.check(ctx)
        keep = max(1, settings.password_history)  # a forced change needs a new password
        previous = await db.run(_previous, account, keep, write=False)
        new_hash = await _checked(runtime.hasher, account, password, settings, loaded.factors,
                                  previous, keep, now, min_age=False)
    except CatalogueError as error:
        await service.fail(error, loaded.flow, account, request, ctx)
        raise
    if not await db.run(_forced_change, loaded.flow, account, new_hash, now, request):
        raise CatalogueError("FLOW_EXPIRED")
    account = replace(account, password_hash=new_hash, password_changed_at=now,
                      must_change_password=False)
    ctx.account = account
    ctx.note("password_change", True)
    loaded.flow.state = PASSWORD
    return await service.after_password(loaded.flow, account, settings, request, ctx,
                                        loaded.factors)


def _forced_change(conn: Connection, flow: flows.Flow, account: Account, new_hash: str,
                   now: datetime, request: RequestInfo) -> bool:
    """One transaction: the flow goes back to `password` (once: a second submission finds it
    gone), the password is replaced, the account's sessions end."""
    if not flows.advance(conn, flow.id, (PASSWORD_CHANGE,), PASSWORD, now):
        return False
    password_history.record_change(conn, account.id, new_hash, now, clear_must_change=True)
    ended = sessions.end_all(conn, account.id, now)
    audit.record(conn, audit.AuditEvent(
        at=now, event="account.password_set", outcome="success", actor_id=account.id,
        account_id=account.id, org_id=account.org_id, identifier=account.label,
        ip=str(request.ip), user_agent=request.user_agent, flow_id=flow.id,
        detail={"at_signin": True, "ended_sessions": ended}))
    return True

"""Taking a diagnosis's fixes: each one makes the refused sign-in work (or resets what it
names), is taken only by a role that may, and is offered only while it is needed."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from monban.accounts.model import Account, Role
from monban.diagnostics import Diagnostics, Query
from monban.errors import CatalogueError
from monban.signin.request_info import RequestInfo
from monban.store import factors as factor_store
from monban.store.audit import AuditQuery
from tests.conftest import PASSWORD, error_code, sign_in

from .scenarios import HOME, OUTSIDE, SCENARIOS, Scenario, World

ADMIN_DESK = RequestInfo(ip=ip_address("192.0.2.10"), user_agent="admin browser")


async def newest_failure(world: World, scenario: Scenario) -> int:
    report = await Diagnostics(world.runtime).report(Query(account_id=scenario.member.id))
    attempt = report.newest_failure()
    assert attempt is not None and attempt.event.code == scenario.code
    assert attempt.event.id is not None
    return attempt.event.id


async def take(world: World, scenario: Scenario, actor: Account | None, key: str | None = None,
               value: int | None = None) -> str:
    event_id = await newest_failure(world, scenario)
    org = await world.runtime.directory.org(world.org.slug)
    return await Diagnostics(world.runtime).apply(event_id, key or scenario.fix or "",
                                                  actor, ADMIN_DESK, value, org)


WORKS_AFTER = {  # the fix, then a sign-in from the same place succeeds
    "IP_NOT_ALLOWED": OUTSIDE,
    "IP_NOT_ALLOWED-own-list": OUTSIDE,
    "DAILY_SIGNIN_LIMIT": HOME,
    "SIGNIN_ATTEMPTS_EXCEEDED": HOME,
    "CONCURRENT_SESSION_LIMIT": HOME,
    "ACCOUNT_DISABLED": HOME,
}


@pytest.mark.parametrize("name", sorted(WORKS_AFTER))
async def test_the_fix_lets_the_member_in(name: str, world: World, admin: Account) -> None:
    scenario = await SCENARIOS[name](world)
    await take(world, scenario, admin)
    answer = await sign_in(world.client_for(ip=WORKS_AFTER[name]), scenario.member.email or "")
    assert answer.status_code == 200, answer.text
    report = await Diagnostics(world.runtime).report(Query(account_id=scenario.member.id))
    explained = [a.explanation for a in report.attempts if a.explanation]
    assert explained and explained[0].resolved and explained[0].fixes == ()


async def test_taken_fixes_are_audited_with_the_actor(world: World, admin: Account) -> None:
    scenario = await SCENARIOS["SIGNIN_ATTEMPTS_EXCEEDED"](world)
    await take(world, scenario, admin)
    events = await world.runtime.directory.audit(AuditQuery(account_id=scenario.member.id))
    cleared = [e for e in events if e.event == "lockout.cleared"]
    assert cleared and cleared[0].actor_id == admin.id
    assert cleared[0].detail == {"source_ip": HOME}


async def test_raising_a_limit_takes_the_admins_number(world: World, admin: Account) -> None:
    scenario = await SCENARIOS["DAILY_SIGNIN_LIMIT"](world)
    with pytest.raises(CatalogueError) as lower:
        await take(world, scenario, admin, value=1)
    assert lower.value.code == "INVALID_REQUEST"
    assert await take(world, scenario, admin, value=5) == "5"
    assert (await world.runtime.directory.org("acme")).settings.daily_signin_limit == 5


async def test_reset_two_step_verification(world: World, admin: Account) -> None:
    scenario = await SCENARIOS["INVALID_OTP"](world)
    await take(world, scenario, admin)
    left = await world.runtime.db.run(factor_store.list_for, scenario.member.id)
    assert [f.kind for f in left] == []


async def test_setting_a_password_is_done_on_the_member_page(world: World,
                                                             admin: Account) -> None:
    scenario = await SCENARIOS["INVALID_CREDENTIALS"](world)
    report = await Diagnostics(world.runtime).report(Query(account_id=scenario.member.id))
    attempt = report.newest_failure()
    assert attempt is not None and attempt.explanation is not None
    fix = next(f for f in attempt.explanation.fixes if f.key == "set_password")
    assert fix.href == f"/admin/orgs/acme/members/{scenario.member.id}#password"
    with pytest.raises(CatalogueError) as elsewhere:
        await take(world, scenario, admin, "set_password")
    assert elsewhere.value.code == "INVALID_REQUEST"


async def test_roles(world: World, admin: Account) -> None:
    support = await world.member("desk@acme.example", role=Role.SUPPORT)
    busy = await SCENARIOS["CONCURRENT_SESSION_LIMIT"](world)
    assert await take(world, busy, support) == "2"  # support staff may end sessions
    scenario = await SCENARIOS["IP_NOT_ALLOWED"](world)
    for actor in (support, scenario.member):
        with pytest.raises(CatalogueError) as refused:
            await take(world, scenario, actor)
        assert refused.value.code == "PERMISSION_DENIED"
    other_org = await world.runtime.directory.create_org("Beta", "beta")
    stranger = await world.runtime.directory.create_account(
        display_name="B", email="b@beta.example", password=PASSWORD, org=other_org,
        role=Role.ADMIN)
    with pytest.raises(CatalogueError) as foreign:
        await Diagnostics(world.runtime).apply(await newest_failure(world, scenario),
                                               "add_org_ip", stranger, ADMIN_DESK, None,
                                               other_org)
    assert foreign.value.code == "NOT_FOUND"


async def test_a_fix_no_longer_needed_is_not_offered(world: World, admin: Account) -> None:
    scenario = await SCENARIOS["ACCOUNT_DISABLED"](world)
    await world.runtime.directory.update_account(scenario.member, disabled=False)
    with pytest.raises(CatalogueError) as gone:
        await take(world, scenario, admin)
    assert gone.value.code == "NOT_FOUND"
    answer = await sign_in(world.client_for(), scenario.member.email or "", "wrong password")
    assert error_code(answer) == "INVALID_CREDENTIALS"

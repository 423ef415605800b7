"""/api/v1/orgs/{org}/diagnose: the same diagnosis as JSON, and taking its fixes."""

from __future__ import annotations

import pytest

from monban.accounts.model import Account, Role
from tests.conftest import PASSWORD, error_code, sign_in, token_for

from .scenarios import HOME, OUTSIDE, SCENARIOS, World

URL = "/api/v1/orgs/acme/diagnose"


@pytest.mark.parametrize("name", ["IP_NOT_ALLOWED", "SIGNIN_ATTEMPTS_EXCEEDED"])
async def test_admin_reads_the_diagnosis_and_takes_the_fix(name: str, world: World,
                                                           admin: Account) -> None:
    scenario = await SCENARIOS[name](world)
    client = world.client_for(ip="10.1.0.9")  # inside the org list the scenario sets
    headers = await token_for(client, admin.email or "")
    body = (await client.get(URL, headers=headers,
                             params={"account": scenario.member.email})).json()
    assert body["account"]["label"] == scenario.member.email and body["org"]["slug"] == "acme"
    attempt = next(a for a in body["attempts"] if a["explanation"])
    explanation = attempt["explanation"]
    assert attempt["code"] == explanation["code"] == scenario.code
    assert explanation["policy"] == scenario.policy and explanation["reason"]
    fix = next(f for f in explanation["fixes"] if f["key"] == scenario.fix)
    assert fix["allowed"] is True and fix["role"] == "admin"
    taken = await client.post(f"{URL}/fixes", headers=headers,
                              json={"event": attempt["id"], "fix": scenario.fix})
    assert taken.status_code == 200, taken.text
    assert taken.json()["applied"] == scenario.fix
    ip = OUTSIDE if name == "IP_NOT_ALLOWED" else HOME
    assert (await sign_in(world.client_for(ip=ip), scenario.member.email or "")
            ).status_code == 200


async def test_in_japanese(world: World, admin: Account) -> None:
    scenario = await SCENARIOS["ACCOUNT_DISABLED"](world)
    client = world.client_for(lang="ja")
    await world.runtime.directory.update_account(admin, language="ja")
    headers = await token_for(client, admin.email or "")
    body = (await client.get(URL, headers=headers,
                             params={"account": scenario.member.email})).json()
    explanation = body["attempts"][0]["explanation"]
    assert explanation["message"] == "このアカウントは無効になっています。"
    assert explanation["reason"] == "アカウントが無効です。"
    assert [f["label"] for f in explanation["fixes"]] == ["アカウントを有効にする"]


async def test_support_sees_which_fixes_need_an_admin(world: World) -> None:
    await world.member("desk@acme.example", role=Role.SUPPORT)
    busy = await SCENARIOS["CONCURRENT_SESSION_LIMIT"](world)
    client = world.client_for()
    headers = await token_for(client, "desk@acme.example")
    body = (await client.get(URL, headers=headers, params={"account": busy.member.email})
            ).json()
    fixes = {f["key"]: f["allowed"] for f in body["attempts"][0]["explanation"]["fixes"]}
    assert fixes == {"end_sessions": True, "raise_session_limit": False}
    event = body["attempts"][0]["id"]
    refused = await client.post(f"{URL}/fixes", headers=headers,
                                json={"event": event, "fix": "raise_session_limit"})
    assert error_code(refused) == "PERMISSION_DENIED"
    ended = await client.post(f"{URL}/fixes", headers=headers,
                              json={"event": event, "fix": "end_sessions"})
    assert ended.json() == {"applied": "end_sessions", "result": "2"}


async def test_who_may_ask(world: World, member: Account, admin: Account) -> None:
    scenario = await SCENARIOS["INVALID_CREDENTIALS"](world)
    client = world.client_for()
    as_member = await token_for(client, member.email or "")
    assert error_code(await client.get(URL, headers=as_member, params={
        "account": scenario.member.email})) == "PERMISSION_DENIED"
    beta = await world.runtime.directory.create_org("Beta", "beta")
    await world.runtime.directory.create_account(display_name="B", email="b@beta.example",
                                                 password=PASSWORD, org=beta, role=Role.ADMIN)
    as_beta = await token_for(client, "b@beta.example")
    assert error_code(await client.get("/api/v1/orgs/beta/diagnose", headers=as_beta, params={
        "account": scenario.member.email})) == "NOT_FOUND"
    as_admin = await token_for(client, admin.email or "")
    assert error_code(await client.get(URL, headers=as_admin)) == "INVALID_REQUEST"
    assert error_code(await world.client_for().get(URL)) == "SIGNIN_REQUIRED"
    huge = await client.post(f"{URL}/fixes", headers=as_admin,
                             json={"event": 2**70, "fix": "add_org_ip"})
    assert error_code(huge) == "INVALID_REQUEST"
    missing = await client.post(f"{URL}/fixes", headers=as_admin,
                                json={"event": 999999, "fix": "add_org_ip"})
    assert error_code(missing) == "NOT_FOUND"


async def test_by_flow(world: World, admin: Account) -> None:
    scenario = await SCENARIOS["IP_NOT_ALLOWED"](world)
    client = world.client_for(ip="10.1.0.9")
    headers = await token_for(client, admin.email or "")
    listed = (await client.get(URL, headers=headers,
                               params={"account": scenario.member.email})).json()
    flow = listed["attempts"][0]["flow_id"]
    body = (await client.get(URL, headers=headers, params={"flow": flow})).json()
    assert [a["flow_id"] for a in body["attempts"]] == [flow]
    assert body["attempts"][0]["explanation"]["steps"][0]["values"]["ip"] == OUTSIDE

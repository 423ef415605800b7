"""The password policy through the API: PASSWORD_POLICY_VIOLATION naming its rule on one's own
change, on admin member creation and reset; history and minimum age; PASSWORD_EXPIRED at
sign-in (too old, or must_change_password) → a new password → signed in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.db.tables import factors as factors_table
from monban.db.tables import password_history as history_table
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.runtime import Runtime
from monban.store import accounts, password_history
from monban.store import factors as factor_store
from monban.store.audit import AuditQuery
from monban.store.ids import new_id
from tests.conftest import PASSWORD, Updater, error_code, sign_in, token_for

ORG_MEMBERS = "/api/v1/orgs/acme/members"
NEW = "tulip kite barn owl"
OTHER = "quiet river stones"

# (password, org settings, rule) for a member whose only factor is the password
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("short pass 1", {}, "min_length"),
    ("barn owl " * 29, {}, "max_length"),
    ("                ", {}, "blank"),
    ("tulip kite barn owl", {"password_classes": ["upper", "digit"]}, "classes"),
    ("Password12345678!", {}, "blocklist"),
    ("1qaz2wsx3edc4rfv", {}, "blocklist"),
    ("Hanako-1990-0815", {}, "contains_identity"),
    ("tulip kite barn owl", {"password_min_length": 20}, "min_length"),
]


def violation(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = response.json()["error"]
    assert body["code"] == "PASSWORD_POLICY_VIOLATION"
    detail: dict[str, Any] = body["detail"]
    return detail


async def change(client: httpx.AsyncClient, headers: dict[str, str], new: str,
                 current: str = PASSWORD) -> httpx.Response:
    return await client.put("/api/v1/me/password", headers=headers,
                            json={"current_password": current, "new_password": new})


@pytest.mark.parametrize(("password", "org_rules", "rule"), CASES)
async def test_own_change_names_the_rule(member: Account, client: httpx.AsyncClient,
                                         set_org: Updater, password: str,
                                         org_rules: dict[str, Any], rule: str) -> None:
    await set_org(**org_rules)
    headers = await token_for(client, member.email or "")
    assert violation(await change(client, headers, password))["rule"] == rule
    assert (await sign_in(client, member.email or "")).status_code == 200  # unchanged


async def test_own_change_message_in_japanese(member: Account, client: httpx.AsyncClient,
                                              runtime: Runtime) -> None:
    await runtime.directory.update_account(member, language="ja")
    headers = await token_for(client, member.email or "")
    body = (await change(client, headers, "password123")).json()["error"]
    assert body["message"] == "パスワードが組織のポリシーを満たしていません。"
    assert body["detail"] == {"rule": "min_length", "min_length": 15, "only_factor": True}


async def test_a_second_factor_lowers_the_minimum_to_8(member: Account,
                                                       runtime: Runtime) -> None:
    await add_totp(runtime, member)
    await runtime.directory.set_password(member, "barn-owl", actor_id=member.id)
    await runtime.db.run(lambda conn: conn.execute(
        factors_table.delete().where(factors_table.c.account_id == member.id)))
    with pytest.raises(CatalogueError) as caught:
        await runtime.directory.set_password(member, "barn-owl-2", actor_id=member.id)
    assert caught.value.detail == {"rule": "min_length", "min_length": 15, "only_factor": True}


@pytest.mark.parametrize(("password", "org_rules", "rule"), CASES)
async def test_admin_creation_and_reset_name_the_rule(
        admin: Account, member: Account, client: httpx.AsyncClient, set_org: Updater,
        password: str, org_rules: dict[str, Any], rule: str) -> None:
    await set_org(**org_rules)
    headers = await token_for(client, admin.email or "")
    created = await client.post(ORG_MEMBERS, headers=headers, json={
        "display_name": "Hanako Yamada", "email": "hanako.yamada@acme.example",
        "password": password})
    assert violation(created)["rule"] == rule
    reset = await client.put(f"{ORG_MEMBERS}/{member.id}/password", headers=headers,
                             json={"password": password})
    assert violation(reset)["rule"] == rule
    assert (await sign_in(client, member.email or "")).status_code == 200  # unchanged


async def test_history_refuses_the_last_n(member: Account, client: httpx.AsyncClient,
                                          set_org: Updater, runtime: Runtime) -> None:
    await set_org(password_history=3)
    headers = await token_for(client, member.email or "")
    assert violation(await change(client, headers, PASSWORD)) == {"rule": "history",
                                                                   "history": 3}
    assert (await change(client, headers, NEW)).status_code == 200
    assert (await change(client, headers, OTHER, NEW)).status_code == 200
    assert violation(await change(client, headers, PASSWORD, OTHER))["rule"] == "history"
    assert violation(await change(client, headers, NEW, OTHER))["rule"] == "history"
    account = await runtime.directory.account(member.id)
    with pytest.raises(CatalogueError) as caught:  # an admin reset keeps to the history too
        await runtime.directory.set_password(account, NEW, actor_id=None)
    assert caught.value.detail["rule"] == "history"
    assert (await change(client, headers, "fourth pass phrase", OTHER)).status_code == 200
    assert (await change(client, headers, PASSWORD, "fourth pass phrase")).status_code == 200


async def test_history_keeps_24_at_most(member: Account, runtime: Runtime,
                                        clock: FrozenClock) -> None:
    for n in range(30):
        await runtime.db.run(password_history.record_change, member.id, f"hash-{n}",
                             clock.now() + timedelta(seconds=n), clear_must_change=False)
    kept = await runtime.db.run(lambda conn: conn.execute(
        select(func.count()).select_from(history_table)
        .where(history_table.c.account_id == member.id)).scalar_one())
    assert kept == 24
    recent = await runtime.db.run(password_history.recent, member.id, 3)
    assert recent == ["hash-28", "hash-27", "hash-26"]


async def test_min_age_refuses_own_changes_but_not_admin_resets(
        member: Account, admin: Account, client: httpx.AsyncClient, set_org: Updater,
        clock: FrozenClock) -> None:
    # (one session across two days: no idle timeout, a 3-day lifetime)
    await set_org(password_min_age_hours=24, session_idle_minutes=0, session_max_hours=72)
    headers = await token_for(client, member.email or "")
    assert violation(await change(client, headers, NEW))["rule"] == "min_age"  # set just now
    clock.advance(timedelta(hours=24))
    assert (await change(client, headers, NEW)).status_code == 200
    detail = violation(await change(client, headers, OTHER, NEW))
    assert detail["rule"] == "min_age" and detail["min_age_hours"] == 24
    admin_headers = await token_for(client, admin.email or "")
    reset = await client.put(f"{ORG_MEMBERS}/{member.id}/password", headers=admin_headers,
                             json={"password": OTHER, "end_sessions": False})
    assert reset.status_code == 200
    clock.advance(timedelta(hours=25))
    assert (await change(client, headers, NEW, OTHER)).status_code == 200


async def expire(set_org: Updater, clock: FrozenClock) -> None:
    await set_org(password_max_age_days=90)
    clock.advance(timedelta(days=90))


async def test_expired_password_then_a_new_one_signs_in(
        member: Account, client: httpx.AsyncClient, set_org: Updater, clock: FrozenClock,
        runtime: Runtime) -> None:
    await expire(set_org, clock)
    refused = await sign_in(client, member.email or "")
    assert refused.status_code == 403 and error_code(refused) == "PASSWORD_EXPIRED"
    flow_id = refused.json()["error"]["detail"]["flow_id"]
    assert refused.json()["error"]["detail"]["reason"] == "max_age"
    state = (await client.get(f"/api/v1/signin/flows/{flow_id}")).json()["flow"]["state"]
    assert state == "password_change"
    url = f"/api/v1/signin/flows/{flow_id}/new-password"
    assert violation(await client.post(url, json={"password": "barn-owl"}))["rule"] == \
        "min_length"
    assert violation(await client.post(url, json={"password": PASSWORD})) == {
        "rule": "history", "history": 1}  # the expired one is not new
    done = await client.post(url, json={"password": NEW})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done" and done.json()["token"]
    again = await client.post(url, json={"password": OTHER})
    assert error_code(again) == "FLOW_EXPIRED"
    assert (await sign_in(client, member.email or "", NEW)).status_code == 200
    assert error_code(await sign_in(client, member.email or "")) == "INVALID_CREDENTIALS"
    events = await runtime.directory.audit(AuditQuery(account_id=member.id, limit=50))
    assert any(e.event == "account.password_set" and e.detail.get("at_signin")
               for e in events)
    assert any(e.code == "PASSWORD_EXPIRED" for e in events)


async def test_must_change_password_then_signed_in_and_cleared(
        member: Account, client: httpx.AsyncClient, runtime: Runtime) -> None:
    old = await token_for(client, member.email or "")
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    refused = await sign_in(client, member.email or "")
    assert error_code(refused) == "PASSWORD_EXPIRED"
    assert refused.json()["error"]["detail"]["reason"] == "must_change"
    flow_id = refused.json()["error"]["detail"]["flow_id"]
    done = await client.post(f"/api/v1/signin/flows/{flow_id}/new-password",
                             json={"password": NEW})
    assert done.status_code == 200
    assert not (await runtime.directory.account(member.id)).must_change_password
    assert (await client.get("/api/v1/me", headers=old)).status_code == 401  # ended
    assert (await sign_in(client, member.email or "", NEW)).status_code == 200


async def add_totp(runtime: Runtime, account: Account) -> None:
    await runtime.db.run(factor_store.insert, FactorRecord(
        id=new_id(), account_id=account.id, kind="totp", name="phone", target=None,
        secret="unused", credential_id=None, data={}, preferred=True,
        created_at=runtime.clock.now(), last_used_at=None))


async def test_the_second_step_follows_the_new_password(
        member: Account, client: httpx.AsyncClient, runtime: Runtime) -> None:
    await add_totp(runtime, member)
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    refused = await sign_in(client, member.email or "")
    flow_id = refused.json()["error"]["detail"]["flow_id"]
    done = await client.post(f"/api/v1/signin/flows/{flow_id}/new-password",
                             json={"password": "barn-owl"})  # 8 is enough with a factor
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "mfa" and "token" not in done.json()


async def test_new_password_only_on_a_waiting_flow(member: Account,
                                                   client: httpx.AsyncClient) -> None:
    started = await client.post("/api/v1/signin/flows", json={"identifier": member.email})
    flow_id = started.json()["flow"]["id"]
    response = await client.post(f"/api/v1/signin/flows/{flow_id}/new-password",
                                 json={"password": NEW})
    assert error_code(response) == "FLOW_EXPIRED"
    assert (await sign_in(client, member.email or "")).status_code == 200

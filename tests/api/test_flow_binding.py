"""Issue 12.2: whoever holds a flow id cannot finish someone else's sign-in.

Every flow is bound to the client that started it (the `monban_flow` cookie, or the
`flow_token` presented as `X-Flow-Token`). Another client (other IP, no cookies) that learnt
the flow id — from an access log, an audit row, an error body — gets exactly what an unknown
flow gets (410 FLOW_EXPIRED), the attempt is audited with the flow's public reference only,
and the starter's flow is untouched."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from monban.store import accounts, recovery_contacts
from monban.store.audit import AuditQuery
from monban.store.flows import public_ref
from monban.store.ids import new_id
from tests.conftest import PASSWORD, ClientFactory, Updater, error_code, sign_in
from tests.factors import code_at, enroll_totp

NEW = "tulip kite barn owl"
ATTACKER_IP = "203.0.113.66"
FLOWS = "/api/v1/signin/flows"


def header_client(client_for: ClientFactory, token: str | None,
                  ip: str = ATTACKER_IP) -> httpx.AsyncClient:
    """A client that holds no cookie, only (perhaps) a flow token it presents."""
    client = client_for(ip=ip)
    if token is not None:
        client.headers["x-flow-token"] = token
    return client


def assert_unknown(response: httpx.Response) -> None:
    assert response.status_code == 410, response.text
    assert error_code(response) == "FLOW_EXPIRED"


async def binding_refusals(runtime: Runtime, flow_id: str) -> list[Any]:
    events = await runtime.directory.audit(AuditQuery(flow_id=flow_id, limit=100))
    return [e for e in events if e.event == "flow.binding"]


async def forced_change(client: httpx.AsyncClient, runtime: Runtime, member: Account) -> str:
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    refused = await sign_in(client, member.email or "")
    assert error_code(refused) == "PASSWORD_EXPIRED", refused.text
    flow_id: str = refused.json()["error"]["detail"]["flow_id"]
    return flow_id


# The forced new password (the reproduction) ------------------------------------------
async def test_a_stolen_flow_id_cannot_set_the_new_password(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        runtime: Runtime) -> None:
    flow_id = await forced_change(client, runtime, member)
    url = f"{FLOWS}/{flow_id}/new-password"
    for thief in (client_for(ip=ATTACKER_IP), header_client(client_for, "x" * 43)):
        assert_unknown(await thief.post(url, json={"password": NEW}))
        assert_unknown(await thief.get(f"{FLOWS}/{flow_id}"))
    refusals = await binding_refusals(runtime, flow_id)
    assert len(refusals) == 4 and all(e.ip == ATTACKER_IP for e in refusals)
    assert refusals[0].flow_id == public_ref(flow_id) != flow_id
    assert refusals[0].account_id == member.id
    # Nothing was changed: the starter goes on and signs in with the new password.
    done = await client.post(url, json={"password": NEW})
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    assert (await sign_in(client_for(), member.email or "", NEW)).status_code == 200


async def test_the_flow_token_is_the_binding(member: Account, client_for: ClientFactory,
                                             runtime: Runtime) -> None:
    """An API caller without a cookie jar keeps `flow_token` and presents it; from any
    address, that works, and the flow id without it does not."""
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    starter = client_for()
    started = await starter.post(FLOWS, json={"identifier": member.email})
    assert started.status_code == 201
    token, flow_id = started.json()["flow_token"], started.json()["flow"]["id"]
    assert len(token) >= 32 and token != flow_id
    assert started.json()["flow"]["ref"] == public_ref(flow_id)
    assert_unknown(await header_client(client_for, None).post(
        f"{FLOWS}/{flow_id}/password", json={"password": PASSWORD}))
    refused = await header_client(client_for, token, "198.51.100.20").post(
        f"{FLOWS}/{flow_id}/password", json={"password": PASSWORD})
    assert error_code(refused) == "PASSWORD_EXPIRED"
    assert_unknown(await header_client(client_for, None).post(
        f"{FLOWS}/{flow_id}/new-password", json={"password": NEW}))
    done = await header_client(client_for, token, "198.51.100.21").post(
        f"{FLOWS}/{flow_id}/new-password", json={"password": NEW})
    assert done.status_code == 200, done.text


async def test_a_client_chosen_token_binds_a_one_call_start(
        member: Account, client_for: ClientFactory, runtime: Runtime) -> None:
    """Identifier and password in one call ending in PASSWORD_EXPIRED: a caller without a
    cookie jar that sent its own X-Flow-Token continues with it."""
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    mine = "my-own-random-flow-token-0123456789abcdef"
    refused = await header_client(client_for, mine, "198.51.100.30").post(
        FLOWS, json={"identifier": member.email, "password": PASSWORD})
    flow_id = refused.json()["error"]["detail"]["flow_id"]
    assert_unknown(await header_client(client_for, "short").post(
        f"{FLOWS}/{flow_id}/new-password", json={"password": NEW}))
    done = await header_client(client_for, mine, "198.51.100.31").post(
        f"{FLOWS}/{flow_id}/new-password", json={"password": NEW})
    assert done.status_code == 200, done.text


# MFA enrolment in an org that requires MFA ---------------------------------------------------
async def test_a_stolen_flow_id_cannot_enrol_an_authenticator(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        set_org: Updater, runtime: Runtime, clock: FrozenClock) -> None:
    await set_org(mfa_required=True)
    started = await sign_in(client, member.email or "")
    assert started.json()["state"] == "mfa_enroll", started.text
    flow_id = started.json()["flow"]["id"]
    thief = client_for(ip=ATTACKER_IP)
    assert_unknown(await thief.post(f"{FLOWS}/{flow_id}/mfa/enroll/totp",
                                    json={"name": "Mine", "params": {}}))
    assert await runtime.factors.enrolled(member.id) == []
    mine = await client.post(f"{FLOWS}/{flow_id}/mfa/enroll/totp",
                             json={"name": "Phone", "params": {}})
    assert mine.status_code == 201, mine.text
    enrollment = mine.json()["enrollment"]
    confirm = f"{FLOWS}/{flow_id}/mfa/enroll/totp/{enrollment['id']}/confirm"
    code = code_at(enrollment["display"]["secret"], clock)
    assert_unknown(await thief.post(confirm, json={"response": {"code": code}}))
    done = await client.post(confirm, json={"response": {"code": code}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


# The second step ------------------------------------------------------------------------------
async def test_a_stolen_flow_id_cannot_answer_the_second_step(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    victim = client_for(ip="198.51.100.40")
    body = (await sign_in(victim, member.email or "")).json()
    assert body["state"] == "mfa"
    flow_id = body["flow"]["id"]
    thief = client_for(ip=ATTACKER_IP)
    answer = {"factor_id": factor_id, "response": {"code": code_at(secret, clock)}}
    assert_unknown(await thief.post(f"{FLOWS}/{flow_id}/mfa/challenge",
                                    json={"factor_id": factor_id}))
    assert_unknown(await thief.post(f"{FLOWS}/{flow_id}/mfa/verify", json=answer))
    done = await victim.post(f"{FLOWS}/{flow_id}/mfa/verify", json=answer)
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


# The passwordless code --------------------------------------------------------------------------
async def test_a_stolen_flow_id_cannot_use_the_sign_in_code(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        runtime: Runtime) -> None:
    started = await client.post(FLOWS, json={"identifier": member.email})
    flow_id = started.json()["flow"]["id"]
    thief = client_for(ip=ATTACKER_IP)
    assert_unknown(await thief.post(f"{FLOWS}/{flow_id}/code"))
    assert (await client.post(f"{FLOWS}/{flow_id}/code")).status_code == 200
    message = (await runtime.outbox.latest(1, target=member.email or ""))[0]
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    # Even with the code itself, the flow id is not enough.
    assert_unknown(await thief.post(f"{FLOWS}/{flow_id}/code/verify",
                                    json={"code": found.group(1)}))
    done = await client.post(f"{FLOWS}/{flow_id}/code/verify", json={"code": found.group(1)})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


# The session-limit choice: a replay of a finished flow and a race -----------------------------
async def limit_flow(client: httpx.AsyncClient, member: Account, set_org: Updater) -> str:
    await set_org(session_limit=1)
    assert (await sign_in(client, member.email or "")).status_code == 200
    refused = await sign_in(client, member.email or "")
    assert error_code(refused) == "CONCURRENT_SESSION_LIMIT"
    flow_id: str = refused.json()["error"]["detail"]["flow_id"]
    return flow_id


async def test_a_stolen_flow_id_cannot_end_the_others_sessions(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        set_org: Updater, runtime: Runtime) -> None:
    flow_id = await limit_flow(client, member, set_org)
    url = f"{FLOWS}/{flow_id}/end-other-sessions"
    thief = client_for(ip=ATTACKER_IP)
    assert_unknown(await thief.post(url))
    assert (await client.post(url)).status_code == 200
    # A replay of the finished flow: refused for the starter and for anyone else, and
    # the other client's try is audited too.
    assert_unknown(await client.post(url))
    assert_unknown(await thief.post(url))
    assert len(await binding_refusals(runtime, flow_id)) == 2


async def test_a_hundred_racing_continues_start_one_session(
        member: Account, client: httpx.AsyncClient, set_org: Updater) -> None:
    await set_org(daily_signin_limit=0)  # each racer passes the policies again
    flow_id = await limit_flow(client, member, set_org)
    url = f"{FLOWS}/{flow_id}/end-other-sessions"
    answers = await asyncio.gather(*(client.post(url) for _ in range(100)))
    codes = sorted((a.status_code, a.json().get("error", {}).get("code")) for a in answers)
    assert codes == [(200, None)] + [(410, "FLOW_EXPIRED")] * 99, set(codes)


# Recovery ------------------------------------------------------------------------------------
async def test_a_stolen_recovery_flow_id_is_refused(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        runtime: Runtime) -> None:
    now = runtime.clock.now()
    contact = recovery_contacts.RecoveryContact(
        id=new_id(), account_id=member.id, channel="email", target="back@example.net",
        verified_at=now, created_at=now)
    await runtime.db.run(recovery_contacts.add, contact)
    await runtime.db.run(recovery_contacts.mark_verified, member.id, contact.id, now)
    started = await client.post("/api/v1/recovery/flows",
                                json={"identifier": member.email, "purpose": "password"})
    assert started.status_code == 201, started.text
    flow_id = started.json()["flow"]["id"]
    assert started.json()["flow_token"]
    thief = client_for(ip=ATTACKER_IP)
    base = f"/api/v1/recovery/flows/{flow_id}"
    assert_unknown(await thief.get(base))
    assert_unknown(await thief.post(f"{base}/code", json={"contact_id": contact.id}))
    assert_unknown(await thief.post(f"{base}/verify", json={"code": "123456"}))
    assert_unknown(await thief.post(f"{base}/new-password", json={"password": NEW}))
    assert (await client.get(base)).status_code == 200


# The audit keeps references, not flow ids ----------------------------------------------------
async def test_no_flow_id_in_the_audit(member: Account, client: httpx.AsyncClient,
                                       runtime: Runtime) -> None:
    flow_id = await forced_change(client, runtime, member)
    events = await runtime.directory.audit(AuditQuery(account_id=member.id, limit=100))
    assert events
    for event in events:
        assert flow_id not in repr(event)
    assert any(e.flow_id == public_ref(flow_id) for e in events)


@pytest.mark.parametrize("presented", ["", "x" * 31, "x" * 129, "é" * 40])
async def test_a_malformed_token_is_no_binder(presented: str, member: Account,
                                              client_for: ClientFactory) -> None:
    starter = header_client(client_for, None, "198.51.100.50")
    started = await starter.post(FLOWS, json={"identifier": member.email},
                                 headers={"x-flow-token": presented} if presented.isascii()
                                 else {})
    token = started.json()["flow_token"]
    assert token != presented and len(token) >= 32


async def test_the_openapi_schema_declares_the_header(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in (f"{FLOWS}/{{flow_id}}/new-password", f"{FLOWS}/{{flow_id}}/mfa/verify",
                 "/api/v1/recovery/flows/{flow_id}/verify", "/api/v1/signin/federated/callback"):
        parameters = spec["paths"][path]["post"]["parameters"]
        assert any(p["name"] == "x-flow-token" and p["in"] == "header" for p in parameters)

"""Time and abuse: requests expire (unproven after an hour, queued after seven days, an
approved code after seven days, withdrawn), filing is rate-limited per contact and per IP,
wrong contact codes lock the request, and a code that cannot be delivered is withdrawn."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.db.tables import backup_codes
from monban.housekeeping import sweep
from monban.runtime import Runtime
from tests.conftest import error_code, sign_in
from tests.factors.sms_provider import MailServer

from .conftest import (
    CONTACT,
    backup_code_in,
    contact_code,
    file_request,
    mail_to,
    passed_check,
    queued_request,
    staff,
)


async def code_count(runtime: Runtime) -> int:
    def go(conn: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(backup_codes)).scalar_one())

    return await runtime.db.run(go, write=False)


async def test_a_queued_request_expires_after_seven_days(
        client: httpx.AsyncClient, member: Account, agent: Account, mail: MailServer,
        clock: FrozenClock) -> None:
    request_id = await queued_request(client, mail, member.email or "")
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    headers = await staff(client, agent)  # (a session idle for 7 days would have ended)
    listed = (await client.get("/api/v1/support/requests", headers=headers)).json()
    assert [r["id"] for r in listed["requests"]] == [request_id]
    clock.advance(timedelta(seconds=1))
    listed = (await client.get("/api/v1/support/requests", headers=headers)).json()
    assert listed["requests"] == []
    expired = (await client.get("/api/v1/support/requests?status=expired",
                                headers=headers)).json()
    assert [r["id"] for r in expired["requests"]] == [request_id]
    url = f"/api/v1/support/requests/{request_id}"
    case = (await client.get(url, headers=headers)).json()
    assert case["request"]["status"] == "expired"
    assert [e["event"] for e in case["trail"]].count("support.expired") == 1
    for action in ("/approve", "/deny"):
        answer = await client.post(url + action, headers=headers, json={})
        assert answer.status_code == 410 and error_code(answer) == "FLOW_EXPIRED"
    check = await client.post(url + "/checks", headers=headers,
                              json={"check": "note", "note": "too late"})
    assert error_code(check) == "FLOW_EXPIRED"


async def test_an_unproven_request_is_dropped_after_an_hour(
        client: httpx.AsyncClient, member: Account, mail: MailServer,
        clock: FrozenClock, runtime: Runtime) -> None:
    filed = await file_request(client, member.email or "")
    request_id = filed.json()["request"]["id"]
    clock.advance(timedelta(minutes=61))
    late = await client.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                             json={"code": contact_code(mail)})
    assert error_code(late) == "FLOW_EXPIRED"
    assert (await sweep(runtime)).support_requests == 1
    unknown = await client.post("/api/v1/support/requests/nope/contact/verify",
                                json={"code": "123456"})
    assert error_code(unknown) == "FLOW_EXPIRED"


async def test_an_unused_approved_code_is_withdrawn_when_it_expires(
        client: httpx.AsyncClient, member: Account, agent: Account, with_app: str,
        mail: MailServer, clock: FrozenClock, runtime: Runtime) -> None:
    request_id = await queued_request(client, mail, member.email or "")
    headers = await staff(client, agent)
    await passed_check(client, headers, request_id)
    approved = await client.post(f"/api/v1/support/requests/{request_id}/approve",
                                 headers=headers)
    assert approved.status_code == 200, approved.text
    code = backup_code_in(str(mail_to(mail, CONTACT).get_content()))
    assert await code_count(runtime) == 1
    clock.advance(timedelta(days=7, seconds=1))
    swept = await sweep(runtime)
    assert swept.support_requests == 1 and await code_count(runtime) == 0
    step = (await sign_in(client, member.email or "")).json()
    backup = next(f for f in step["factors"] if f["kind"] == "backup_code")
    assert backup["remaining"] == 0
    answer = await client.post(f"/api/v1/signin/flows/{step['flow']['id']}/mfa/verify",
                               json={"factor_id": backup["id"], "response": {"code": code}})
    assert error_code(answer) == "BACKUP_CODE_INVALID"
    case = (await client.get(f"/api/v1/support/requests/{request_id}",
                             headers=await staff(client, agent))).json()
    assert case["request"]["status"] == "expired"
    assert case["trail"][-2]["detail"] == {"request": request_id, "was": "approved",
                                           "code_withdrawn": True}


async def test_filing_is_rate_limited(client_for: Any, member: Account, mail: MailServer,
                                      clock: FrozenClock) -> None:
    person = client_for(ip="203.0.113.10")
    for _ in range(3):
        assert (await file_request(person, member.email or "")).status_code == 202
    refused = await file_request(person, member.email or "")
    assert refused.status_code == 429 and error_code(refused) == "SIGNIN_ATTEMPTS_EXCEEDED"
    assert refused.json()["error"]["detail"]["scope"] == "support_request"
    unknown = await file_request(person, "nobody@acme.example")  # the same contact
    assert error_code(unknown) == "SIGNIN_ATTEMPTS_EXCEEDED"
    clock.advance(timedelta(hours=1, seconds=1))
    other = client_for(ip="203.0.113.11")
    for n in range(5):
        answer = await file_request(other, f"user{n}@acme.example", f"c{n}@example.net")
        assert answer.status_code == 202, answer.text
    refused = await file_request(other, "user9@acme.example", "c9@example.net")
    assert error_code(refused) == "SIGNIN_ATTEMPTS_EXCEEDED"
    clock.advance(timedelta(days=1, seconds=1))
    assert (await file_request(person, member.email or "")).status_code == 202
    bad = await file_request(person, "not an identifier!", "x@example.net")
    assert error_code(bad) == "INVALID_REQUEST"
    bad = await file_request(person, member.email or "", "090-1234-5678")
    assert error_code(bad) == "INVALID_PHONE_NUMBER"


async def test_wrong_contact_codes_lock_the_request(
        client: httpx.AsyncClient, member: Account, mail: MailServer,
        clock: FrozenClock) -> None:
    filed = await file_request(client, member.email or "")
    url = f"/api/v1/support/requests/{filed.json()['request']['id']}/contact"
    code = contact_code(mail)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        answer = await client.post(f"{url}/verify", json={"code": wrong})
        assert error_code(answer) == "INVALID_OTP"
    locked = await client.post(f"{url}/verify", json={"code": code})
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"
    soon = await client.post(f"{url}/resend")
    assert error_code(soon) == "INVALID_REQUEST"  # the 30-second cool-down
    clock.advance(timedelta(seconds=31))
    again = await client.post(f"{url}/resend")
    assert again.status_code == 202 and again.json()["request"]["sent_to"] == "h•••@example.net"
    assert len(mail.messages) == 2


async def test_an_undeliverable_code_is_withdrawn(
        client: httpx.AsyncClient, member: Account, agent: Account, with_app: str,
        mail: MailServer, runtime: Runtime) -> None:
    request_id = await queued_request(client, mail, member.email or "")
    headers = await staff(client, agent)
    await passed_check(client, headers, request_id)
    mail._controller.stop()
    try:
        answer = await client.post(f"/api/v1/support/requests/{request_id}/approve",
                                   headers=headers)
    finally:  # the same server again, on the same port (a stopped controller cannot restart)
        mail._controller = Controller(mail, hostname="127.0.0.1", port=mail.port)
        mail._controller.start()
    assert answer.status_code == 503 and error_code(answer) == "SERVICE_UNAVAILABLE"
    assert await code_count(runtime) == 0
    case = (await client.get(f"/api/v1/support/requests/{request_id}",
                             headers=headers)).json()
    assert case["request"]["status"] == "open" and case["request"]["decided_by"] is None
    failed = [e for e in case["trail"] if e["event"] == "support.code_sent"]
    assert [(e["outcome"], e["code"]) for e in failed] == [("failure", "SERVICE_UNAVAILABLE")]
    retried = await client.post(f"/api/v1/support/requests/{request_id}/approve",
                                headers=headers)
    assert retried.status_code == 200 and await code_count(runtime) == 1

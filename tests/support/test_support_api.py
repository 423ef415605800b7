"""Support-assisted recovery through the JSON API, end to end: the person files a request
without signing in and proves their contact with the code that arrives (aiosmtpd); an agent
sees it in the queue with the account's recovery facts, records checks and approves; the
one-time backup code arrives at the proven contact (never at the agent) and works once at
the MFA step; the audit trail holds every step."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account
from monban.runtime import Runtime
from tests.conftest import PASSWORD, ClientFactory, error_code, sign_in
from tests.factors.sms_provider import MailServer

from .conftest import (
    CONTACT,
    backup_code_in,
    contact_code,
    file_request,
    mail_to,
    passed_check,
    staff,
)


async def mfa_with_backup_code(client: httpx.AsyncClient, member: Account,
                               code: str) -> httpx.Response:
    step = (await sign_in(client, member.email or "")).json()
    assert step["state"] == "mfa", step
    backup = [f for f in step["factors"] if f["kind"] == "backup_code"]
    assert backup, step["factors"]
    return await client.post(f"/api/v1/signin/flows/{step['flow']['id']}/mfa/verify",
                             json={"factor_id": backup[0]["id"], "response": {"code": code}})


async def test_file_prove_check_approve_sign_in_once(
        client_for: ClientFactory, member: Account, agent: Account, with_app: str,
        mail: MailServer, runtime: Runtime) -> None:
    person = client_for(ip="203.0.113.9")
    filed = await file_request(person, member.email or "")
    assert filed.status_code == 202, filed.text
    body = filed.json()["request"]
    assert body["status"] == "contact_unproven" and body["sent_to"] == "h•••@example.net"
    request_id = body["id"]
    message = mail_to(mail, CONTACT)
    assert message["Subject"] == "[Monban] Confirm your support request"
    assert "Hanako" not in str(message.get_content())  # the contact is not told whose account

    console = client_for()
    headers = await staff(console, agent)
    queue = (await console.get("/api/v1/support/requests", headers=headers)).json()
    assert queue["requests"] == []  # not queued before the contact is proven

    wrong = await person.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                              json={"code": "000000"})
    assert wrong.status_code == 401 and error_code(wrong) == "INVALID_OTP"
    proven = await person.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                               json={"code": contact_code(mail)})
    assert proven.status_code == 200 and proven.json()["request"]["status"] == "queued"

    queue = (await console.get("/api/v1/support/requests", headers=headers)).json()
    assert [r["id"] for r in queue["requests"]] == [request_id]
    listed = queue["requests"][0]
    assert listed["account"]["id"] == member.id
    assert listed["contact"]["target"] == "h•••@example.net"

    case = await console.get(f"/api/v1/support/requests/{request_id}", headers=headers)
    assert case.status_code == 200, case.text
    facts = case.json()["account"]
    assert facts["exists"] and facts["label"] == member.email
    assert facts["last_signin"]["ip"] == "198.51.100.7"
    assert [f["kind"] for f in facts["factors"]] == ["totp"]
    assert facts["second_step"] is True and facts["contact_matches"] is None
    text = case.text
    assert "argon2" not in text and PASSWORD not in text and "secret" not in text

    for check in ({"check": "last_signin_location", "passed": True},
                  {"check": "recovery_contact", "passed": False},
                  {"check": "note", "note": "Called back; knew the device."}):
        answer = await console.post(f"/api/v1/support/requests/{request_id}/checks",
                                    headers=headers, json=check)
        assert answer.status_code == 201, answer.text
    checks = answer.json()["request"]["checks"]
    assert [(c["check"], c["passed"]) for c in checks] == [
        ("last_signin_location", True), ("recovery_contact", False), ("note", None)]
    assert {c["by"] for c in checks} == {agent.id}

    before = len(mail.messages)
    approved = await console.post(f"/api/v1/support/requests/{request_id}/approve",
                                  headers=headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["request"]["status"] == "approved"
    assert approved.json()["code_sent_to"] == "h•••@example.net"
    code = backup_code_in(str(mail_to(mail, CONTACT).get_content()))
    assert code.replace("-", "") not in approved.text  # the agent never sees it
    assert len(mail.messages) == before + 2  # the code, and a notice to the account's address
    notice = mail_to(mail, member.email or "")
    assert notice["Subject"] == "[Monban] A backup verification code was issued"
    assert code not in str(notice.get_content())
    again = await console.post(f"/api/v1/support/requests/{request_id}/approve",
                               headers=headers)
    assert error_code(again) == "INVALID_REQUEST"

    first = await mfa_with_backup_code(person, member, code)
    assert first.status_code == 200 and first.json()["state"] == "done", first.text
    second = await mfa_with_backup_code(person, member, code)
    assert second.status_code == 401 and error_code(second) == "BACKUP_CODE_INVALID"

    case = (await console.get(f"/api/v1/support/requests/{request_id}",
                              headers=headers)).json()
    assert case["request"]["status"] == "done"
    trail = [(e["event"], e["outcome"], e["actor_id"]) for e in case["trail"]]
    steps = [event for event, _, _ in trail if event != "support.viewed"]
    assert steps == ["support.filed", "support.contact_proven", "support.contact_proven",
                     "support.check", "support.check", "support.check", "support.approved",
                     "support.code_sent", "support.code_used"]
    assert ("support.contact_proven", "failure", None) in trail
    assert ("support.approved", "success", agent.id) in trail
    assert ("support.code_sent", "success", agent.id) in trail
    assert all(e["flow_id"] == request_id for e in case["trail"])
    assert code.replace("-", "") not in str(case["trail"])
    audit = (await console.get("/api/v1/orgs/acme/audit", headers=await staff(console, agent),
                               params={"account": member.id})).json()["events"]
    used = [e for e in audit if e["event"] == "signin.success"][0]  # the newest
    assert "otp" in used["detail"]["amr"]
    assert any(e["event"] == "support.code_used" for e in audit)


async def test_sms_contact_and_password_forgotten_too(
        client: httpx.AsyncClient, member: Account, agent: Account, with_app: str,
        runtime: Runtime) -> None:
    """A mobile number as the contact (SMS in the outbox here), in Japanese; the code's
    message says it does not replace the password."""
    filed = await file_request(client, member.email or "", "+81 90-1234-5678",
                               language="ja")
    assert filed.json()["request"]["sent_to"] == "+81 ••••5678"
    request_id = filed.json()["request"]["id"]
    sms = (await runtime.outbox.latest(1, target="+819012345678"))[0]
    assert sms.body.startswith("[Monban] サポートへのお問い合わせの確認コード: ")
    code = sms.body.split(": ")[1][:6]
    proven = await client.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                               json={"code": code})
    assert proven.status_code == 200, proven.text
    headers = await staff(client, agent)
    await passed_check(client, headers, request_id)
    approved = await client.post(f"/api/v1/support/requests/{request_id}/approve",
                                 headers=headers)
    assert approved.status_code == 200, approved.text
    sms = (await runtime.outbox.latest(1, target="+819012345678"))[0]
    assert "パスワードの代わりにはなりません" in sms.body
    backup = backup_code_in(sms.body)
    assert (await mfa_with_backup_code(client, member, backup)).status_code == 200

"""Who may work which request: members not at all, an org's staff only their org's members
(support staff only plain members, nobody their own account), superadmins everything,
including personal accounts and identifiers that name no account."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account, Org, Role
from monban.runtime import Runtime
from tests.conftest import PASSWORD, Updater, error_code
from tests.factors.sms_provider import MailServer

from .conftest import passed_check, queued_request, staff


async def test_a_member_cannot_use_the_console(client: httpx.AsyncClient, member: Account,
                                               agent: Account, mail: MailServer) -> None:
    request_id = await queued_request(client, mail, agent.email or "")
    headers = await staff(client, member)
    for method, url in (("GET", "/api/v1/support/requests"),
                        ("GET", f"/api/v1/support/requests/{request_id}"),
                        ("POST", f"/api/v1/support/requests/{request_id}/approve"),
                        ("POST", f"/api/v1/support/requests/{request_id}/deny")):
        answer = await client.request(method, url, headers=headers,
                                      json={} if method == "POST" else None)
        assert answer.status_code == 403 and error_code(answer) == "PERMISSION_DENIED", url
    client.cookies.clear()  # signing in over the API set the session cookie too
    anonymous = await client.get("/api/v1/support/requests")
    assert error_code(anonymous) == "SIGNIN_REQUIRED"


async def test_org_support_sees_only_its_own_org(
        client: httpx.AsyncClient, runtime: Runtime, org: Org, member: Account,
        agent: Account, admin: Account, root: Account, mail: MailServer) -> None:
    beta = await runtime.directory.create_org("Beta", "beta")
    outsider = await runtime.directory.create_account(
        display_name="Taro", email="taro@beta.example", password=PASSWORD, org=beta,
        role=Role.MEMBER, language="en")
    beta_agent = await runtime.directory.create_account(
        display_name="Beta support", email="support@beta.example", password=PASSWORD,
        org=beta, role=Role.SUPPORT, language="en")
    personal = await runtime.directory.create_account(
        display_name="Jiro", email="jiro@example.org", password=PASSWORD, language="en")
    ours = await queued_request(client, mail, member.email or "")
    theirs = await queued_request(client, mail, outsider.email or "", "taro@example.net")
    solo = await queued_request(client, mail, personal.email or "", "jiro@example.net")
    about_admin = await queued_request(client, mail, admin.email or "", "a@example.net")
    about_agent = await queued_request(client, mail, agent.email or "", "s@example.net")

    async def listed(account: Account) -> set[str]:
        answer = await client.get("/api/v1/support/requests",
                                  headers=await staff(client, account))
        assert answer.status_code == 200, answer.text
        return {r["id"] for r in answer.json()["requests"]}

    assert await listed(agent) == {ours}  # not admins, not itself, not Beta, not personal
    assert await listed(beta_agent) == {theirs}
    assert await listed(admin) == {ours, about_agent}
    assert await listed(root) == {ours, theirs, solo, about_admin, about_agent}

    headers = await staff(client, agent)
    for hidden in (theirs, solo, about_admin, about_agent):
        for method, url in (("GET", ""), ("POST", "/approve"), ("POST", "/deny")):
            answer = await client.request(method, f"/api/v1/support/requests/{hidden}{url}",
                                          headers=headers,
                                          json={} if method == "POST" else None)
            assert answer.status_code == 404 and error_code(answer) == "NOT_FOUND"
        check = await client.post(f"/api/v1/support/requests/{hidden}/checks",
                                  headers=headers, json={"check": "note", "note": "x"})
        assert error_code(check) == "NOT_FOUND"


async def test_unknown_identifier_answers_like_a_known_one(
        client: httpx.AsyncClient, member: Account, root: Account, mail: MailServer,
        runtime: Runtime) -> None:
    known = await client.post("/api/v1/support/requests", json={
        "identifier": member.email, "contact": "one@example.net", "description": "help"})
    unknown = await client.post("/api/v1/support/requests", json={
        "identifier": "nobody@acme.example", "contact": "two@example.net",
        "description": "help"})
    assert known.status_code == unknown.status_code == 202
    shape = {k: v for k, v in known.json()["request"].items() if k not in ("id", "sent_to")}
    assert shape == {k: v for k, v in unknown.json()["request"].items()
                     if k not in ("id", "sent_to")}
    assert mail.envelopes[-2][1] == ["one@example.net"]
    assert mail.envelopes[-1][1] == ["two@example.net"]
    words = [str(m.get_content()).split() for m in mail.messages[-2:]]
    assert [w for w in words[0] if not w.isdigit()] == [w for w in words[1] if not w.isdigit()]
    request_id = unknown.json()["request"]["id"]
    proven = await client.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                               json={"code": mail.last_code()})
    assert proven.status_code == 200 and proven.json()["request"]["status"] == "queued"

    headers = await staff(client, root)
    case = (await client.get(f"/api/v1/support/requests/{request_id}",
                             headers=headers)).json()
    assert case["account"] == {"exists": False} and case["request"]["account"] is None
    await passed_check(client, headers, request_id)
    refused = await client.post(f"/api/v1/support/requests/{request_id}/approve",
                                headers=headers)
    assert error_code(refused) == "INVALID_REQUEST"
    assert refused.json()["error"]["detail"] == {"reason": "no_account"}
    denied = await client.post(f"/api/v1/support/requests/{request_id}/deny",
                               headers=headers, json={"note": "No such account."})
    assert denied.status_code == 200 and denied.json()["told"] is True
    assert denied.json()["request"]["status"] == "denied"
    assert mail.envelopes[-1][1] == ["two@example.net"]
    assert "could not verify your identity" in str(mail.last().get_content())


async def test_approval_needs_a_passed_check_and_an_allowed_method(
        client: httpx.AsyncClient, member: Account, agent: Account, with_app: str,
        mail: MailServer, set_org: Updater) -> None:
    request_id = await queued_request(client, mail, member.email or "")
    headers = await staff(client, agent)
    url = f"/api/v1/support/requests/{request_id}"
    await client.post(f"{url}/checks", headers=headers,
                      json={"check": "account_details", "passed": False})
    refused = await client.post(f"{url}/approve", headers=headers)
    assert refused.json()["error"]["detail"] == {"reason": "no_passed_check"}
    for bad in ({"check": "password", "passed": True}, {"check": "note", "note": " "},
                {"check": "account_details"}, {"check": "note", "passed": True, "note": "x"}):
        answer = await client.post(f"{url}/checks", headers=headers, json=bad)
        assert error_code(answer) == "INVALID_REQUEST", bad
    await passed_check(client, headers, request_id)
    await set_org(allowed_factors=["totp", "sms", "webauthn"])
    refused = await client.post(f"{url}/approve", headers=headers)
    assert error_code(refused) == "SIGNIN_METHOD_NOT_ALLOWED"


async def test_no_password_action_exists(client: httpx.AsyncClient, member: Account,
                                         agent: Account, mail: MailServer) -> None:
    request_id = await queued_request(client, mail, member.email or "")
    headers = await staff(client, agent)
    for url in (f"/api/v1/support/requests/{request_id}/password",
                f"/api/v1/support/requests/{request_id}/reset-password"):
        answer = await client.post(url, headers=headers, json={"password": "x" * 20})
        assert answer.status_code in (404, 405)
    schema = (await client.get("/openapi.json")).json()
    support_paths = [p for p in schema["paths"] if p.startswith("/api/v1/support")]
    assert support_paths and not any("password" in p for p in support_paths)

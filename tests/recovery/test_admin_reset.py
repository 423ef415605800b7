"""An org's staff getting a member back in: password (typed or generated, forced change),
MFA reset, a one-time backup code; sessions ended, audited, the member told."""

from __future__ import annotations

import httpx
import pytest

from monban.accounts.model import Account, Org, Role
from monban.clock import FrozenClock
from monban.runtime import Runtime
from monban.store import accounts, audit
from tests.conftest import PASSWORD, Updater, error_code, sign_in, token_for
from tests.factors import enroll_totp
from tests.factors.sms_provider import MailServer
from tests.recovery.conftest import mails_to


def member_url(org: Org, account: Account, action: str) -> str:
    return f"/api/v1/orgs/{org.slug}/members/{account.id}/{action}"


async def events(runtime: Runtime, account: Account, name: str) -> list[audit.AuditEvent]:
    found = await runtime.db.run(audit.query, audit.AuditQuery(account_id=account.id))
    return [e for e in found if e.event == name]


async def test_reset_a_password_typed_with_a_forced_change(
        member: Account, admin: Account, org: Org, runtime: Runtime,
        client: httpx.AsyncClient, mail: MailServer) -> None:
    theirs = await token_for(client, member.label)
    headers = await token_for(client, admin.label)
    answer = await client.post(member_url(org, member, "reset-password"), headers=headers,
                               json={"password": "handed over in person", "force_change": True})
    assert answer.json() == {"changed": True, "password": None, "force_change": True}
    assert error_code(await client.get("/api/v1/me", headers=theirs)) == "SESSION_EXPIRED"
    stored = await runtime.db.run(accounts.get, member.id)
    assert stored is not None and stored.must_change_password
    forced = await sign_in(client, member.label, "handed over in person")
    assert error_code(forced) == "PASSWORD_EXPIRED"  # the change asked for at sign-in
    notice = mails_to(mail, "hanako@acme.example")[-1]
    assert notice["Subject"] == "[Monban] Your password was changed"
    assert "administrator reset your password" in notice.get_content()
    [event] = await events(runtime, member, "admin.password_reset")
    assert event.actor_id == admin.id and event.detail == {"generated": False,
                                                           "force_change": True}


async def test_a_generated_password_is_shown_once_and_works(
        member: Account, admin: Account, org: Org, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.label)
    answer = await client.post(member_url(org, member, "reset-password"), headers=headers,
                               json={"force_change": False})
    generated = answer.json()["password"]
    assert len(generated) == 23 and generated.count("-") == 3
    assert (await sign_in(client, member.label, generated)).status_code == 200
    short = await client.post(member_url(org, member, "reset-password"), headers=headers,
                              json={"password": "short"})
    assert error_code(short) == "PASSWORD_POLICY_VIOLATION"


async def test_reset_mfa(member: Account, admin: Account, org: Org, runtime: Runtime,
                         client: httpx.AsyncClient, mail: MailServer,
                         clock: FrozenClock) -> None:
    await enroll_totp(client, member, clock)
    headers = await token_for(client, admin.label)
    answer = await client.post(member_url(org, member, "reset-mfa"), headers=headers)
    assert answer.json()["reset"] is True and answer.json()["factors_removed"] == 1
    assert await runtime.factors.enrolled(member.id) == []
    stored = await runtime.db.run(accounts.get, member.id)
    assert stored is not None and stored.must_enroll_mfa
    # the member enrols a second factor again before the next session starts
    assert (await sign_in(client, member.label)).json()["state"] == "mfa_enroll"
    assert mails_to(mail, "hanako@acme.example")[-1]["Subject"] == (
        "[Monban] Your two-step verification was reset")


async def test_a_one_time_backup_code_signs_in_once(
        member: Account, runtime: Runtime, org: Org, client: httpx.AsyncClient,
        mail: MailServer, clock: FrozenClock) -> None:
    support = await runtime.directory.create_account(
        display_name="Support", email="support@acme.example", password=PASSWORD, org=org,
        role=Role.SUPPORT, language="en")
    await enroll_totp(client, member, clock)
    headers = await token_for(client, support.label)
    answer = await client.post(member_url(org, member, "backup-code"), headers=headers)
    assert answer.status_code == 201
    code = answer.json()["code"]
    step = (await sign_in(client, member.label)).json()
    backup = next(f for f in step["factors"] if f["kind"] == "backup_code")
    url = f"/api/v1/signin/flows/{step['flow']['id']}/mfa/verify"
    done = await client.post(url, json={"factor_id": backup["id"], "response": {"code": code}})
    assert done.json()["state"] == "done", done.text
    step = (await sign_in(client, member.label)).json()
    again = await client.post(f"/api/v1/signin/flows/{step['flow']['id']}/mfa/verify",
                              json={"factor_id": backup["id"], "response": {"code": code}})
    assert error_code(again) == "BACKUP_CODE_INVALID"
    [event] = await events(runtime, member, "admin.backup_code_issued")
    assert event.actor_id == support.id and code.replace("-", "") not in repr(event)
    assert mails_to(mail, "hanako@acme.example")[-1]["Subject"] == (
        "[Monban] A backup verification code was issued")


async def test_an_org_without_backup_codes_gets_none(
        member: Account, admin: Account, org: Org, client: httpx.AsyncClient,
        set_org: Updater) -> None:
    await set_org(allowed_factors=["totp"])
    headers = await token_for(client, admin.label)
    answer = await client.post(member_url(org, member, "backup-code"), headers=headers)
    assert error_code(answer) == "SIGNIN_METHOD_NOT_ALLOWED"


@pytest.mark.parametrize(("actor_role", "target_role", "allowed"), [
    (Role.SUPPORT, Role.MEMBER, True),
    (Role.SUPPORT, Role.SUPPORT, False),
    (Role.SUPPORT, Role.ADMIN, False),
    (Role.ADMIN, Role.SUPPORT, True),
    (Role.ADMIN, Role.OWNER, False),
    (Role.OWNER, Role.OWNER, False),  # owners change each other's role only
    (Role.MEMBER, Role.MEMBER, False),
])
async def test_nobody_resets_someone_ranked_above_them(
        org: Org, runtime: Runtime, client: httpx.AsyncClient, actor_role: Role,
        target_role: Role, allowed: bool) -> None:
    actor = await runtime.directory.create_account(
        display_name="Actor", email="actor@acme.example", password=PASSWORD, org=org,
        role=actor_role, language="en")
    target = await runtime.directory.create_account(
        display_name="Target", email="target@acme.example", password=PASSWORD, org=org,
        role=target_role, language="en")
    headers = await token_for(client, actor.label)
    for action in ("reset-password", "reset-mfa", "backup-code"):
        answer = await client.post(member_url(org, target, action), headers=headers,
                                   json={} if action == "reset-password" else None)
        if allowed:
            assert answer.status_code in (200, 201), (action, answer.text)
            headers = await token_for(client, actor.label)  # unaffected by the target's reset
        else:
            assert error_code(answer) == "PERMISSION_DENIED", action


async def test_not_oneself_and_not_another_orgs_member(
        admin: Account, org: Org, runtime: Runtime, client: httpx.AsyncClient) -> None:
    other = await runtime.directory.create_org("Beta", "beta")
    stranger = await runtime.directory.create_account(
        display_name="Stranger", email="s@beta.example", password=PASSWORD, org=other,
        language="en")
    headers = await token_for(client, admin.label)
    mine = await client.post(member_url(org, admin, "reset-mfa"), headers=headers)
    assert error_code(mine) == "PERMISSION_DENIED"  # their own pages, not the console's
    theirs = await client.post(member_url(other, stranger, "reset-mfa"), headers=headers)
    assert error_code(theirs) == "PERMISSION_DENIED"
    mixed = await client.post(member_url(org, stranger, "reset-mfa"), headers=headers)
    assert error_code(mixed) == "NOT_FOUND"

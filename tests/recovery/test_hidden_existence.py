"""Where the sign-in hides whether an account exists, recovery hides it too: no masked list,
no NO_RECOVERY_OPTION, the same answer for every identifier and every typed contact, and a
code only ever arrives at a contact the account really has."""

from __future__ import annotations

from typing import Any

import httpx

from monban.accounts.model import Account, Org
from monban.runtime import Runtime
from tests.conftest import ClientFactory, Updater, error_code, sign_in
from tests.factors.sms_provider import MailServer
from tests.recovery.conftest import (
    RECOVERY_EMAIL,
    add_verified,
    last_code_to,
    send,
    start,
    verify,
    wait_for,
    wrong,
)


def shape(answer: httpx.Response) -> Any:
    body = answer.json()
    return (answer.status_code, body["state"], body["typed"], body["contacts"],
            body["sent_to"], body["factors"])


async def test_every_identifier_gets_the_same_answer(
        member: Account, admin: Account, org: Org, runtime: Runtime,
        client_for: ClientFactory, mail: MailServer, set_org: Updater) -> None:
    await set_org(hide_account_existence=True)
    await runtime.directory.add_domain(org, "acme.example")
    await add_verified(runtime, member)
    await runtime.directory.update_account(admin, language="ja")  # no language leaks either
    client = client_for(lang="en")
    answers = [await start(client, who) for who in
               ("hanako@acme.example", "admin@acme.example", "nobody@acme.example")]
    assert len({repr(shape(a)) for a in answers}) == 1
    assert shape(answers[0]) == (201, "r_choose", True, [], None, [])

    flows = [a.json()["flow"]["id"] for a in answers]
    sent = [await send(client, flow_id, email=RECOVERY_EMAIL) for flow_id in flows]
    assert {repr(s.json()) for s in sent} == {repr({"sent_to": "h•••@example.net",
                                                    "resend_after": 30})}
    await wait_for(mail, 1)
    assert len(mail.messages) == 1  # only the account that has this contact got a code
    code = last_code_to(mail, RECOVERY_EMAIL)
    for flow_id in flows[1:]:
        refused = await verify(client, flow_id, code)
        assert error_code(refused) == "INVALID_OTP"
        assert refused.json()["error"]["message"] == "Incorrect verification code."
    assert (await verify(client, flows[0], code)).json()["state"] == "r_new_password"


async def test_a_contact_the_account_does_not_have_gets_no_code(
        member: Account, org: Org, runtime: Runtime, client: httpx.AsyncClient,
        mail: MailServer, set_org: Updater) -> None:
    await set_org(hide_account_existence=True)
    await add_verified(runtime, member)
    answer = await start(client, member.label)
    flow_id = answer.json()["flow"]["id"]
    sent = await send(client, flow_id, email="someone.else@example.net")
    assert sent.json() == {"sent_to": "s•••@example.net", "resend_after": 30}
    assert error_code(await send(client, flow_id, email=RECOVERY_EMAIL)) == "INVALID_REQUEST"
    assert mail.messages == []
    assert error_code(await verify(client, flow_id, "123456")) == "INVALID_OTP"


async def test_server_wide_hiding_covers_usernames(runtime: Runtime, client_for: ClientFactory,
                                                   member: Account) -> None:
    runtime.settings.hide_unknown_accounts = True  # MONBAN_HIDE_UNKNOWN_ACCOUNTS
    client = client_for()
    unknown = await start(client, "nobody-here")
    known = await start(client, member.label)
    assert shape(unknown) == shape(known)
    flow_id = unknown.json()["flow"]["id"]
    await send(client, flow_id, email=RECOVERY_EMAIL)
    for _ in range(8):
        assert error_code(await verify(client, flow_id, wrong("000000"))) == "INVALID_OTP"
    assert error_code(await verify(client, flow_id, "000000")) == "SIGNIN_ATTEMPTS_EXCEEDED"
    assert (await sign_in(client, member.label)).status_code == 200  # other counters

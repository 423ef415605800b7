"""Recovery contacts through /api/v1/me/recovery-contacts: the password again, a code to the
contact, confirmed, listed, removed; only confirmed ones are offered at recovery."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import PASSWORD, ClientFactory, error_code, token_for
from tests.factors.sms_provider import MailServer, SmsProvider
from tests.recovery.conftest import (
    RECOVERY_EMAIL,
    RECOVERY_PHONE,
    last_code_to,
    mails_to,
    start,
    wrong,
)

URL = "/api/v1/me/recovery-contacts"


async def test_add_confirm_list_and_remove_an_email(member: Account, client: httpx.AsyncClient,
                                                     mail: MailServer) -> None:
    headers = await token_for(client, member.label)
    listed = (await client.get(URL, headers=headers)).json()
    assert listed == {"recovery_contacts": [], "suggest_adding": True}
    refused = await client.post(URL, headers=headers,
                                json={"email": RECOVERY_EMAIL, "password": "not it"})
    assert error_code(refused) == "INVALID_CREDENTIALS" and mail.messages == []
    added = await client.post(URL, headers=headers,
                              json={"email": " Hanako.Home@EXAMPLE.net", "password": PASSWORD})
    assert added.status_code == 201, added.text
    contact = added.json()["recovery_contact"]
    assert (contact["target"], contact["verified"], added.json()["sent_to"]) == (
        RECOVERY_EMAIL, False, "h•••@example.net")
    assert mails_to(mail, RECOVERY_EMAIL)[-1]["Subject"] == (
        "[Monban] Confirm your recovery contact")
    assert error_code(await start(client, member.label)) == "NO_RECOVERY_OPTION"

    code = last_code_to(mail, RECOVERY_EMAIL)
    verify_url = f"{URL}/{contact['id']}/verify"
    typo = await client.post(verify_url, headers=headers, json={"code": wrong(code)})
    assert error_code(typo) == "INVALID_OTP"
    done = await client.post(verify_url, headers=headers, json={"code": code})
    assert done.status_code == 200 and done.json()["recovery_contact"]["verified"]
    assert mails_to(mail, "hanako@acme.example")[-1]["Subject"] == (
        "[Monban] A recovery contact was added")
    listed = (await client.get(URL, headers=headers)).json()
    assert listed["suggest_adding"] is False and len(listed["recovery_contacts"]) == 1
    assert (await start(client, member.label)).status_code == 201

    again = await client.post(URL, headers=headers,
                              json={"email": RECOVERY_EMAIL, "password": PASSWORD})
    assert error_code(again) == "IDENTIFIER_TAKEN"
    removed = await client.delete(f"{URL}/{contact['id']}", headers=headers)
    assert removed.json() == {"removed": True}
    assert mails_to(mail, "hanako@acme.example")[-1]["Subject"] == (
        "[Monban] A recovery contact was removed")
    assert error_code(await client.delete(f"{URL}/{contact['id']}", headers=headers)) == (
        "NOT_FOUND")


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_a_mobile_number_in_the_accounts_language(
        member: Account, runtime: Runtime, client_for: ClientFactory, provider: SmsProvider,
        clock: FrozenClock, lang: str) -> None:
    await runtime.directory.update_account(member, language=lang)
    client = client_for(lang="en")
    headers = await token_for(client, member.label)
    added = await client.post(URL, headers=headers,
                              json={"phone": "+81 90-1234-5678", "password": PASSWORD})
    contact = added.json()["recovery_contact"]
    sms = provider.last(RECOVERY_PHONE)
    assert ("連絡先登録用の確認コード" if lang == "ja" else "contact confirmation code") in sms.body
    soon = await client.post(f"{URL}/{contact['id']}/resend", headers=headers)
    assert error_code(soon) == "INVALID_REQUEST"
    clock.advance(timedelta(seconds=30))
    resent = await client.post(f"{URL}/{contact['id']}/resend", headers=headers)
    assert resent.json() == {"sent_to": "+81 ••••5678", "resend_after": 30}
    stale = await client.post(f"{URL}/{contact['id']}/verify", headers=headers,
                              json={"code": sms.code})
    if sms.code != provider.last().code:
        assert error_code(stale) == "OTP_EXPIRED"
        message = ("ワンタイムパスワードの有効期限が切れています。" if lang == "ja"
                   else "This verification code has expired.")
        assert stale.json()["error"]["message"] == message
    done = await client.post(f"{URL}/{contact['id']}/verify", headers=headers,
                             json={"code": provider.last().code})
    assert done.json()["recovery_contact"]["verified"] is True


async def test_bad_contacts_are_refused(member: Account, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, member.label)
    for body, code in (({"email": "not-an-address"}, "INVALID_EMAIL"),
                       ({"phone": "12"}, "INVALID_PHONE_NUMBER"),
                       ({}, "INVALID_REQUEST"),
                       ({"email": "a@example.net", "phone": "+819012345678"}, "INVALID_REQUEST")):
        answer = await client.post(URL, headers=headers, json={**body, "password": PASSWORD})
        assert error_code(answer) == code, body
    client.cookies.clear()
    assert error_code(await client.get(URL)) == "SIGNIN_REQUIRED"

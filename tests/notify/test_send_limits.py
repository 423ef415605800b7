"""The send limits through the JSON API (notify/limits.py), counted by what really arrives at
the SMS provider and SMTP stand-ins (tests/factors/sms_provider.py): the issue's pumping loops
stop at the limit with 429 SEND_LIMIT_REACHED, a race of 100 lets exactly the limit through,
the source address counts across accounts, the org's SMS countries hold, refusals are audited
without the code or the number, and security notices still go out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account, Org, Role
from monban.clock import FrozenClock
from monban.config import Settings
from monban.errors import CatalogueError
from monban.notify.outgoing import Origin, Outgoing
from monban.runtime import Runtime
from monban.store.audit import AuditQuery
from tests.conftest import PASSWORD, ClientFactory, Updater, error_code, sign_in, token_for
from tests.devices import link_device, push_flow
from tests.factors.sms_provider import ACCOUNT, SENDER, TOKEN, MailServer, SmsProvider
from tests.recovery.conftest import add_verified, mails_to

FACTORS = "/api/v1/me/factors/sms"
CONTACTS = "/api/v1/me/recovery-contacts"


def number(i: int) -> str:
    """The i-th of many valid Japanese mobile numbers."""
    return f"+8190{12340000 + i:08d}"


@pytest.fixture
def provider() -> Iterator[SmsProvider]:
    with SmsProvider.running() as running:
        yield running


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer.running() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, provider: SmsProvider, mail: MailServer) -> Settings:
    return settings.model_copy(update={
        "sms_provider_url": provider.url, "sms_account": ACCOUNT, "sms_token": TOKEN,
        "sms_from": SENDER, "smtp_host": "127.0.0.1", "smtp_port": mail.port,
        "smtp_starttls": False, "smtp_from": "no-reply@monban.example"})


async def refusals(runtime: Runtime, org: Org) -> list[Any]:
    events = await runtime.directory.audit(AuditQuery(org_id=org.id, limit=500))
    return [e for e in events if e.event == "send.refused"]


async def members(runtime: Runtime, org: Org, count: int) -> list[Account]:
    return [await runtime.directory.create_account(
        display_name=f"Member {i}", email=f"m{i}@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en") for i in range(count)]


async def test_adding_sms_factors_in_a_loop_stops_at_the_account_limit(
        member: Account, client: httpx.AsyncClient, provider: SmsProvider, runtime: Runtime,
        org: Org) -> None:
    """The issue: 150 SMS to 150 numbers from one signed-in account in 1.6 s."""
    headers = await token_for(client, member.label)
    answers = [await client.post(FACTORS, headers=headers,
                                 json={"params": {"phone": number(i)}}) for i in range(150)]
    assert [a.status_code for a in answers[:10]] == [201] * 10
    refused = answers[10:]
    assert {a.status_code for a in refused} == {429}
    assert {error_code(a) for a in refused} == {"SEND_LIMIT_REACHED"}
    body = refused[0].json()["error"]
    assert body["detail"]["scope"] == "account" and 0 < body["detail"]["retry_after"] <= 3600
    assert "/help/errors/SEND_LIMIT_REACHED" in body["help"] and body["fix_by"] == "user"
    assert len(provider.messages) == 10
    events = await refusals(runtime, org)
    assert len(events) == 140
    detail = events[0].detail
    assert (events[0].code, detail["kind"], detail["channel"], detail["scope"]) == (
        "SEND_LIMIT_REACHED", "verify", "sms", "account")
    assert detail["to"].startswith("+81 ••••") and len(detail["to_hash"]) == 16
    sent_numbers = {m.to for m in provider.messages}
    for event in events:  # neither a full number nor a code in any refusal
        text = json.dumps(event.detail, ensure_ascii=False)
        assert not any(number(i) in text for i in range(150))
        assert not any(m.code in text for m in provider.messages)
    assert len(sent_numbers) == 10
    # An hour later the account may send again.
    runtime.clock.advance(timedelta(hours=1))
    headers = await token_for(client, member.label)  # (the first session went idle)
    again = await client.post(FACTORS, headers=headers, json={"params": {"phone": number(500)}})
    assert again.status_code == 201, again.text


async def test_adding_and_removing_recovery_contacts_stops_at_the_limit(
        member: Account, client: httpx.AsyncClient, provider: SmsProvider) -> None:
    """The issue: 60 SMS in 4.8 s by adding and removing recovery contacts."""
    headers = await token_for(client, member.label)
    codes: list[int] = []
    for i in range(60):
        added = await client.post(CONTACTS, headers=headers,
                                  json={"phone": number(i), "password": PASSWORD})
        codes.append(added.status_code)
        if added.status_code == 201:
            contact_id = added.json()["recovery_contact"]["id"]
            removed = await client.delete(f"{CONTACTS}/{contact_id}", headers=headers)
            assert removed.status_code in (200, 204), removed.text
        else:
            assert error_code(added) == "SEND_LIMIT_REACHED", added.text
    assert codes.count(201) == 10 and codes.count(429) == 50
    assert len(provider.messages) == 10


async def test_a_race_of_100_sends_to_one_number_lets_exactly_the_limit_through(
        runtime: Runtime, org: Org, client_for: ClientFactory, provider: SmsProvider) -> None:
    """100 accounts, each from its own address, add the same number at once: the
    destination's count lets 5 texts through, whichever node or account asks."""
    people = await members(runtime, org, 100)
    clients = [client_for(ip=f"198.51.100.{i + 1}") for i in range(100)]
    tokens = [await token_for(c, p.label) for c, p in zip(clients, people, strict=True)]
    answers = await asyncio.gather(*(
        c.post(FACTORS, headers=t, json={"params": {"phone": "+81 90-1234-5678"}})
        for c, t in zip(clients, tokens, strict=True)))
    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == 5 and statuses.count(429) == 95
    assert {a.json()["error"]["detail"]["scope"] for a in answers if a.status_code == 429} == {
        "destination"}
    assert len(provider.messages) == 5


async def test_one_source_address_counts_across_accounts(
        runtime: Runtime, org: Org, client_for: ClientFactory, provider: SmsProvider) -> None:
    people = await members(runtime, org, 24)
    office = client_for(ip="203.0.113.9")
    statuses = []
    for i, person in enumerate(people):
        answer = await office.post(FACTORS, headers=await token_for(office, person.label),
                                   json={"params": {"phone": number(i)}})
        statuses.append(answer.status_code)
    assert statuses == [201] * 20 + [429] * 4
    assert len(provider.messages) == 20
    elsewhere = client_for(ip="192.0.2.77")  # the same people from another address: allowed
    fine = await elsewhere.post(FACTORS, headers=await token_for(elsewhere, people[-1].label),
                                json={"params": {"phone": number(99)}})
    assert fine.status_code == 201, fine.text


async def test_ipv6_sources_count_by_their_64(
        runtime: Runtime, org: Org, client_for: ClientFactory, provider: SmsProvider) -> None:
    people = await members(runtime, org, 21)
    statuses = []
    for i, person in enumerate(people):  # a new address of the same /64 each time
        host = client_for(ip=f"2001:db8:1:2::{i + 1:x}")
        answer = await host.post(FACTORS, headers=await token_for(host, person.label),
                                 json={"params": {"phone": number(i)}})
        statuses.append(answer.status_code)
    assert statuses == [201] * 20 + [429]


async def test_the_org_chooses_the_countries_sms_may_go_to(
        member: Account, admin: Account, org: Org, client: httpx.AsyncClient,
        provider: SmsProvider, runtime: Runtime) -> None:
    admin_headers = await token_for(client, admin.label)
    bad = await client.patch(f"/api/v1/orgs/{org.slug}/settings", headers=admin_headers,
                             json={"sms_countries": ["XX"]})
    assert error_code(bad) == "INVALID_REQUEST"
    done = await client.patch(f"/api/v1/orgs/{org.slug}/settings", headers=admin_headers,
                              json={"sms_countries": ["jp"]})
    assert done.status_code == 200, done.text
    assert done.json()["settings"]["sms_countries"] == ["JP"]

    headers = await token_for(client, member.label)
    us = await client.post(FACTORS, headers=headers, json={"params": {"phone": "+1 650-253-0000"}})
    assert us.status_code == 403 and error_code(us) == "SMS_COUNTRY_NOT_ALLOWED"
    assert us.json()["error"]["detail"]["country"] == "US"
    assert provider.messages == []
    jp = await client.post(FACTORS, headers=headers, json={"params": {"phone": number(1)}})
    assert jp.status_code == 201, jp.text
    assert [m.to for m in provider.messages] == [number(1)]
    [event] = await refusals(runtime, org)
    assert event.code == "SMS_COUNTRY_NOT_ALLOWED" and event.detail["to"] == "+1 ••••0000"
    assert "6502530000" not in json.dumps(event.detail)

    cleared = await client.patch(f"/api/v1/orgs/{org.slug}/settings", headers=admin_headers,
                                 json={"sms_countries": []})
    assert cleared.status_code == 200
    runtime.clock.advance(timedelta(seconds=31))
    us = await client.post(FACTORS, headers=headers, json={"params": {"phone": "+1 650-253-0000"}})
    assert us.status_code == 201, us.text


async def test_sign_in_codes_to_ones_own_address_stop_at_the_destination_limit(
        member: Account, client: httpx.AsyncClient, mail: MailServer, clock: FrozenClock
        ) -> None:
    answers = []
    for _ in range(7):
        started = await client.post("/api/v1/signin/flows", json={"identifier": member.label})
        flow_id = started.json()["flow"]["id"]
        answers.append(await client.post(f"/api/v1/signin/flows/{flow_id}/code"))
        clock.advance(timedelta(seconds=31))
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert answers[-1].json()["error"]["detail"]["scope"] == "destination"
    assert len(mails_to(mail, member.email or "")) == 5


async def test_security_notices_go_out_when_the_counts_are_full(
        member: Account, client: httpx.AsyncClient, provider: SmsProvider, mail: MailServer,
        runtime: Runtime) -> None:
    """Filling the account's count (as an attacker holding the session would) must not
    silence the notice of what they do next."""
    contact_id = await add_verified(runtime, member)
    headers = await token_for(client, member.label)
    for i in range(11):
        await client.post(FACTORS, headers=headers, json={"params": {"phone": number(i)}})
    assert len(provider.messages) == 10
    removed = await client.delete(f"{CONTACTS}/{contact_id}", headers=headers)
    assert removed.status_code in (200, 204), removed.text
    notices = mails_to(mail, member.email or "")
    assert [m["Subject"] for m in notices] == ["[Monban] A recovery contact was removed"]


async def test_one_notice_repeated_cannot_silence_another(member: Account, runtime: Runtime,
                                                         mail: MailServer) -> None:
    origin = Origin(member)
    again = Outgoing.email("notice", "hanako@acme.example", "A contact was added", "...")
    for _ in range(5):
        await runtime.senders.send(again, origin)
    with pytest.raises(CatalogueError) as refused:
        await runtime.senders.send(again, origin)
    assert refused.value.code == "SEND_LIMIT_REACHED"
    assert refused.value.detail["scope"] == "notice"
    await runtime.senders.send(Outgoing.email(  # the same address, written another way
        "notice", "Hanako@ACME.example", "Your password was changed", "..."), origin)
    subjects = [m["Subject"] for m in mails_to(mail, "hanako@acme.example")]
    assert subjects.count("A contact was added") == 5
    assert len(mails_to(mail, "Hanako@ACME.example")) == 1


async def test_a_hidden_unknown_identifier_reaches_the_limit_like_a_member(
        member: Account, org: Org, client: httpx.AsyncClient, runtime: Runtime,
        set_org: Updater, clock: FrozenClock, mail: MailServer) -> None:
    """Under hide_account_existence, the limit must not tell members from strangers."""
    await runtime.directory.add_domain(org, "acme.example")
    await set_org(hide_account_existence=True)

    async def statuses(identifier: str) -> list[tuple[int, Any]]:
        seen: list[tuple[int, Any]] = []
        for _ in range(6):
            started = await client.post("/api/v1/signin/flows", json={"identifier": identifier})
            flow_id = started.json()["flow"]["id"]
            answer = await client.post(f"/api/v1/signin/flows/{flow_id}/code")
            seen.append((answer.status_code, answer.json().get("error", {}).get("detail")))
            clock.advance(timedelta(seconds=31))
        return seen

    member_answers = await statuses(member.label)
    stranger_answers = await statuses("nobody@acme.example")
    assert [s for s, _ in member_answers] == [200] * 5 + [429]
    assert [s for s, _ in stranger_answers] == [s for s, _ in member_answers]
    assert stranger_answers[-1][1]["scope"] == member_answers[-1][1]["scope"] == "destination"
    assert mails_to(mail, "nobody@acme.example") == []


async def test_push_requests_stop_at_the_account_limit(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock,
        runtime: Runtime) -> None:
    """Push bombing: someone with the password asks again and again; the app sees ten."""
    device = await link_device(client, member, clock)
    for _ in range(10):
        await push_flow(client, member)
        clock.advance(runtime.authenticator.setup.push_ttl + timedelta(seconds=1))
    step = (await sign_in(client, member.label)).json()
    factor = next(f for f in step["factors"] if f["kind"] == "push")
    refused = await client.post(f"/api/v1/signin/flows/{step['flow']['id']}/mfa/challenge",
                                json={"factor_id": factor["id"]})
    assert refused.status_code == 429 and error_code(refused) == "SEND_LIMIT_REACHED"
    assert refused.json()["error"]["detail"]["scope"] == "account"
    pending = await device.call("GET", "/api/v1/authenticator/challenges")
    assert pending.json()["challenges"] == []

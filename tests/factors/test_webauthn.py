"""Security keys through the JSON API, answered by a software FIDO2 authenticator: enrol
several, sign in with any of them, and every way an assertion can be wrong. The test client's
base URL, http://testserver, is the origin the server sees; the RP id is its host."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.factors.base import FactorRecord
from monban.runtime import Runtime
from monban.store import factors as factor_store
from tests.conftest import PASSWORD, ClientFactory, error_code, sign_in, token_for

from .soft_authenticator import SoftAuthenticator, b64url, unb64url


def reason(response: httpx.Response) -> str:
    """Why a security key failed: the non-secret reason next to SECURITY_KEY_FAILED."""
    assert error_code(response) == "SECURITY_KEY_FAILED", response.text
    found: str = response.json()["error"]["detail"]["reason"]
    return found


class MyKeys:
    """The security page of one signed-in person, through /api/v1/me/factors."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    async def start(self, name: str) -> dict[str, Any]:
        started = await self.client.post("/api/v1/me/factors/webauthn", json={"name": name},
                                         headers=self.headers)
        assert started.status_code == 201, started.text
        enrollment: dict[str, Any] = started.json()["enrollment"]
        return enrollment

    async def finish(self, enrollment: dict[str, Any], answer: dict[str, Any]
                     ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/me/factors/webauthn/{enrollment['id']}/confirm",
            json={"response": answer}, headers=self.headers)

    async def add(self, key: SoftAuthenticator, name: str, **create: Any) -> httpx.Response:
        enrollment = await self.start(name)
        credential = key.create(enrollment["display"]["options"], **create)
        return await self.finish(enrollment, {"credential": credential})

    async def added(self, key: SoftAuthenticator, name: str) -> str:
        confirmed = await self.add(key, name)
        assert confirmed.status_code == 201, confirmed.text
        factor_id: str = confirmed.json()["factor"]["id"]
        return factor_id

    async def listed(self) -> list[dict[str, Any]]:
        response = await self.client.get("/api/v1/me/factors", headers=self.headers)
        found: list[dict[str, Any]] = response.json()["factors"]
        return found


async def stored(runtime: Runtime, key: SoftAuthenticator) -> FactorRecord:
    found = await runtime.db.run(factor_store.by_credential,
                                 b64url(key.credential.credential_id))
    assert found is not None
    return found


class SignIn:
    """One browser signing in: password done, now the security-key step."""

    def __init__(self, client: httpx.AsyncClient, response: httpx.Response) -> None:
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "mfa"
        self.client = client
        self.flow_id: str = response.json()["flow"]["id"]
        self.factors: list[dict[str, Any]] = response.json()["factors"]

    @classmethod
    async def start(cls, client: httpx.AsyncClient, account: Account) -> SignIn:
        return cls(client, await sign_in(client, account.email or ""))

    async def challenge(self, factor_id: str | None = None) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v1/signin/flows/{self.flow_id}/mfa/challenge",
            json={"factor_id": factor_id or self.factors[0]["id"]})
        assert response.status_code == 200, response.text
        options: dict[str, Any] = response.json()["challenge"]["options"]
        return options

    async def answer(self, answer: dict[str, Any], factor_id: str | None = None
                     ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/signin/flows/{self.flow_id}/mfa/verify",
            json={"factor_id": factor_id or self.factors[0]["id"], "response": answer})


@pytest.fixture
async def keys(client: httpx.AsyncClient, member: Account) -> MyKeys:
    return MyKeys(client, await token_for(client, member.email or ""))


async def test_two_keys_listed_and_either_one_signs_in(
        keys: MyKeys, client_for: ClientFactory, member: Account) -> None:
    key1, key2 = SoftAuthenticator(), SoftAuthenticator(transports=("usb",))
    enrollment = await keys.start("YubiKey 5C")
    options = enrollment["display"]["options"]
    assert options["rp"] == {"id": "testserver", "name": "Monban"}
    assert (options["user"]["name"], unb64url(options["user"]["id"])) == (
        member.email, member.id.encode())
    assert (options["attestation"], options["excludeCredentials"]) == ("none", [])
    assert options["authenticatorSelection"] == {
        "residentKey": "preferred", "requireResidentKey": False,
        "userVerification": "preferred"}
    first = await keys.finish(enrollment, {"credential": key1.create(options)})
    assert first.status_code == 201, first.text
    again = await keys.finish(enrollment, {"credential": key2.create(options)})
    assert reason(again) == "enrollment_expired"  # one confirmation per enrolment
    key2.credentials.clear()
    # the next enrolment excludes key 1, so a browser would not register it twice
    enrollment = await keys.start("YubiKey 5 NFC")
    assert [c["id"] for c in enrollment["display"]["options"]["excludeCredentials"]] == [
        b64url(key1.credential.credential_id)]
    second = await keys.finish(enrollment, {"credential": key2.create(
        enrollment["display"]["options"])})
    first_id, second_id = first.json()["factor"]["id"], second.json()["factor"]["id"]
    assert [(f["kind"], f["name"]) for f in await keys.listed()] == [
        ("webauthn", "YubiKey 5C"), ("webauthn", "YubiKey 5 NFC")]

    browser = await SignIn.start(client_for(ip="198.51.100.30"), member)
    assert {f["id"] for f in browser.factors} == {first_id, second_id}
    request = await browser.challenge(first_id)
    assert request["rpId"] == "testserver"
    assert request["userVerification"] == "preferred"
    assert {c["id"] for c in request["allowCredentials"]} == {
        b64url(key1.credential.credential_id), b64url(key2.credential.credential_id)}
    done = await browser.answer({"credential": key2.get(request)}, first_id)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    used = {f["id"]: f["last_used_at"] for f in await keys.listed()}
    assert used[second_id] is not None


@pytest.mark.parametrize(("language", "text"), [
    ("ja", "セキュリティキーを認証できませんでした。"),
    ("en", "The security key could not be verified."),
])
async def test_wrong_origin_fails_in_the_accounts_language(
        runtime: Runtime, org: Org, client: httpx.AsyncClient, client_for: ClientFactory,
        language: str, text: str) -> None:
    account = await runtime.directory.create_account(
        display_name="Taro", email=f"taro-{language}@acme.example", password=PASSWORD,
        org=org, language=language)
    keys = MyKeys(client, await token_for(client, account.email or ""))
    key = SoftAuthenticator()
    refused = await keys.add(key, "Phished", origin="https://evil.example")
    assert refused.status_code == 401
    assert reason(refused) == "origin"
    assert refused.json()["error"]["message"] == text
    key.credentials.clear()
    await keys.added(key, "YubiKey")

    browser = await SignIn.start(client_for(ip="198.51.100.31"), account)
    phished = await browser.answer(
        {"credential": key.get(await browser.challenge(), origin="https://testserver.evil")})
    assert phished.status_code == 401
    assert reason(phished) == "origin"
    assert phished.json()["error"]["message"] == text
    assert phished.json()["error"]["fix_by"] == "user"


async def test_tampered_assertions_fail(keys: MyKeys, client_for: ClientFactory,
                                        member: Account) -> None:
    key = SoftAuthenticator()
    await keys.added(key, "YubiKey")
    browser = await SignIn.start(client_for(), member)
    request = await browser.challenge()
    assertion = key.get(request)
    signature = bytearray(unb64url(assertion["response"]["signature"]))
    signature[-1] ^= 0x01
    assertion["response"]["signature"] = b64url(bytes(signature))
    assert reason(await browser.answer({"credential": assertion})) == "signature"
    garbled = {**assertion, "response": {**assertion["response"], "authenticatorData": "AA"}}
    assert reason(await browser.answer({"credential": garbled})) == "invalid_response"
    assert reason(await browser.answer({"credential": "nope"})) == "missing_credential"
    assert reason(await browser.answer({"error": "NotAllowedError"})) == "client_error"
    assert (await browser.answer({"credential": key.get(request)})).status_code == 200


async def test_replayed_assertion_fails(keys: MyKeys, client_for: ClientFactory,
                                        member: Account, runtime: Runtime) -> None:
    key = SoftAuthenticator(synced=True, attachment="platform", transports=("internal",))
    await keys.added(key, "Passkey")  # its counter stays 0: only the challenge stops replay
    assert (await stored(runtime, key)).data["amr"] == "swk"
    browser = await SignIn.start(client_for(), member)
    assertion = key.get(await browser.challenge())
    assert (await browser.answer({"credential": assertion})).status_code == 200
    assert error_code(await browser.answer({"credential": assertion})) == "FLOW_EXPIRED"
    later = await SignIn.start(client_for(), member)
    await later.challenge()
    assert reason(await later.answer({"credential": assertion})) == "challenge"
    assert (await later.answer({"credential": key.get(await later.challenge())})
            ).status_code == 200


async def test_counter_going_backwards_means_a_clone(
        keys: MyKeys, client_for: ClientFactory, member: Account, runtime: Runtime) -> None:
    key = SoftAuthenticator()
    await keys.added(key, "YubiKey")
    assert (await stored(runtime, key)).data["amr"] == "hwk"
    for _ in range(2):
        browser = await SignIn.start(client_for(), member)
        assert (await browser.answer({"credential": key.get(await browser.challenge())})
                ).status_code == 200
    assert (await stored(runtime, key)).data["sign_count"] == 2
    key.credential.sign_count = 0  # a copy of the key made before those two uses
    browser = await SignIn.start(client_for(), member)
    request = await browser.challenge()
    assert reason(await browser.answer({"credential": key.get(request)})) == "sign_count"
    key.credential.sign_count = 1  # it signs with 2 again: the same count is no better
    assert reason(await browser.answer({"credential": key.get(request)})) == "sign_count"
    assert (await browser.answer({"credential": key.get(request)})).status_code == 200


async def test_browser_without_webauthn(keys: MyKeys, client_for: ClientFactory,
                                        member: Account) -> None:
    refused = await keys.finish(await keys.start("YubiKey"), {"error": "not_supported"})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "BROWSER_NOT_SUPPORTED"
    assert refused.json()["error"]["message"] == "This browser does not support security keys."
    key = SoftAuthenticator()
    await keys.added(key, "YubiKey")
    browser = await SignIn.start(client_for(), member)
    request = await browser.challenge()
    for _ in range(10):  # not wrong guesses: no lockout however often
        assert error_code(await browser.answer({"error": "not_supported"})) \
            == "BROWSER_NOT_SUPPORTED"
    assert (await browser.answer({"credential": key.get(request)})).status_code == 200


async def test_failures_count_towards_the_lockout(keys: MyKeys, client_for: ClientFactory,
                                                  member: Account) -> None:
    key = SoftAuthenticator()
    await keys.added(key, "YubiKey")
    browser = await SignIn.start(client_for(), member)
    request = await browser.challenge()
    for _ in range(8):
        wrong = key.get(request, origin="https://evil.example")
        assert reason(await browser.answer({"credential": wrong})) == "origin"
    assert error_code(await browser.answer({"credential": key.get(request)})) \
        == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_removed_key_no_longer_works_the_other_does(
        keys: MyKeys, client: httpx.AsyncClient, client_for: ClientFactory,
        member: Account) -> None:
    key1, key2 = SoftAuthenticator(), SoftAuthenticator()
    first = await keys.added(key1, "YubiKey 5C")
    second = await keys.added(key2, "YubiKey 5 NFC")
    removed = await client.delete(f"/api/v1/me/factors/{first}", headers=keys.headers)
    assert removed.status_code == 200
    browser = await SignIn.start(client_for(), member)
    assert [f["id"] for f in browser.factors] == [second]
    request = await browser.challenge()
    assert [c["id"] for c in request["allowCredentials"]] == [
        b64url(key2.credential.credential_id)]
    stale = key1.get({**request, "allowCredentials": []})
    assert reason(await browser.answer({"credential": stale})) == "unknown_credential"
    assert (await browser.answer({"credential": key2.get(request)})).status_code == 200


async def test_a_credential_registers_once(keys: MyKeys, client: httpx.AsyncClient,
                                           admin: Account, clock: FrozenClock) -> None:
    key = SoftAuthenticator()
    await keys.added(key, "YubiKey")
    again = await keys.add(key, "Again", ignore_exclude=True, reuse=key.credential)
    assert reason(again) == "already_registered"
    assert again.json()["error"]["message"] == "The security key could not be verified."
    other = MyKeys(client, await token_for(client, admin.email or ""))
    assert reason(await other.add(key, "Someone else's", reuse=key.credential)) \
        == "already_registered"
    assert [f["name"] for f in await keys.listed()] == ["YubiKey"]
    assert await other.listed() == []
    enrollment = await other.start("Late")  # an enrolment is good for five minutes
    clock.advance(timedelta(minutes=5, seconds=1))
    late = await other.finish(enrollment, {"credential": SoftAuthenticator().create(
        enrollment["display"]["options"])})
    assert reason(late) == "enrollment_expired"

"""Authenticator-app codes through the JSON API: enrol with any standard app, sign in with a
code, the catalogue's INVALID_OTP with the time-sync hint, single use under racing
submissions, the attempt lockout, and the server learning a device's clock offset."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import httpx
import pyotp
import pytest

from monban.accounts.model import Account, Role
from monban.clock import FrozenClock
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.runtime import Runtime
from monban.store import factors as factor_store
from tests.conftest import PASSWORD, ClientFactory, Updater, error_code, sign_in, token_for
from tests.factors import (
    STEP,
    code_at,
    enroll_totp,
    factor_context,
    mfa_flow,
    pg_runtime,  # noqa: F401 (a fixture)
    verify,
)


async def test_enrol_shows_a_standard_secret_uri_and_qr(
        member: Account, client: httpx.AsyncClient, clock: FrozenClock) -> None:
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/totp", headers=headers,
                                json={"name": "", "params": {}})
    assert started.status_code == 201
    enrollment = started.json()["enrollment"]
    display = enrollment["display"]
    assert len(display["secret"]) == 32 and pyotp.utils.strings_equal(
        display["secret"], display["secret"].upper())
    uri = urlparse(display["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/Monban:{member.email}"
    assert parse_qs(uri.query)["secret"] == [display["secret"]]
    assert parse_qs(uri.query)["issuer"] == ["Monban"]
    assert display["qr_svg"].startswith("<svg") and "</svg>" in display["qr_svg"]
    assert enrollment["expires_at"] == (clock.now() + timedelta(minutes=10)).isoformat()

    confirm_url = f"/api/v1/me/factors/totp/{enrollment['id']}/confirm"
    typo = await client.post(confirm_url, headers=headers, json={"response": {"code": "000000"}})
    assert error_code(typo) == "INVALID_OTP"
    code = code_at(display["secret"], clock)
    confirmed = await client.post(confirm_url, headers=headers, json={"response": {"code": code}})
    assert confirmed.status_code == 201, confirmed.text  # the typo did not spend the enrollment
    assert confirmed.json()["factor"]["name"] == "Authenticator app"
    again = await client.post(confirm_url, headers=headers, json={"response": {"code": code}})
    assert error_code(again) == "NOT_FOUND"  # one confirmation per enrollment
    listed = (await client.get("/api/v1/me/factors", headers=headers)).json()["factors"]
    assert [f["kind"] for f in listed] == ["totp"]


async def test_enrollment_expires_after_ten_minutes(
        member: Account, client: httpx.AsyncClient, clock: FrozenClock) -> None:
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/totp", headers=headers, json={})
    enrollment = started.json()["enrollment"]
    clock.advance(timedelta(minutes=10, seconds=1))
    late = await client.post(f"/api/v1/me/factors/totp/{enrollment['id']}/confirm",
                             headers=headers, json={"response": {
                                 "code": code_at(enrollment["display"]["secret"], clock)}})
    assert error_code(late) == "NOT_FOUND"


async def test_sign_in_with_a_code(member: Account, client: httpx.AsyncClient,
                                   clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    flow = await mfa_flow(client, member)
    assert [(f["id"], f["kind"]) for f in flow["factors"]] == [(factor_id, "totp")]
    challenge = await client.post(f"/api/v1/signin/flows/{flow['flow']['id']}/mfa/challenge",
                                  json={"factor_id": factor_id})
    assert challenge.json() == {"challenge": {"kind": "totp"}}
    done = await verify(client, flow["flow"]["id"], factor_id, code_at(secret, clock))
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done" and done.json()["token"]


@pytest.mark.parametrize("language, message", [
    ("en", "Incorrect verification code."),
    ("ja", "ワンタイムパスワードが正しくありません。"),
])
async def test_wrong_code_answers_the_catalogue_with_the_time_sync_hint(
        runtime: Runtime, org: Any, client: httpx.AsyncClient, clock: FrozenClock,
        language: str, message: str) -> None:
    account = await runtime.directory.create_account(
        display_name="Taro", email=f"taro-{language}@acme.example", password=PASSWORD,
        org=org, role=Role.MEMBER, language=language)
    secret, factor_id = await enroll_totp(client, account, clock)
    flow = await mfa_flow(client, account)
    wrong = f"{(int(code_at(secret, clock)) + 1) % 1_000_000:06d}"
    for answer in (wrong, "12345", "abcdef"):
        response = await verify(client, flow["flow"]["id"], factor_id, answer)
        assert response.status_code == 401
        error = response.json()["error"]
        assert (error["code"], error["message"]) == ("INVALID_OTP", message)
        assert error["detail"] == {"hint": "time_sync"}
        assert error["help"].endswith(f"/help/errors/INVALID_OTP?lang={language}")


async def test_a_code_works_once(member: Account, client: httpx.AsyncClient,
                                 clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    code = code_at(secret, clock)
    first = await mfa_flow(client, member)
    assert (await verify(client, first["flow"]["id"], factor_id, code)).status_code == 200
    second = await mfa_flow(client, member)
    assert error_code(await verify(client, second["flow"]["id"], factor_id, code)) == "INVALID_OTP"
    clock.advance(STEP)  # the next step's code is a new code
    assert (await verify(client, second["flow"]["id"], factor_id,
                         code_at(secret, clock))).status_code == 200


async def test_the_enrolment_code_cannot_sign_in(member: Account, client: httpx.AsyncClient,
                                                 clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    clock.advance(-STEP)  # back to the step whose code confirmed the enrollment
    flow = await mfa_flow(client, member)
    assert error_code(await verify(client, flow["flow"]["id"], factor_id,
                                   code_at(secret, clock))) == "INVALID_OTP"


async def test_neighbouring_steps_are_accepted(member: Account, client: httpx.AsyncClient,
                                               clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    clock.advance(STEP)  # the step before now was not spent by the enrollment
    for steps in (-1, 1):
        flow = await mfa_flow(client, member)
        response = await verify(client, flow["flow"]["id"], factor_id,
                                code_at(secret, clock, steps))
        assert response.status_code == 200, response.text


async def test_eight_wrong_codes_lock_the_source(member: Account, client: httpx.AsyncClient,
                                                 clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    flow = await mfa_flow(client, member)
    wrong = f"{(int(code_at(secret, clock)) + 500_000) % 1_000_000:06d}"
    codes = [error_code(await verify(client, flow["flow"]["id"], factor_id, wrong))
             for _ in range(8)]
    assert set(codes) == {"INVALID_OTP"}
    locked = await verify(client, flow["flow"]["id"], factor_id, code_at(secret, clock))
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_a_drifting_clock_is_learned_from_two_consecutive_codes(
        member: Account, client: httpx.AsyncClient, clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    flow = await mfa_flow(client, member)
    flow_id = flow["flow"]["id"]
    # The phone runs 90 seconds fast: its code is refused alone, with the time-sync hint...
    first = await verify(client, flow_id, factor_id, code_at(secret, clock, 3))
    assert error_code(first) == "INVALID_OTP"
    assert first.json()["error"]["detail"] == {"hint": "time_sync"}
    # ...and the next code, at the same offset, is accepted.
    clock.advance(STEP)
    assert (await verify(client, flow_id, factor_id, code_at(secret, clock, 3))).status_code == 200
    # The offset is remembered: the next sign-in's first code works at once.
    clock.advance(timedelta(hours=3))
    later = await mfa_flow(client, member)
    response = await verify(client, later["flow"]["id"], factor_id, code_at(secret, clock, 3))
    assert response.status_code == 200, response.text


async def test_a_far_code_is_not_confirmed_by_a_different_offset_or_a_later_try(
        member: Account, client: httpx.AsyncClient, clock: FrozenClock, set_org: Updater
        ) -> None:
    await set_org(lockout_threshold=20)
    secret, factor_id = await enroll_totp(client, member, clock)
    flow_id = (await mfa_flow(client, member))["flow"]["id"]

    async def attempt(steps: int) -> str:
        clock.advance(STEP)
        response = await verify(client, flow_id, factor_id, code_at(secret, clock, steps))
        return "ok" if response.status_code == 200 else error_code(response)

    assert await attempt(5) == "INVALID_OTP"
    assert await attempt(-5) == "INVALID_OTP"  # a different offset: a new candidate only
    assert await attempt(5) == "INVALID_OTP"
    await verify(client, flow_id, factor_id, "000000")  # anything between resets the candidate
    assert await attempt(5) == "INVALID_OTP"
    clock.advance(STEP * 20)  # too late to confirm
    assert await attempt(5) == "INVALID_OTP"
    await set_org(totp_max_drift_steps=4)
    assert await attempt(5) == "INVALID_OTP"  # beyond the org's limit: never a match
    assert await attempt(5) == "INVALID_OTP"
    assert await attempt(0) == "ok"


async def test_removing_the_factor_ends_the_mfa_step(member: Account, client: httpx.AsyncClient,
                                                     clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    flow = await mfa_flow(client, member)  # a session needs the second factor now
    done = await verify(client, flow["flow"]["id"], factor_id, code_at(secret, clock))
    auth = {"Authorization": f"Bearer {done.json()['token']}"}
    removed = await client.delete(f"/api/v1/me/factors/{factor_id}", headers=auth)
    assert removed.json() == {"removed": True}
    plain = await sign_in(client, member.email or "")
    assert plain.status_code == 200 and plain.json()["state"] == "done"


async def test_org_requiring_mfa_enrols_an_app_during_sign_in(
        member: Account, client: httpx.AsyncClient, clock: FrozenClock, set_org: Updater
        ) -> None:
    await set_org(mfa_required=True)
    started = await sign_in(client, member.email or "")
    assert started.json()["state"] == "mfa_enroll" and "totp" in started.json()["enrollable"]
    flow_id = started.json()["flow"]["id"]
    enrol = await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/enroll/totp",
                              json={"name": "Phone"})
    enrollment = enrol.json()["enrollment"]
    url = f"/api/v1/signin/flows/{flow_id}/mfa/enroll/totp/{enrollment['id']}/confirm"
    typo = await client.post(url, json={"response": {"code": "000000"}})
    assert error_code(typo) == "INVALID_OTP"
    done = await client.post(url, json={"response": {
        "code": code_at(enrollment["display"]["secret"], clock)}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


async def race_one_code(runtime: Runtime, account: Account, clock: FrozenClock) -> None:
    """100 concurrent checks of one valid code, straight at the factor (no flow or lockout in
    between): exactly one passes, the others are replays."""
    factor = runtime.factors.registry["totp"]
    enrollment = await factor.enroll(factor_context(account, clock), "Phone", {})
    secret = enrollment.display["secret"]
    await factor.confirm(factor_context(account, clock), enrollment.id,
                         {"code": code_at(secret, clock)})
    clock.advance(STEP)
    ctx = factor_context(account, clock)
    record: FactorRecord = (await runtime.factors.enrolled(account.id))[0]
    code = code_at(secret, clock)
    results = await asyncio.gather(
        *(factor.verify(ctx, record, {"code": code}, {}) for _ in range(100)),
        return_exceptions=True)
    assert sum(r is None for r in results) == 1
    assert all(r is None or isinstance(r, CatalogueError) for r in results)
    assert {r.code for r in results if isinstance(r, CatalogueError)} == {"INVALID_OTP"}
    stored = await runtime.db.run(factor_store.get, account.id, record.id, write=False)
    assert stored is not None and stored.data == {"offset": 0}


async def test_racing_submissions_of_one_code_give_one_success(
        runtime: Runtime, member: Account, clock: FrozenClock) -> None:
    await race_one_code(runtime, member, clock)


async def test_racing_flows_of_one_code_give_one_sign_in(
        member: Account, client: httpx.AsyncClient, client_for: ClientFactory,
        clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    clients = [client_for(ip=f"203.0.113.{n + 1}") for n in range(10)]
    flows = [await mfa_flow(c, member) for c in clients]
    code = code_at(secret, clock)
    answers = await asyncio.gather(*(verify(c, f["flow"]["id"], factor_id, code)
                                     for c, f in zip(clients, flows, strict=True)))
    assert sorted(r.status_code for r in answers) == [200] + [401] * 9


async def test_racing_submissions_on_postgresql(pg_runtime: Runtime,  # noqa: F811
                                                clock: FrozenClock) -> None:
    org = await pg_runtime.directory.create_org("Acme", "acme")
    account = await pg_runtime.directory.create_account(
        display_name="Hanako", email="hanako@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en")
    await race_one_code(pg_runtime, account, clock)

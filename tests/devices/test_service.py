"""The authenticator's server side through the API, in process: linking, push approval with
number matching, deny, time-out, wrong numbers in the lockout, replayed and badly signed
requests, racing answers, the sign-in restriction, the minimum version, QR sign-in."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pyotp

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import ClientFactory, Updater, error_code, sign_in, token_for
from tests.devices import AppDevice, link_code, link_device, push_flow, verify_push


async def _number_choice(device: AppDevice, challenge: dict[str, Any]) -> dict[str, Any]:
    pending = await device.call("GET", "/api/v1/authenticator/challenges")
    assert pending.status_code == 200, pending.text
    found: dict[str, Any] = next(c for c in pending.json()["challenges"]
                                 if c["id"] == challenge["challenge_id"])
    return found


async def test_link_creates_push_and_offline_code_factors(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    headers = device.session
    factors = (await client.get("/api/v1/me/factors", headers=headers)).json()["factors"]
    assert sorted(f["kind"] for f in factors) == ["push", "totp"]
    devices = (await client.get("/api/v1/me/authenticator/devices", headers=headers)).json()
    assert [d["name"] for d in devices["devices"]] == ["Laptop"]
    # The TOTP secret handed to the app works as a normal authenticator-app code.
    started = (await sign_in(client, member.email or "")).json()
    totp = next(f for f in started["factors"] if f["kind"] == "totp")
    clock.advance(timedelta(seconds=30))
    done = await client.post(f"/api/v1/signin/flows/{started['flow']['id']}/mfa/verify", json={
        "factor_id": totp["id"],
        "response": {"code": pyotp.TOTP(device.totp_secret).at(clock.now())}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


async def test_link_code_is_single_use(client: httpx.AsyncClient, member: Account,
                                       clock: FrozenClock) -> None:
    link = await link_code(client, member)
    other = AppDevice(client, clock)
    from monban.devices import signature

    body = {"code": link["code"], "public_key": signature.public_key_text(other.key)}
    first = await client.post("/api/v1/authenticator/devices", json=body,
                              headers={signature.VERSION: "0.1.0"})
    again = await client.post("/api/v1/authenticator/devices", json={
        **body, "public_key": signature.public_key_text(AppDevice(client, clock).key)},
        headers={signature.VERSION: "0.1.0"})
    assert first.status_code == 201
    assert error_code(again) == "FLOW_EXPIRED"


async def test_push_approved_with_the_right_number(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    flow_id, factor_id, challenge = await push_flow(client, member)
    assert 10 <= challenge["number"] <= 99
    seen = await _number_choice(device, challenge)
    assert challenge["number"] in seen["choices"] and len(set(seen["choices"])) == 3
    assert "number" not in seen  # the app must be told by the person, not by the server
    status = f"/api/v1/signin/flows/{flow_id}/push/{challenge['challenge_id']}"
    assert (await client.get(status)).json() == {"status": "pending"}
    waiting = await verify_push(client, flow_id, factor_id)
    assert error_code(waiting) == "INVALID_REQUEST"
    answered = await device.answer(challenge["challenge_id"], challenge["number"])
    assert answered.json() == {"result": "approved"}
    assert (await client.get(status)).json() == {"status": "answered"}
    done = await verify_push(client, flow_id, factor_id)
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


async def test_push_denied(client: httpx.AsyncClient, member: Account,
                           clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    flow_id, factor_id, challenge = await push_flow(client, member)
    assert (await device.answer(challenge["challenge_id"], deny=True)).json() == {
        "result": "denied"}
    refused = await verify_push(client, flow_id, factor_id)
    assert refused.status_code == 403 and error_code(refused) == "PUSH_DENIED"
    assert refused.json()["error"]["message"] == "The sign-in request was denied from your device."


async def test_push_times_out(client: httpx.AsyncClient, member: Account, clock: FrozenClock,
                              runtime: Runtime) -> None:
    device = await link_device(client, member, clock)
    flow_id, factor_id, challenge = await push_flow(client, member)
    clock.advance(runtime.authenticator.setup.push_ttl + timedelta(seconds=1))
    late = await device.answer(challenge["challenge_id"], challenge["number"])
    assert error_code(late) == "PUSH_TIMED_OUT"
    refused = await verify_push(client, flow_id, factor_id)
    assert refused.status_code == 408 and error_code(refused) == "PUSH_TIMED_OUT"


async def test_wrong_number_counts_in_the_lockout(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock,
        set_org: Updater) -> None:
    await set_org(lockout_threshold=2)
    device = await link_device(client, member, clock)
    flow_id, factor_id, challenge = await push_flow(client, member)
    wrong = next(n for n in (await _number_choice(device, challenge))["choices"]
                 if n != challenge["number"])
    assert (await device.answer(challenge["challenge_id"], wrong)).json() == {
        "result": "wrong_number"}
    refused = await verify_push(client, flow_id, factor_id)
    assert error_code(refused) == "PUSH_DENIED"
    assert refused.json()["error"]["detail"]["reason"] == "wrong_number"
    # The wrong number was the first failure: one wrong password now reaches the threshold.
    assert error_code(await sign_in(client, member.email or "", "wrong")) == \
        "INVALID_CREDENTIALS"
    locked = await sign_in(client, member.email or "")
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_a_replayed_request_is_refused(client: httpx.AsyncClient, member: Account,
                                             clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    path = "/api/v1/authenticator/restriction"
    headers = device.headers("GET", path, b"")
    assert (await client.get(path, headers=headers)).status_code == 200
    replayed = await client.get(path, headers=headers)
    assert replayed.status_code == 400 and error_code(replayed) == "INVALID_REQUEST"
    assert replayed.json()["error"]["detail"] == {"signature": "replayed"}


async def test_badly_signed_and_stale_requests_are_refused(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    path = "/api/v1/authenticator/restriction"
    forged = device.headers("GET", path, b"")
    forged["X-Monban-Nonce"] = "another-nonce-0123456789"  # not what was signed
    assert error_code(await client.get(path, headers=forged)) == "SIGNIN_REQUIRED"
    stale = device.headers("GET", path, b"", stamp=int(clock.now().timestamp()) - 3600)
    refused = await client.get(path, headers=stale)
    assert refused.json()["error"]["detail"]["signature"] == "timestamp_out_of_window"
    assert error_code(await client.get(path)) == "SIGNIN_REQUIRED"
    # A signature over another body does not carry this one.
    body = b'{"restricted": true}'
    swapped = device.headers("PUT", path, b'{"restricted": false}')
    assert error_code(await client.put(path, content=body, headers=swapped)) == \
        "SIGNIN_REQUIRED"


async def test_a_hundred_racing_answers_approve_once(
        client_for: ClientFactory, member: Account, clock: FrozenClock) -> None:
    client = client_for()
    device = await link_device(client, member, clock)
    _, _, challenge = await push_flow(client, member)
    answers = await asyncio.gather(*(
        AppDevice(client_for(), clock, device.key, device.device_id).answer(
            challenge["challenge_id"], challenge["number"]) for _ in range(100)))
    approved = [a for a in answers if a.status_code == 200]
    assert len(approved) == 1, [a.text for a in answers[:3]]
    assert {error_code(a) for a in answers if a.status_code != 200} == {"FLOW_EXPIRED"}


async def test_restriction_refuses_new_sign_ins_only(
        client_for: ClientFactory, runtime: Runtime, org: Any, clock: FrozenClock) -> None:
    client = client_for(lang="ja")
    hanako = await runtime.directory.create_account(
        display_name="花子", email="hanako.ja@acme.example", password="correct horse battery",
        org=org, language="ja")
    device = await link_device(client, hanako, clock)
    open_session = device.session  # opened before the restriction
    assert (await device.call("PUT", "/api/v1/authenticator/restriction",
                              {"restricted": True})).json() == {"restricted": True}
    refused = await sign_in(client, hanako.email or "")
    assert refused.status_code == 403 and error_code(refused) == "SIGNIN_RESTRICTED"
    assert refused.json()["error"]["message"] == \
        "サインイン制限が有効になっています。OneAuthアプリで無効にできます。"
    wrong_password = await sign_in(client, hanako.email or "", "not the password")
    assert error_code(wrong_password) == "INVALID_CREDENTIALS"  # a guesser learns nothing
    assert (await client.get("/api/v1/me", headers=open_session)).status_code == 200
    listed = (await device.call("GET", "/api/v1/authenticator/sessions")).json()["sessions"]
    assert len(listed) >= 1
    await device.call("PUT", "/api/v1/authenticator/restriction", {"restricted": False})
    assert (await sign_in(client, hanako.email or "")).status_code == 200


async def test_restriction_in_english(client: httpx.AsyncClient, member: Account,
                                      clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    await device.call("PUT", "/api/v1/authenticator/restriction", {"restricted": True})
    refused = await sign_in(client, member.email or "")
    assert refused.json()["error"]["message"] == \
        "Sign-in restriction is enabled. You can turn it off in the OneAuth app."


async def test_the_app_can_end_a_session(client: httpx.AsyncClient, member: Account,
                                         clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    headers = device.session
    me = (await client.get("/api/v1/me/sessions", headers=headers))
    current = next(s["id"] for s in me.json()["sessions"] if s["current"])
    ended = await device.call("DELETE", f"/api/v1/authenticator/sessions/{current}")
    assert ended.status_code == 200, ended.text
    assert error_code(await client.get("/api/v1/me", headers=headers)) == "SESSION_EXPIRED"


async def test_support_lifts_a_restriction(client: httpx.AsyncClient, member: Account,
                                           admin: Account, org: Any,
                                           clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    await device.call("PUT", "/api/v1/authenticator/restriction", {"restricted": True})
    path = f"/api/v1/orgs/{org.slug}/members/{member.id}/signin-restriction"
    member_headers = await token_for(client, admin.email or "")  # admin has no device
    lifted = await client.delete(path, headers=member_headers)
    assert lifted.json() == {"restricted": False, "changed": True}
    assert (await sign_in(client, member.email or "")).status_code == 200


async def test_old_app_must_be_updated(client_for: ClientFactory, member: Account,
                                       clock: FrozenClock, set_org: Updater) -> None:
    client = client_for()
    device = await link_device(client, member, clock)
    await set_org(authenticator_min_version="9.0")
    refused = await device.call("GET", "/api/v1/authenticator/challenges")
    assert refused.status_code == 403 and error_code(refused) == "AUTHENTICATOR_UPDATE_REQUIRED"
    assert refused.json()["error"]["message"] == \
        "You need to update the OneAuth app to sign in to your account."
    started = (await sign_in(client, member.email or "")).json()
    push = next(f for f in started["factors"] if f["kind"] == "push")
    challenged = await client.post(f"/api/v1/signin/flows/{started['flow']['id']}/mfa/challenge",
                                   json={"factor_id": push["id"]})
    assert error_code(challenged) == "AUTHENTICATOR_UPDATE_REQUIRED"
    ja = client_for(lang="ja")
    ja_started = (await sign_in(ja, member.email or "")).json()
    # The member's own language (en) wins over Accept-Language once the account is known;
    # the ja text is checked on a ja account in test_update_message_in_japanese.
    assert ja_started["state"] == "mfa"


async def test_update_message_in_japanese(client_for: ClientFactory, runtime: Runtime,
                                          org: Any, clock: FrozenClock,
                                          set_org: Updater) -> None:
    client = client_for(lang="ja")
    taro = await runtime.directory.create_account(
        display_name="太郎", email="taro@acme.example", password="correct horse battery",
        org=org, language="ja")
    device = await link_device(client, taro, clock)
    await set_org(authenticator_min_version="9.0")
    refused = await device.call("GET", "/api/v1/authenticator/device")
    assert refused.json()["error"]["message"] == \
        "アカウントにログインするには、OneAuthアプリを更新する必要があります。"


async def test_qr_sign_in(client_for: ClientFactory, member: Account, clock: FrozenClock,
                          set_org: Updater) -> None:
    browser, phone = client_for("203.0.113.9"), client_for()
    device = await link_device(phone, member, clock)
    started = (await browser.post("/api/v1/signin/qr")).json()["qr"]
    qr_id, secret = started["id"], started["secret"]
    assert started["payload"].startswith("monban-authenticator://signin?")
    finish = f"/api/v1/signin/qr/{qr_id}/finish"
    assert (await browser.post(finish, json={"secret": secret})).status_code == 202
    not_allowed = await device.call("POST", f"/api/v1/authenticator/qr/{qr_id}/approve", {})
    assert error_code(not_allowed) == "SIGNIN_METHOD_NOT_ALLOWED"
    await set_org(qr_signin_allowed=True)
    seen = (await device.call("GET", f"/api/v1/authenticator/qr/{qr_id}")).json()
    assert seen["ip"] == "203.0.113.9"
    approved = await device.call("POST", f"/api/v1/authenticator/qr/{qr_id}/approve", {})
    assert approved.status_code == 200, approved.text
    stolen = await browser.post(finish, json={"secret": "not-the-browser-secret"})
    assert error_code(stolen) == "FLOW_EXPIRED"
    done = await browser.post(finish, json={"secret": secret})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text
    again = await browser.post(finish, json={"secret": secret})
    assert error_code(again) == "FLOW_EXPIRED"


async def test_a_qr_sign_in_over_the_session_limit_stays_with_its_browser(
        client_for: ClientFactory, member: Account, clock: FrozenClock,
        set_org: Updater) -> None:
    """Issue 12.2: the flow a QR finish creates (CONCURRENT_SESSION_LIMIT, then "end the
    other sessions") is bound to the browser that finished, like every flow."""
    await set_org(qr_signin_allowed=True, session_limit=1, daily_signin_limit=0)
    phone = client_for()
    device = await link_device(phone, member, clock)
    assert (await sign_in(client_for(), member.email or "")).status_code == 200
    browser = client_for("203.0.113.9")
    browser.cookies.clear()
    started = (await browser.post("/api/v1/signin/qr")).json()
    qr_id, secret, token = started["qr"]["id"], started["qr"]["secret"], started["flow_token"]
    browser.cookies.clear()  # a caller without a cookie jar: it keeps flow_token
    browser.headers["x-flow-token"] = token
    await device.call("POST", f"/api/v1/authenticator/qr/{qr_id}/approve", {})
    limited = await browser.post(f"/api/v1/signin/qr/{qr_id}/finish", json={"secret": secret})
    assert error_code(limited) == "CONCURRENT_SESSION_LIMIT", limited.text
    end_others = f"/api/v1/signin/flows/{limited.json()['error']['detail']['flow_id']}" \
        "/end-other-sessions"
    assert error_code(await client_for("198.51.100.99").post(end_others)) == "FLOW_EXPIRED"
    done = await browser.post(end_others)
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


async def test_qr_sign_in_is_refused_while_restricted(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock,
        set_org: Updater) -> None:
    await set_org(qr_signin_allowed=True)
    device = await link_device(client, member, clock)
    await device.call("PUT", "/api/v1/authenticator/restriction", {"restricted": True})
    qr_id = (await client.post("/api/v1/signin/qr")).json()["qr"]["id"]
    refused = await device.call("POST", f"/api/v1/authenticator/qr/{qr_id}/approve", {})
    assert error_code(refused) == "SIGNIN_RESTRICTED"


async def test_removing_a_device_removes_its_factors(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    headers = device.session
    removed = await client.delete(f"/api/v1/me/authenticator/devices/{device.device_id}",
                                  headers=headers)
    assert removed.status_code == 200
    factors = (await client.get("/api/v1/me/factors", headers=headers)).json()["factors"]
    assert factors == []
    gone = await device.call("GET", "/api/v1/authenticator/challenges")
    assert error_code(gone) == "SIGNIN_REQUIRED"


async def test_a_new_request_replaces_the_flows_old_one_and_floods_are_capped(
        client_for: ClientFactory, member: Account, clock: FrozenClock) -> None:
    client = client_for()
    device = await link_device(client, member, clock)
    flow_id, factor_id, first = await push_flow(client, member)
    again = await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/challenge",
                              json={"factor_id": factor_id})
    second = again.json()["challenge"]
    pending = (await device.call("GET", "/api/v1/authenticator/challenges")).json()
    assert [c["id"] for c in pending["challenges"]] == [second["challenge_id"]]
    assert error_code(await device.answer(first["challenge_id"], first["number"])) == \
        "FLOW_EXPIRED"
    for _ in range(2):  # other browsers: three requests may wait at once
        await push_flow(client_for(), member)
    flooder = client_for()
    flooded = await sign_in(flooder, member.email or "")
    push = next(f for f in flooded.json()["factors"] if f["kind"] == "push")
    refused = await flooder.post(f"/api/v1/signin/flows/{flooded.json()['flow']['id']}"
                                "/mfa/challenge", json={"factor_id": push["id"]})
    assert refused.json()["error"]["detail"]["push"] == "too_many_pending"


async def test_removing_the_push_method_unlinks_the_device(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock) -> None:
    device = await link_device(client, member, clock)
    headers = device.session
    factors = (await client.get("/api/v1/me/factors", headers=headers)).json()["factors"]
    push = next(f for f in factors if f["kind"] == "push")
    assert (await client.delete(f"/api/v1/me/factors/{push['id']}", headers=headers)
            ).status_code == 200
    assert (await client.get("/api/v1/me/factors", headers=headers)).json()["factors"] == []
    assert error_code(await device.call("GET", "/api/v1/authenticator/sessions")) == \
        "SIGNIN_REQUIRED"

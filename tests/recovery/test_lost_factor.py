"""A lost phone or authenticator: a code to a recovery contact plus the password signs the
person in, flagged to enrol again (or enrolling on the spot where the org requires MFA)."""

from __future__ import annotations

import httpx
import pyotp

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.runtime import Runtime
from monban.store import accounts
from tests.conftest import PASSWORD, Updater, error_code, sign_in
from tests.factors import enroll_totp
from tests.factors.sms_provider import MailServer
from tests.recovery.conftest import add_verified, coded_flow, mails_to, verify


async def test_code_and_password_sign_in_without_the_lost_factor(
        member: Account, runtime: Runtime, client: httpx.AsyncClient, mail: MailServer,
        clock: FrozenClock) -> None:
    await enroll_totp(client, member, clock)
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member, "mfa")
    step = await verify(client, flow_id, code)
    assert step.json()["state"] == "r_password", step.text  # the lost factor is not asked
    url = f"/api/v1/recovery/flows/{flow_id}/signin"
    assert error_code(await client.post(url, json={"password": "not it"})) == (
        "INVALID_CREDENTIALS")
    done = await client.post(url, json={"password": PASSWORD})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text
    assert done.json()["next"] == "/account/security#two-step"
    stored = await runtime.db.run(accounts.get, member.id)
    assert stored is not None and stored.must_enroll_mfa
    notice = mails_to(mail, "hanako@acme.example")[-1]
    assert notice["Subject"] == "[Monban] Signed in without two-step verification"
    # a normal sign-in still asks for the factor: recovery did not remove it
    assert (await sign_in(client, member.label)).json()["state"] == "mfa"


async def test_an_org_requiring_mfa_enrols_a_new_method_before_the_session(
        member: Account, runtime: Runtime, client: httpx.AsyncClient, mail: MailServer,
        clock: FrozenClock, set_org: Updater) -> None:
    await enroll_totp(client, member, clock)
    await set_org(mfa_required=True)
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member, "mfa")
    await verify(client, flow_id, code)
    step = await client.post(f"/api/v1/recovery/flows/{flow_id}/signin",
                             json={"password": PASSWORD})
    assert step.json()["state"] == "mfa_enroll" and "totp" in step.json()["enrollable"]
    assert "token" not in step.json()
    base = f"/api/v1/signin/flows/{flow_id}/mfa/enroll/totp"
    started = (await client.post(base, json={"params": {}})).json()["enrollment"]
    secret = started["display"]["secret"]
    done = await client.post(f"{base}/{started['id']}/confirm",
                             json={"response": {"code": pyotp.TOTP(secret).at(clock.now())}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


async def test_the_orgs_ip_list_still_applies(member: Account, org: Org, runtime: Runtime,
                                              client: httpx.AsyncClient, mail: MailServer
                                              ) -> None:
    await add_verified(runtime, member)
    await runtime.directory.add_ip_rule("org", org.id, "10.0.0.0/8", "Office")
    flow_id, code = await coded_flow(client, mail, member, "mfa")
    await verify(client, flow_id, code)
    answer = await client.post(f"/api/v1/recovery/flows/{flow_id}/signin",
                               json={"password": PASSWORD})
    assert error_code(answer) == "IP_NOT_ALLOWED"


async def test_a_sign_in_flow_cannot_be_pushed_through_recovery_steps(
        member: Account, runtime: Runtime, client: httpx.AsyncClient) -> None:
    flow = (await client.post("/api/v1/signin/flows", json={"identifier": member.label})).json()
    answer = await client.post(f"/api/v1/recovery/flows/{flow['flow']['id']}/signin",
                               json={"password": PASSWORD})
    assert error_code(answer) == "FLOW_EXPIRED"

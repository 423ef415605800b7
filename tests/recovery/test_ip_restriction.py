"""Shut out by one's own allowed-IP list: prove who you are (recovery code, then the
account's MFA) and clear or edit the list from wherever you are. The org's list stays."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import Updater, error_code, sign_in
from tests.factors import code_at, enroll_totp
from tests.factors.sms_provider import MailServer
from tests.recovery.conftest import add_verified, coded_flow, mails_to, verify


async def test_clear_my_own_list_from_elsewhere(member: Account, runtime: Runtime,
                                                client: httpx.AsyncClient, mail: MailServer,
                                                set_org: Updater) -> None:
    await set_org(self_reset_allowed=False)  # about passwords: not this
    await runtime.directory.add_ip_rule("account", member.id, "10.0.0.0/8", "Office")
    assert error_code(await sign_in(client, member.label)) == "IP_NOT_ALLOWED"
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member, "ip")
    step = await verify(client, flow_id, code)
    assert step.json()["state"] == "r_allowed_ips"
    listed = (await client.get(f"/api/v1/recovery/flows/{flow_id}/allowed-ips")).json()
    assert [r["cidr"] for r in listed["allowed_ips"]] == ["10.0.0.0/8"]
    assert listed["your_ip"] == "198.51.100.7"
    cleared = await client.delete(f"/api/v1/recovery/flows/{flow_id}/allowed-ips")
    assert cleared.json() == {"removed": 1}
    assert (await sign_in(client, member.label)).status_code == 200
    notice = mails_to(mail, "hanako@acme.example")[-1]
    assert notice["Subject"] == "[Monban] Your allowed IP addresses were changed"


async def test_mfa_first_then_add_where_i_am(member: Account, runtime: Runtime,
                                             client: httpx.AsyncClient, mail: MailServer,
                                             clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    await runtime.directory.add_ip_rule("account", member.id, "10.0.0.0/8", "Office")
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member, "ip")
    assert (await verify(client, flow_id, code)).json()["state"] == "r_mfa"
    early = await client.delete(f"/api/v1/recovery/flows/{flow_id}/allowed-ips")
    assert error_code(early) == "FLOW_EXPIRED"
    proved = await client.post(f"/api/v1/recovery/flows/{flow_id}/mfa/verify", json={
        "factor_id": factor_id, "response": {"code": code_at(secret, clock)}})
    assert proved.json()["state"] == "r_allowed_ips", proved.text
    added = await client.post(f"/api/v1/recovery/flows/{flow_id}/allowed-ips",
                              json={"name": "Hotel"})
    assert added.status_code == 201 and added.json()["allowed_ip"]["cidr"] == "198.51.100.7/32"
    rules = await runtime.directory.ip_rules("account", member.id)
    assert sorted(r.cidr for r in rules) == ["10.0.0.0/8", "198.51.100.7/32"]
    assert (await sign_in(client, member.label)).json()["state"] == "mfa"


async def test_the_orgs_list_stays_with_the_admin(member: Account, org: Org, runtime: Runtime,
                                                  client: httpx.AsyncClient, mail: MailServer
                                                  ) -> None:
    await runtime.directory.add_ip_rule("org", org.id, "10.0.0.0/8", "Office")
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member, "ip")
    await verify(client, flow_id, code)
    listed = (await client.get(f"/api/v1/recovery/flows/{flow_id}/allowed-ips")).json()
    assert listed["allowed_ips"] == []
    assert (await client.delete(f"/api/v1/recovery/flows/{flow_id}/allowed-ips")).json() == {
        "removed": 0}
    assert error_code(await sign_in(client, member.label)) == "IP_NOT_ALLOWED"
    assert len(await runtime.directory.ip_rules("org", org.id)) == 1

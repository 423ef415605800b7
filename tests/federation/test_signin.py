"""Federated sign-in through the JSON API against a real OpenID provider (oidc-provider on
loopback): linking by (issuer, subject), the two-accounts problem, FEDERATED_EMAIL_CONFLICT,
no silent linking by email, account creation for an org's own IdP, and the rest of sign-in
(allowed IPs, MFA, org method settings) applying after the provider answers."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from monban.accounts.model import Account, Org, Role
from monban.federation.provider import Provider
from monban.runtime import Runtime
from monban.store import accounts as account_store
from monban.store import federated_links
from tests.conftest import ClientFactory, Updater, error_code, token_for
from tests.federation.flows import federated_signin, link, new_sub
from tests.federation.idp import TestIdP

pytestmark = pytest.mark.usefixtures("provider")


async def _count_accounts(runtime: Runtime) -> int:
    return await runtime.db.run(account_store.count, write=False)


async def test_unknown_subject_with_no_account_is_refused(client: AsyncClient, idp: TestIdP,
                                                          runtime: Runtime) -> None:
    sub = new_sub()
    idp.set_account(sub, f"{sub}@nowhere.example")
    before = await _count_accounts(runtime)
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 404
    assert error_code(response) == "ACCOUNT_NOT_FOUND"
    assert await _count_accounts(runtime) == before


async def test_matching_email_is_not_linked_silently(client: AsyncClient, idp: TestIdP,
                                                     member: Account, runtime: Runtime) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)  # verified, same address as the member's
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 409
    body = response.json()["error"]
    assert body["code"] == "FEDERATED_LINK_REQUIRED"
    assert body["message"] == ("An account with this email address already exists. Sign in "
                               "to it first, then link Test IdP.")
    assert body["detail"]["link_url"] == "/signin?next=/account/linked"
    assert await runtime.db.run(federated_links.find, idp.issuer, sub, write=False) is None


async def test_hidden_existence_is_not_revealed(client: AsyncClient, idp: TestIdP,
                                                member: Account, set_org: Updater) -> None:
    await set_org(hide_account_existence=True)
    sub = new_sub()
    idp.set_account(sub, member.email)
    response = await federated_signin(client, idp, sub)
    assert error_code(response) == "ACCOUNT_NOT_FOUND"


async def test_link_then_sign_in_with_the_provider(client: AsyncClient, idp: TestIdP,
                                                   member: Account) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    headers = await token_for(client, "hanako@acme.example")
    linked = await link(client, headers, idp, sub)
    assert linked.status_code == 200, linked.text
    assert linked.json()["linked_account"]["provider"]["slug"] == "testidp"
    signed_in = await federated_signin(client, idp, sub)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["account"]["id"] == member.id
    me = await client.get("/api/v1/me/linked-accounts",
                          headers={"Authorization": f"Bearer {signed_in.json()['token']}"})
    assert [item["issuer"] for item in me.json()["linked_accounts"]] == [idp.issuer]
    assert me.json()["linked_accounts"][0]["last_used_at"] is not None


async def test_email_changed_at_the_provider_signs_into_the_same_account(
        client: AsyncClient, idp: TestIdP, member: Account, runtime: Runtime) -> None:
    """The seed page's two-accounts problem: never a second account."""
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    before = await _count_accounts(runtime)
    idp.set_account(sub, "hanako.new@acme.example")
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 200, response.text
    assert response.json()["account"]["id"] == member.id
    assert response.json()["account"]["email"] == "hanako.new@acme.example"
    assert await _count_accounts(runtime) == before


async def test_email_not_synced_when_the_org_says_no(client: AsyncClient, idp: TestIdP,
                                                     member: Account, set_org: Updater) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    await set_org(federated_email_sync=False)
    idp.set_account(sub, "elsewhere@acme.example")
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 200
    assert response.json()["account"]["email"] == "hanako@acme.example"


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "The email address you changed at Test IdP is already used by another account."),
    ("ja", "Test IdPで変更されたメールアドレスは、既に別のアカウントで使用されています。"),
])
async def test_email_taken_by_another_account_is_a_conflict(
        client_for: ClientFactory, idp: TestIdP, member: Account, admin: Account,
        runtime: Runtime, lang: str, text: str) -> None:
    if lang == "ja":
        await runtime.directory.update_account(member, language="ja")
    client = client_for(lang=lang)
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    idp.set_account(sub, admin.email)  # the address of another account
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 409
    body = response.json()["error"]
    assert body["code"] == "FEDERATED_EMAIL_CONFLICT"
    assert body["message"] == text
    assert body["detail"]["fixes"] == [
        "change_back_at_provider", "remove_address_from_other_account", "close_other_account",
        "sign_in_with_email_code", "support_can_merge"]
    assert body["help"].endswith(f"/help/errors/FEDERATED_EMAIL_CONFLICT?lang={lang}")
    unchanged = await runtime.directory.account(member.id)
    assert unchanged.email == "hanako@acme.example"


async def test_unverified_email_change_is_ignored(client: AsyncClient, idp: TestIdP,
                                                  member: Account, admin: Account) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    idp.set_account(sub, admin.email, verified=False)
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 200
    assert response.json()["account"]["email"] == "hanako@acme.example"


async def test_identity_linked_to_another_account_cannot_be_linked_again(
        client: AsyncClient, idp: TestIdP, member: Account, admin: Account) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    response = await link(client, await token_for(client, "admin@acme.example"), idp, sub)
    assert response.status_code == 409
    assert error_code(response) == "FEDERATED_ALREADY_LINKED"


async def test_org_can_turn_the_provider_off(client: AsyncClient, idp: TestIdP,
                                             member: Account, set_org: Updater) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    await set_org(federated_providers=["google"])
    response = await federated_signin(client, idp, sub)
    assert response.status_code == 403
    assert error_code(response) == "SIGNIN_METHOD_NOT_ALLOWED"


async def test_allowed_ips_apply_after_the_provider(client_for: ClientFactory, idp: TestIdP,
                                                    member: Account, runtime: Runtime,
                                                    org: Org) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    inside = client_for(ip="10.1.2.3")
    await link(inside, await token_for(inside, "hanako@acme.example"), idp, sub)
    await runtime.directory.add_ip_rule("org", org.id, "10.0.0.0/8", "Office")
    outside = await federated_signin(client_for(ip="203.0.113.9"), idp, sub)
    assert outside.status_code == 403
    assert error_code(outside) == "IP_NOT_ALLOWED"
    assert (await federated_signin(inside, idp, sub)).status_code == 200


async def test_mfa_applies_unless_the_org_trusts_the_provider(
        client: AsyncClient, idp: TestIdP, member: Account, set_org: Updater) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    await set_org(mfa_required=True)
    second = await federated_signin(client, idp, sub, mfa=True)
    assert second.status_code == 200
    assert second.json()["state"] == "mfa_enroll"  # Monban's own second step
    await set_org(federated_trust_mfa=True)
    without = await federated_signin(client, idp, sub, mfa=False)
    assert without.json()["state"] == "mfa_enroll"  # the provider did not say mfa
    trusted = await federated_signin(client, idp, sub, mfa=True)
    assert trusted.json()["state"] == "done"


async def test_org_idp_creates_accounts_on_claimed_domains_only(
        client: AsyncClient, idp: TestIdP, runtime: Runtime, org: Org) -> None:
    from tests.federation.idp import CLIENT_ID, CLIENT_SECRET

    registry = runtime.federation.registry
    await registry.remove(await registry.get("testidp"))
    await registry.add(slug="acme-sso", display_name="Acme SSO", issuer=idp.issuer,
                       client_id=CLIENT_ID, client_secret=CLIENT_SECRET, org_id=org.id,
                       auto_create=True)
    await runtime.directory.add_domain(org, "acme.example")

    async def sign_in(sub: str) -> object:
        response = await client.post("/api/v1/signin/federated", json={"provider": "acme-sso"})
        from tests.federation.idp import answer_of

        back = idp.login(response.json()["authorization_url"], sub)
        return await client.post("/api/v1/signin/federated/callback", json=answer_of(back))

    stranger = new_sub()
    idp.set_account(stranger, f"{stranger}@elsewhere.example")
    refused = await sign_in(stranger)
    assert error_code(refused) == "ACCOUNT_NOT_FOUND"  # type: ignore[arg-type]
    newcomer = new_sub()
    idp.set_account(newcomer, f"{newcomer}@acme.example", name="New Person")
    created = await sign_in(newcomer)
    assert created.status_code == 200, created.text  # type: ignore[attr-defined]
    account = await runtime.directory.account(f"{newcomer}@acme.example")
    assert (account.org_id, account.role, account.password_hash) == (org.id, Role.MEMBER, None)
    assert account.display_name == "New Person"
    # Its only way in is the link: unlinking it is refused.
    token = created.json()["token"]  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {token}"}
    links = (await client.get("/api/v1/me/linked-accounts", headers=headers)).json()
    removed = await client.delete(
        f"/api/v1/me/linked-accounts/{links['linked_accounts'][0]['id']}", headers=headers)
    assert removed.status_code == 409
    assert error_code(removed) == "LAST_SIGNIN_METHOD"


async def test_unlink_with_a_password_left(client: AsyncClient, idp: TestIdP,
                                           member: Account, provider: Provider) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    headers = await token_for(client, "hanako@acme.example")
    link_id = (await link(client, headers, idp, sub)).json()["linked_account"]["id"]
    removed = await client.delete(f"/api/v1/me/linked-accounts/{link_id}", headers=headers)
    assert removed.status_code == 200
    again = await federated_signin(client, idp, sub)
    assert error_code(again) == "FEDERATED_LINK_REQUIRED"


async def test_the_session_says_fed(client: AsyncClient, idp: TestIdP, member: Account,
                                    runtime: Runtime) -> None:
    from monban.store import sessions

    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    done = await federated_signin(client, idp, sub)
    live = await runtime.db.run(sessions.list_live, member.id, runtime.clock.now(), None,
                                write=False)
    by_id = {s.id: s for s in live}
    assert by_id[done.json()["session"]["id"]].amr == "fed"


async def test_lockout_applies(client_for: ClientFactory, idp: TestIdP, member: Account
                               ) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    client = client_for(ip="192.0.2.44")
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    for _ in range(8):
        await client.post("/api/v1/signin/flows", json={"identifier": member.email,
                                                         "password": "wrong password!"})
    locked = await federated_signin(client, idp, sub)
    assert locked.status_code == 429
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_daily_and_session_limits_apply(client: AsyncClient, idp: TestIdP,
                                              member: Account, set_org: Updater) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    await set_org(session_limit=1)  # the password sign-in above holds the one place
    limited = await federated_signin(client, idp, sub)
    assert limited.status_code == 409
    assert error_code(limited) == "CONCURRENT_SESSION_LIMIT"
    flow_id = limited.json()["error"]["detail"]["flow_id"]
    ended = await client.post(f"/api/v1/signin/flows/{flow_id}/end-other-sessions")
    assert ended.status_code == 200, ended.text
    await set_org(session_limit=0, daily_signin_limit=2)  # 2 sign-ins today already
    over = await federated_signin(client, idp, sub)
    assert over.status_code == 429
    assert error_code(over) == "DAILY_SIGNIN_LIMIT"

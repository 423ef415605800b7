"""Answers that must not sign anyone in: a wrong or replayed state, a tampered nonce, a wrong
or missing `iss` (RFC 9207), an ID token from another issuer, the provider's own error, and
a hundred racing callbacks with one answer (one wins)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from httpx import AsyncClient
from sqlalchemy import update

from monban.accounts.model import Account
from monban.db.tables import flows as flows_table
from monban.federation.metadata import MetadataCache
from monban.federation.oidc_client import OidcClient
from monban.federation.provider import Provider
from monban.runtime import Runtime
from monban.store import flows
from monban.store.audit import AuditQuery
from tests.conftest import ClientFactory, error_code, token_for
from tests.federation.conftest import IN_PROCESS
from tests.federation.flows import link, new_sub, start
from tests.federation.idp import TestIdP, answer_of

pytestmark = pytest.mark.usefixtures("provider")


@pytest.fixture
async def linked_sub(client: AsyncClient, idp: TestIdP, member: Account) -> str:
    sub = new_sub()
    idp.set_account(sub, member.email)
    linked = await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    assert linked.status_code == 200, linked.text
    return sub


async def _answer(client: AsyncClient, idp: TestIdP, sub: str) -> dict[str, str]:
    started = await start(client)
    return answer_of(idp.login(started["authorization_url"], sub))


async def test_unknown_state_is_refused(client: AsyncClient, idp: TestIdP,
                                        linked_sub: str) -> None:
    answer = await _answer(client, idp, linked_sub)
    response = await client.post("/api/v1/signin/federated/callback",
                                 json={**answer, "state": "not-a-flow"})
    assert response.status_code == 410
    assert error_code(response) == "FLOW_EXPIRED"


async def test_a_stolen_state_is_refused(client: AsyncClient, client_for: ClientFactory,
                                         idp: TestIdP, linked_sub: str,
                                         runtime: Runtime) -> None:
    """Issue 12.2: the provider's answer (state = the flow id, and a code) taken to another
    client is refused like an unknown flow, audited, and leaves the starter's flow alone."""
    started = await start(client)
    assert started["flow_token"]
    answer = answer_of(idp.login(started["authorization_url"], linked_sub))
    thief = client_for(ip="203.0.113.66")
    for headers in ({}, {"x-flow-token": "y" * 43}):
        response = await thief.post("/api/v1/signin/federated/callback", json=answer,
                                    headers=headers)
        assert response.status_code == 410 and error_code(response) == "FLOW_EXPIRED"
    events = await runtime.directory.audit(AuditQuery(flow_id=answer["state"], limit=20))
    assert [e.event for e in events].count("flow.binding") == 2
    # A client without cookies that kept flow_token finishes it.
    keeper = client_for(ip="198.51.100.77")
    done = await keeper.post("/api/v1/signin/federated/callback", json=answer,
                             headers={"x-flow-token": started["flow_token"]})
    assert done.status_code == 200, done.text


async def test_an_answer_is_used_once(client: AsyncClient, idp: TestIdP,
                                      linked_sub: str) -> None:
    answer = await _answer(client, idp, linked_sub)
    first = await client.post("/api/v1/signin/federated/callback", json=answer)
    assert first.status_code == 200
    again = await client.post("/api/v1/signin/federated/callback", json=answer)
    assert error_code(again) == "FLOW_EXPIRED"


async def test_a_hundred_racing_callbacks_sign_in_once(client: AsyncClient, idp: TestIdP,
                                                       linked_sub: str) -> None:
    answer = await _answer(client, idp, linked_sub)
    responses = await asyncio.gather(*(
        client.post("/api/v1/signin/federated/callback", json=answer) for _ in range(100)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [410] * 99


async def test_tampered_nonce_is_refused(client: AsyncClient, idp: TestIdP, linked_sub: str,
                                         runtime: Runtime) -> None:
    started = await start(client)
    flow = await runtime.db.run(flows.get, started["flow_id"])
    assert flow is not None
    tampered = {**flow.data, "nonce": "another-nonce"}
    await runtime.db.run(lambda conn: conn.execute(
        update(flows_table).where(flows_table.c.id == flow.id).values(data=tampered)))
    answer = answer_of(idp.login(started["authorization_url"], linked_sub))
    response = await client.post("/api/v1/signin/federated/callback", json=answer)
    assert response.status_code == 400
    body = response.json()["error"]
    assert (body["code"], body["detail"]["reason"]) == ("FEDERATED_RESPONSE_INVALID",
                                                        "id_token_nonce")
    assert body["message"] == "The answer from Test IdP could not be verified. Please start again."


@pytest.mark.parametrize(("iss", "reason"), [("http://127.0.0.1:1", "iss_mismatch"),
                                             (None, "iss_missing")])
async def test_wrong_or_missing_iss_is_refused(client: AsyncClient, idp: TestIdP,
                                               linked_sub: str, iss: str | None,
                                               reason: str) -> None:
    answer = await _answer(client, idp, linked_sub)
    assert answer["iss"] == idp.issuer
    answer.pop("iss")
    if iss is not None:
        answer["iss"] = iss
    response = await client.post("/api/v1/signin/federated/callback", json=answer)
    assert error_code(response) == "FEDERATED_RESPONSE_INVALID"
    assert response.json()["error"]["detail"]["reason"] == reason


async def test_id_token_from_another_issuer_is_refused(idp: TestIdP, provider: Provider) -> None:
    """The provider is configured with an issuer the real one's tokens do not carry (its
    endpoints are the real ones): the ID token's iss check refuses it."""
    async with httpx.AsyncClient() as http:
        cache = MetadataCache(http)
        real = await cache.endpoints(provider)
        assert real.jwks_uri
        other = replace(provider, issuer="http://127.0.0.1:1/elsewhere")
        cache._discovered[f"{other.id}:{other.issuer}"] = \
            cache._discovered[f"{provider.id}:{provider.issuer}"]
        client = OidcClient(http, cache)
        sub = new_sub()
        idp.set_account(sub, f"{sub}@x.example")
        started = await client.begin(other, IN_PROCESS, "state-1", "nonce-1")
        answer = answer_of(idp.login(started.url, sub))
        now = int(datetime.now(UTC).timestamp())
        with pytest.raises(Exception) as refused:
            await client.finish(other, answer["code"], IN_PROCESS, started.code_verifier,
                                "nonce-1", now)
        assert getattr(refused.value, "code", None) == "FEDERATED_RESPONSE_INVALID"
        assert refused.value.detail == {"reason": "id_token_iss"}  # type: ignore[attr-defined]


async def test_expired_id_token_is_refused(idp: TestIdP, provider: Provider) -> None:
    async with httpx.AsyncClient() as http:
        client = OidcClient(http, MetadataCache(http))
        sub = new_sub()
        idp.set_account(sub, f"{sub}@x.example")
        started = await client.begin(provider, IN_PROCESS, "state-2", "nonce-2")
        answer = answer_of(idp.login(started.url, sub))
        two_hours_on = int(datetime.now(UTC).timestamp()) + 7200
        with pytest.raises(Exception) as refused:
            await client.finish(provider, answer["code"], IN_PROCESS, started.code_verifier,
                                "nonce-2", two_hours_on)
        assert refused.value.detail == {"reason": "id_token_exp"}  # type: ignore[attr-defined]


async def test_provider_error_is_reported(client: AsyncClient, idp: TestIdP) -> None:
    started = await start(client)
    response = await client.post("/api/v1/signin/federated/callback",
                                 json={"state": started["flow_id"], "error": "access_denied"})
    assert response.status_code == 502
    body = response.json()["error"]
    assert (body["code"], body["detail"]["reason"]) == ("FEDERATED_PROVIDER_ERROR",
                                                        "provider_access_denied")


async def test_api_flow_cannot_finish_in_a_browser(client: AsyncClient, idp: TestIdP,
                                                   linked_sub: str) -> None:
    answer = await _answer(client, idp, linked_sub)
    page = await client.get("/signin/federated/callback", params=answer,
                            headers={"accept": "text/html"})
    assert page.status_code == 400
    assert 'data-code="FEDERATED_RESPONSE_INVALID"' in page.text
    still = await client.post("/api/v1/signin/federated/callback", json=answer)
    assert still.status_code == 200  # the refused attempt did not use up the answer

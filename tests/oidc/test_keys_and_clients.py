"""Key rotation (old tokens stay valid until they expire), RS256 per client, private_key_jwt,
client secrets stored as keyed hashes, and the admin API and CLI for clients."""

from __future__ import annotations

import base64
import secrets
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet
from typer.testing import CliRunner

from monban.accounts.model import Account
from monban.cli import app as cli_app
from monban.clock import FrozenClock
from monban.db.tables import oidc_clients
from monban.oidc import registration
from monban.runtime import Runtime
from tests.conftest import ClientFactory, token_for
from tests.oidc.conftest import REDIRECT, Registered, get_code, new_verifier, redeem, register


async def test_rotation_keeps_old_tokens_valid_until_they_expire(
        runtime: Runtime, browser: httpx.AsyncClient, app_client: Registered,
        clock: FrozenClock) -> None:
    verifier = new_verifier()
    before = (await redeem(browser, app_client, await get_code(browser, app_client.id,
                                                               verifier), verifier)).json()
    old_kid = jwt.decode(before["id_token"], KeySet.import_key_set(
        (await browser.get("/oauth/jwks")).json())).header["kid"]
    new_key = await registration.rotate_keys(runtime.oidc, "ES256")
    jwks = (await browser.get("/oauth/jwks")).json()
    assert {old_kid, new_key.kid} <= {k["kid"] for k in jwks["keys"]}
    # the old ID token still verifies with the published JWKS, the old access token is active
    jwt.decode(before["id_token"], KeySet.import_key_set(jwks), algorithms=["ES256"])
    seen = await browser.post("/oauth/introspect", headers=app_client.basic(),
                              data={"token": before["access_token"]})
    assert seen.json()["active"] is True
    # new tokens are signed with the new key
    verifier = new_verifier()
    after = (await redeem(browser, app_client, await get_code(browser, app_client.id,
                                                              verifier), verifier)).json()
    assert jwt.decode(after["id_token"], KeySet.import_key_set(jwks)).header["kid"] == \
        new_key.kid
    # once every token the old key signed has expired, it leaves the JWKS
    clock.advance(timedelta(hours=1, minutes=2))
    runtime.oidc.forget_keys()
    later = {k["kid"] for k in (await browser.get("/oauth/jwks")).json()["keys"]}
    assert old_kid not in later and new_key.kid in later


async def test_rs256_client(runtime: Runtime, browser: httpx.AsyncClient) -> None:
    reg = await register(runtime, signing_alg="RS256")
    verifier = new_verifier()
    body = (await redeem(browser, reg, await get_code(browser, reg.id, verifier),
                         verifier)).json()
    keys = KeySet.import_key_set((await browser.get("/oauth/jwks")).json())
    assert jwt.decode(body["id_token"], keys, algorithms=["RS256"]).header["alg"] == "RS256"


async def test_private_key_jwt(runtime: Runtime, client: httpx.AsyncClient) -> None:
    key = ECKey.generate_key("P-256", auto_kid=True)
    reg = await register(runtime, auth_method="private_key_jwt",
                         jwks={"keys": [key.as_dict(private=False)]})
    assert reg.secret is not None  # a secret exists but this client may not use it

    def assertion(aud: str, lifetime: int = 60) -> str:
        now = int(time.time())
        return jwt.encode({"alg": "ES256", "kid": key.kid},
                          {"iss": reg.id, "sub": reg.id, "aud": aud,
                           "jti": secrets.token_urlsafe(8),
                           "iat": now, "exp": now + lifetime}, key)

    def form(value: str) -> dict[str, str]:
        return {"grant_type": "client_credentials", "client_assertion": value,
                "client_assertion_type":
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}

    once = assertion("http://testserver/oauth/token")
    ok = await client.post("/oauth/token", data=form(once))
    assert ok.status_code == 200, ok.text
    replayed = await client.post("/oauth/token", data=form(once))
    assert replayed.status_code == 401
    assert replayed.json()["error_description"] == "client assertion was already used"
    wrong_aud = await client.post("/oauth/token", data=form(assertion("https://other")))
    assert wrong_aud.status_code == 401
    long_lived = await client.post("/oauth/token", data=form(
        assertion("http://testserver/oauth/token", 3600)))
    assert long_lived.status_code == 401
    other = ECKey.generate_key("P-256", auto_kid=True)
    now = int(time.time())
    forged = jwt.encode({"alg": "ES256"}, {"iss": reg.id, "sub": reg.id,
                                           "aud": "http://testserver/oauth/token",
                                           "exp": now + 60}, other)
    assert (await client.post("/oauth/token", data=form(forged))).status_code == 401
    secret = await client.post("/oauth/token", headers=reg.basic(),
                               data={"grant_type": "client_credentials"})
    assert secret.status_code == 401


async def test_secret_is_stored_as_a_keyed_hash(runtime: Runtime,
                                                app_client: Registered) -> None:
    from sqlalchemy import select

    def digest(conn: object) -> str:
        return str(conn.execute(select(oidc_clients.c.secret_digest)).scalar())  # type: ignore[attr-defined]

    stored = await runtime.db.run(digest, write=False)
    assert app_client.secret and app_client.secret not in stored and len(stored) == 64
    assert len(base64.urlsafe_b64decode(app_client.secret[4:] + "=")) == 32


async def test_admin_api(client_for: ClientFactory, admin: Account, member: Account) -> None:
    api = client_for()
    headers = await token_for(api, admin.email or "")
    created = await api.post("/api/v1/orgs/acme/oidc/clients", headers=headers, json={
        "name": "Wiki", "redirect_uris": ["https://wiki.acme.example/cb"]})
    assert created.status_code == 201, created.text
    body = created.json()["client"]
    assert body["client_secret"].startswith("mbs_") and body["allow_webview"] is False
    client_id = body["client_id"]
    listed = (await api.get("/api/v1/orgs/acme/oidc/clients", headers=headers)).json()
    assert [c["client_id"] for c in listed["clients"]] == [client_id]
    assert "client_secret" not in listed["clients"][0]
    patched = await api.patch(f"/api/v1/orgs/acme/oidc/clients/{client_id}", headers=headers,
                              json={"allow_webview": True, "redirect_uris": ["http://x.example"]})
    assert patched.status_code == 400 and patched.json()["error"]["code"] == "INVALID_REQUEST"
    patched = await api.patch(f"/api/v1/orgs/acme/oidc/clients/{client_id}", headers=headers,
                              json={"allow_webview": True})
    assert patched.json()["client"]["allow_webview"] is True
    rotated = await api.post(f"/api/v1/orgs/acme/oidc/clients/{client_id}/secret",
                             headers=headers)
    assert rotated.json()["client"]["client_secret"] != body["client_secret"]
    member_api = client_for("198.51.100.8")
    member_headers = await token_for(member_api, member.email or "")
    denied = await member_api.get("/api/v1/orgs/acme/oidc/clients", headers=member_headers)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "PERMISSION_DENIED"
    gone = await api.delete(f"/api/v1/orgs/acme/oidc/clients/{client_id}", headers=headers)
    assert gone.status_code == 204
    missing = await api.get(f"/api/v1/orgs/acme/oidc/clients/{client_id}", headers=headers)
    assert missing.status_code == 404


async def test_org_client_refuses_other_orgs_people(runtime: Runtime,
                                                    browser: httpx.AsyncClient) -> None:
    other = await runtime.directory.create_org("Globex", "globex")
    reg = await register(runtime, org_id=other.id)
    response = await browser.get(f"/oauth/authorize?response_type=code&client_id={reg.id}"
                                 f"&redirect_uri={REDIRECT}&scope=openid&state=s")
    assert "error=access_denied" in response.headers["location"]


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONBAN_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli_app, list(args))
        assert result.exit_code == code, result.output
        return result.output

    out = run("client", "create", "--name", "Expenses", "--redirect-uri",
              "https://app.example/cb", "--grant", "authorization_code", "--grant",
              "client_credentials", "--scope", "openid", "--scope", "profile")
    client_id = out.split("client_id:")[1].split()[0]
    secret = out.split("client_secret:")[1].split()[0]
    assert secret.startswith("mbs_")
    assert client_id in run("client", "list") and secret not in run("client", "list")
    shown = run("client", "show", client_id)
    assert "refused" in shown and secret not in shown
    assert "allowed" in run("client", "update", client_id, "--allow-webview")
    new_secret = run("client", "rotate-secret", client_id).split("client_secret:")[1].split()[0]
    assert new_secret != secret
    assert "INVALID_REQUEST" in run("client", "create", "--name", "Bad", "--redirect-uri",
                                    "http://evil.example/cb", code=2)
    assert "signing" in run("keys", "list")
    assert "new ES256 signing key" in run("keys", "rotate")
    assert "retired" in run("keys", "list")
    run("client", "delete", client_id)
    assert "NOT_FOUND" in run("client", "show", client_id, code=2)


async def test_tokens_of_a_removed_app_are_inactive(runtime: Runtime,
                                                    client: httpx.AsyncClient) -> None:
    doomed = await register(runtime, name="Doomed")
    resource = await register(runtime, name="Resource server")
    token = (await client.post("/oauth/token", headers=doomed.basic(),
                               data={"grant_type": "client_credentials"})).json()["access_token"]
    seen = await client.post("/oauth/introspect", headers=resource.basic(), data={"token": token})
    assert seen.json()["active"] is True
    await registration.delete(runtime.oidc, doomed.client)
    seen = await client.post("/oauth/introspect", headers=resource.basic(), data={"token": token})
    assert seen.json() == {"active": False}

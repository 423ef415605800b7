"""Certified relying-party libraries against a real `monban serve`: Authlib's OAuth client
(Python) and panva's openid-client (npm, on the machine's node) complete code + PKCE, the ID
token checked with the JWKS, UserInfo, refresh with rotation, and reuse detection. Then a
hundred parallel redemptions of one code over real HTTP (PostgreSQL when configured)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import PASSWORD
from tests.nodes import Cluster
from tests.oidc.relying_party import EMAIL, JS, Provider, npm_ci, seed

CALLBACK = "http://127.0.0.1:9/callback"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    root = tmp_path_factory.mktemp("oidc-rp")
    with Cluster(root, database_url=f"sqlite:///{root / 'shared.sqlite3'}") as cluster:
        client_id, secret = seed(cluster, (CALLBACK,))
        (node,) = cluster.start(1)
        yield Provider(node.url, client_id, secret, cluster)


@contextmanager
def browser(provider: Provider) -> Iterator[httpx.Client]:
    """A person's browser, signed in to Monban (the session cookie)."""
    with httpx.Client(base_url=provider.url, headers={"user-agent": CHROME}) as web:
        response = web.post("/api/v1/signin/flows", json={"identifier": EMAIL,
                                                          "password": PASSWORD})
        assert response.status_code == 200, response.text
        web.cookies.set("monban_session", response.json()["token"])
        yield web


def test_authlib_code_pkce_refresh_userinfo(provider: Provider) -> None:
    meta = httpx.get(f"{provider.url}/.well-known/openid-configuration").json()
    rp = OAuth2Client(provider.client_id, provider.client_secret, scope="openid profile email",
                      redirect_uri=CALLBACK, code_challenge_method="S256")
    verifier = generate_token(64)
    uri, state = rp.create_authorization_url(meta["authorization_endpoint"],
                                             code_verifier=verifier, nonce="nonce-1")
    with browser(provider) as web:
        answer = web.get(uri)
    assert answer.status_code == 303, answer.text
    token = rp.fetch_token(meta["token_endpoint"], authorization_response=answer.headers[
        "location"], code_verifier=verifier)
    keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"]).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["ES256"])
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": meta["issuer"]},
                          aud={"essential": True, "value": provider.client_id},
                          nonce={"essential": True, "value": "nonce-1"}).validate(
        id_token.claims)
    info = rp.get(meta["userinfo_endpoint"]).json()
    assert info["name"] == "Hanako Yamada" and info["email"] == EMAIL
    assert info["sub"] == id_token.claims["sub"]

    old_refresh = token["refresh_token"]
    refreshed = rp.refresh_token(meta["token_endpoint"], refresh_token=old_refresh)
    assert refreshed["refresh_token"] != old_refresh
    assert rp.get(meta["userinfo_endpoint"]).status_code == 200
    reuse = httpx.post(meta["token_endpoint"], auth=(provider.client_id,
                                                     provider.client_secret),
                       data={"grant_type": "refresh_token", "refresh_token": old_refresh})
    assert reuse.json()["error"] == "invalid_grant"
    # the family is revoked: the rotated token and its access token are dead too
    assert rp.get(meta["userinfo_endpoint"]).status_code == 401


def test_authlib_with_the_request_posted(provider: Provider) -> None:
    """OpenID Connect Core §3.1.2.1: the authorization request may be a form post (it was
    405). Authlib builds the request; its parameters are posted as the RP's page would, the
    browser follows Monban's 303, and Authlib redeems the code."""
    meta = httpx.get(f"{provider.url}/.well-known/openid-configuration").json()
    rp = OAuth2Client(provider.client_id, provider.client_secret, scope="openid profile email",
                      redirect_uri=CALLBACK, code_challenge_method="S256")
    verifier = generate_token(64)
    uri, _state = rp.create_authorization_url(meta["authorization_endpoint"],
                                              code_verifier=verifier, nonce="nonce-2")
    endpoint, _, query = uri.partition("?")
    with browser(provider) as web:
        posted = web.post(endpoint, content=query, headers={
            "content-type": "application/x-www-form-urlencoded",
            "origin": "http://127.0.0.1:9", "sec-fetch-site": "cross-site"})
        assert posted.status_code == 303, posted.text
        answer = web.get(posted.headers["location"])
    assert answer.status_code == 303, answer.text
    token = rp.fetch_token(meta["token_endpoint"], authorization_response=answer.headers[
        "location"], code_verifier=verifier)
    assert token["id_token"] and rp.get(meta["userinfo_endpoint"]).status_code == 200


def test_openid_client(provider: Provider) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    npm_ci()
    env = {**os.environ, "ISSUER": provider.url, "CLIENT_ID": provider.client_id,
           "CLIENT_SECRET": provider.client_secret, "REDIRECT_URI": CALLBACK,
           "IDENTIFIER": EMAIL, "PASSWORD": PASSWORD}
    done = subprocess.run([node, str(JS / "rp.mjs")], env=env, capture_output=True,
                          text=True, timeout=120, cwd=JS)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["name"] == "Hanako Yamada" and result["email"] == EMAIL
    assert result["amr"] == ["pwd"] and isinstance(result["auth_time"], int)
    assert result["refreshed"] is True
    assert result["reuse"] == "invalid_grant" and result["after_reuse"] == "invalid_grant"
    assert result["active_after_reuse"] is False


def hundred_redemptions(provider: Provider) -> list[int]:
    from monban.oidc import pkce

    verifier = generate_token(64)
    with browser(provider) as web:
        answer = web.get("/oauth/authorize", params={
            "response_type": "code", "client_id": provider.client_id,
            "redirect_uri": CALLBACK, "scope": "openid", "state": "s",
            "code_challenge": pkce.s256(verifier), "code_challenge_method": "S256"})
    code = httpx.URL(answer.headers["location"]).params["code"]

    def redeem(_: int) -> int:
        return httpx.post(f"{provider.url}/oauth/token", timeout=60,
                          auth=(provider.client_id, provider.client_secret),
                          data={"grant_type": "authorization_code", "code": code,
                                "redirect_uri": CALLBACK, "code_verifier": verifier}
                          ).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        return sorted(pool.map(redeem, range(100)))


def test_hundred_parallel_redemptions_over_http(provider: Provider) -> None:
    assert hundred_redemptions(provider) == [200] + [400] * 99


def test_hundred_parallel_redemptions_on_postgresql(tmp_path: Path) -> None:
    url = os.environ.get("MONBAN_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("MONBAN_TEST_POSTGRES_URL is not set")
    from tests.postgres import private_schema

    with private_schema() as schema_url, Cluster(tmp_path, database_url=schema_url) as cluster:
        client_id, secret = seed(cluster, (CALLBACK,))
        a, b = cluster.start(2)
        statuses = hundred_redemptions(Provider(a.url, client_id, secret, cluster))
        assert statuses == [200] + [400] * 99
        assert httpx.get(f"{b.url}/oauth/jwks").json() == httpx.get(
            f"{a.url}/oauth/jwks").json()


def test_negative_cases_against_the_real_server(provider: Provider) -> None:
    """Wrong redirect URI, wrong PKCE verifier, prompt=none without a session (the expired
    code needs a clock to move: tests/oidc/test_authorize_errors.py)."""
    from monban.oidc import pkce

    base = {"response_type": "code", "client_id": provider.client_id, "scope": "openid",
            "state": "s1"}
    with httpx.Client(base_url=provider.url, headers={"user-agent": CHROME}) as anonymous:
        wrong = anonymous.get("/oauth/authorize", params={
            **base, "redirect_uri": "http://127.0.0.1:9/elsewhere"},
            headers={"accept": "text/html"})
        assert wrong.status_code == 400 and "location" not in wrong.headers
        none = anonymous.get("/oauth/authorize", params={
            **base, "redirect_uri": CALLBACK, "prompt": "none"})
        assert none.status_code == 303
        assert httpx.URL(none.headers["location"]).params["error"] == "login_required"
    verifier = generate_token(64)
    with browser(provider) as web:
        answer = web.get("/oauth/authorize", params={
            **base, "redirect_uri": CALLBACK, "code_challenge": pkce.s256(verifier),
            "code_challenge_method": "S256"})
    code = httpx.URL(answer.headers["location"]).params["code"]
    bad = httpx.post(f"{provider.url}/oauth/token",
                     auth=(provider.client_id, provider.client_secret),
                     data={"grant_type": "authorization_code", "code": code,
                           "redirect_uri": CALLBACK, "code_verifier": generate_token(64)})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"

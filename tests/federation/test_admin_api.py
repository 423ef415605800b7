"""Providers through the JSON API: superadmins manage server-wide ones, an org admin manages
the org's own IdP and the org's sign-in methods; members may not; no secret comes back or
reaches the audit log."""

from __future__ import annotations

import json

from httpx import AsyncClient

from monban.accounts.model import Account, Org
from monban.runtime import Runtime
from monban.store.audit import AuditQuery
from tests.conftest import PASSWORD, error_code, token_for

PATH = "/api/v1/admin/identity-providers"


async def _superadmin(runtime: Runtime) -> Account:
    return await runtime.directory.create_account(
        display_name="Root", email="root@example.org", password=PASSWORD, superadmin=True,
        language="en")


async def test_superadmin_adds_and_removes_a_preset(client: AsyncClient,
                                                    runtime: Runtime) -> None:
    await _superadmin(runtime)
    headers = await token_for(client, "root@example.org")
    added = await client.post(PATH, headers=headers, json={
        "slug": "google", "preset": "google", "client_id": "gid",
        "client_secret": "very-secret-google"})
    assert added.status_code == 201, added.text
    assert "very-secret-google" not in added.text
    provider = added.json()["identity_provider"]
    assert (provider["issuer"], provider["protocol"]) == ("https://accounts.google.com", "oidc")
    public = await client.get("/api/v1/signin/providers")
    assert public.json()["providers"] == [
        {"slug": "google", "display_name": "Google", "protocol": "oidc", "org_id": None}]
    events = await runtime.directory.audit(AuditQuery(limit=50))
    assert "very-secret-google" not in json.dumps([e.detail for e in events])
    assert (await client.delete(f"{PATH}/google", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/signin/providers")).json()["providers"] == []


async def test_org_admin_manages_only_its_own_idp(client: AsyncClient, admin: Account,
                                                  member: Account, org: Org) -> None:
    headers = await token_for(client, "admin@acme.example")
    server_wide = await client.post(PATH, headers=headers, json={
        "slug": "google", "preset": "google", "client_id": "x", "client_secret": "y"})
    assert error_code(server_wide) == "PERMISSION_DENIED"
    own = await client.post(PATH, headers=headers, json={
        "slug": "acme-sso", "issuer": "https://sso.acme.example", "client_id": "x",
        "client_secret": "y", "org": "acme", "auto_create": True})
    assert own.status_code == 201, own.text
    listed = await client.get(PATH, headers=headers, params={"org": "acme"})
    assert [p["slug"] for p in listed.json()["identity_providers"]] == ["acme-sso"]
    member_headers = await token_for(client, "hanako@acme.example")
    refused = await client.delete(f"{PATH}/acme-sso", headers=member_headers)
    assert error_code(refused) == "PERMISSION_DENIED"
    settings = await client.patch("/api/v1/orgs/acme/settings", headers=headers, json={
        "federated_providers": ["acme-sso"], "federated_trust_mfa": True})
    assert settings.status_code == 200, settings.text
    bad = await client.patch("/api/v1/orgs/acme/settings", headers=headers, json={
        "federated_providers": ["Not A Slug"]})
    assert error_code(bad) == "INVALID_REQUEST"


async def test_unknown_provider_and_bad_input(client: AsyncClient, runtime: Runtime) -> None:
    unknown = await client.post("/api/v1/signin/federated", json={"provider": "nope"})
    assert unknown.status_code == 404
    assert error_code(unknown) == "NOT_FOUND"
    await _superadmin(runtime)
    headers = await token_for(client, "root@example.org")
    no_issuer = await client.post(PATH, headers=headers, json={
        "slug": "generic", "client_id": "x", "client_secret": "y"})
    assert error_code(no_issuer) == "INVALID_REQUEST"
    assert (await client.get(PATH, headers=headers)).json()["identity_providers"] == []

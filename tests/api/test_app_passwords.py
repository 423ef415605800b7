"""/api/v1/me/app-passwords: made after the password is proved again, shown once, listed by
name, revoked one by one, and never good for the web sign-in."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account
from monban.runtime import Runtime
from tests.conftest import PASSWORD, error_code, sign_in, token_for
from tests.mail import new_app_password


async def test_made_shown_once_listed_by_name_and_revoked(client: httpx.AsyncClient,
                                                          member: Account,
                                                          runtime: Runtime) -> None:
    password_id, password = await new_app_password(client, member, "Thunderbird")
    assert len(password) == 19 and password.replace(" ", "").isalpha()
    headers = await token_for(client, member.email or "")
    listed = (await client.get("/api/v1/me/app-passwords", headers=headers)).json()
    assert [p["name"] for p in listed["app_passwords"]] == ["Thunderbird"]
    assert password.replace(" ", "") not in str(listed)
    events = await runtime.directory.audit(_query(member))
    assert "app_password.created" in {e.event for e in events}
    assert all(password.replace(" ", "") not in str(e) for e in events)
    revoked = await client.delete(f"/api/v1/me/app-passwords/{password_id}", headers=headers)
    assert revoked.json() == {"revoked": True}
    again = await client.delete(f"/api/v1/me/app-passwords/{password_id}", headers=headers)
    assert again.status_code == 404 and error_code(again) == "NOT_FOUND"
    assert (await client.get("/api/v1/me/app-passwords", headers=headers)
            ).json() == {"app_passwords": []}


async def test_making_one_needs_the_current_password(client: httpx.AsyncClient,
                                                     member: Account) -> None:
    headers = await token_for(client, member.email or "")
    refused = await client.post("/api/v1/me/app-passwords", headers=headers,
                                json={"name": "Mail", "current_password": "wrong password"})
    assert refused.status_code == 401 and error_code(refused) == "INVALID_CREDENTIALS"
    assert (await client.get("/api/v1/me/app-passwords", headers=headers)
            ).json() == {"app_passwords": []}
    blank = await client.post("/api/v1/me/app-passwords", headers=headers,
                              json={"name": "   ", "current_password": PASSWORD})
    assert blank.status_code == 400 and error_code(blank) == "INVALID_REQUEST"


async def test_an_app_password_does_not_sign_in_on_the_web(client: httpx.AsyncClient,
                                                           member: Account) -> None:
    _, password = await new_app_password(client, member)
    refused = await sign_in(client, member.email or "", password)
    assert refused.status_code == 401 and error_code(refused) == "INVALID_CREDENTIALS"


async def test_someone_elses_app_password_cannot_be_revoked(client: httpx.AsyncClient,
                                                            member: Account,
                                                            admin: Account) -> None:
    password_id, _ = await new_app_password(client, member)
    headers = await token_for(client, admin.email or "")
    refused = await client.delete(f"/api/v1/me/app-passwords/{password_id}", headers=headers)
    assert refused.status_code == 404


def _query(account: Account):  # type: ignore[no-untyped-def]
    from monban.store.audit import AuditQuery

    return AuditQuery(account_id=account.id)

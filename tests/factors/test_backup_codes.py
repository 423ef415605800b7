"""Backup verification codes through the JSON API: a set shown once, each code good once (also
under racing redemptions), a new set cancelling the old one, and the org's allowed factors."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account, Role
from monban.clock import FrozenClock
from monban.errors import CatalogueError
from monban.runtime import Runtime
from monban.store import factors as factor_store
from tests.conftest import PASSWORD, Updater, error_code, sign_in, token_for
from tests.factors import (
    code_at,
    enroll_totp,
    factor_context,
    mfa_flow,
    pg_runtime,  # noqa: F401 (a fixture)
    verify,
)


async def session(client: httpx.AsyncClient, account: Account, secret: str, totp_id: str,
                  clock: FrozenClock) -> dict[str, str]:
    """A bearer token, through the MFA step with the authenticator app."""
    flow = await mfa_flow(client, account)
    done = await verify(client, flow["flow"]["id"], totp_id, code_at(secret, clock))
    assert done.status_code == 200, done.text
    return {"Authorization": f"Bearer {done.json()['token']}"}


async def make_set(client: httpx.AsyncClient, headers: dict[str, str],
                   **params: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/me/factors/backup_code", headers=headers,
                                 json={"name": "", "params": params})
    assert response.status_code == 201, response.text
    enrollment: dict[str, Any] = response.json()["enrollment"]
    return enrollment


@pytest.fixture
async def with_app(member: Account, client: httpx.AsyncClient,
                   clock: FrozenClock) -> tuple[str, str, dict[str, str]]:
    """The member with an authenticator app (backup codes alone do not make MFA apply) and a
    session; (secret, totp factor id, auth headers)."""
    secret, totp_id = await enroll_totp(client, member, clock)
    headers = await session(client, member, secret, totp_id, clock)
    return secret, totp_id, headers


async def test_a_set_is_shown_once_as_codes_and_a_text_file(
        member: Account, client: httpx.AsyncClient, clock: FrozenClock,
        with_app: tuple[str, str, dict[str, str]]) -> None:
    enrollment = await make_set(client, with_app[2])
    codes = enrollment["display"]["codes"]
    assert len(codes) == 5 and len(set(codes)) == 5
    assert all(re.fullmatch(r"\d{4}-\d{4}-\d{4}", code) for code in codes)
    body = enrollment["display"]["text"]
    assert body.startswith("Monban backup verification codes\n")
    assert f"Account: {member.email}" in body and "Created: 2026-01-01" in body
    assert all(code in body for code in codes)
    factor = enrollment["factor"]
    assert (factor["kind"], factor["name"]) == ("backup_code", "Backup codes")
    more = await make_set(client, with_app[2], count=20)
    assert len(more["display"]["codes"]) == 20
    assert more["factor"]["id"] == factor["id"]  # one factor row per account
    for count in (4, 21, "5", True):
        refused = await client.post("/api/v1/me/factors/backup_code", headers=with_app[2],
                                    json={"params": {"count": count}})
        assert error_code(refused) == "INVALID_REQUEST"
    kinds = [f["kind"] for f in (await client.get("/api/v1/me/factors",
                                                  headers=with_app[2])).json()["factors"]]
    assert sorted(kinds) == ["backup_code", "totp"]


async def test_a_code_signs_in_once_and_a_new_set_cancels_the_old(
        runtime: Runtime, member: Account, client: httpx.AsyncClient,
        with_app: tuple[str, str, dict[str, str]]) -> None:
    enrollment = await make_set(client, with_app[2])
    codes, backup_id = enrollment["display"]["codes"], enrollment["factor"]["id"]
    flow = await mfa_flow(client, member)
    assert backup_id in [f["id"] for f in flow["factors"]]
    challenge = await client.post(f"/api/v1/signin/flows/{flow['flow']['id']}/mfa/challenge",
                                  json={"factor_id": backup_id})
    assert challenge.json() == {"challenge": {"kind": "backup_code"}}
    done = await verify(client, flow["flow"]["id"], backup_id, codes[0])
    assert done.status_code == 200 and done.json()["state"] == "done", done.text
    stored = await runtime.db.run(factor_store.get, member.id, backup_id, write=False)
    assert stored is not None and stored.data["remaining"] == 4

    again = await mfa_flow(client, member)
    reused = await verify(client, again["flow"]["id"], backup_id, codes[0])
    assert error_code(reused) == "BACKUP_CODE_INVALID"
    assert reused.json()["error"]["message"] == "Incorrect backup verification code."
    spaced = codes[1].replace("-", " ")  # typed with spaces, or without separators
    assert (await verify(client, again["flow"]["id"], backup_id, spaced)).status_code == 200

    await make_set(client, with_app[2])  # the old set's codes stop working
    third = await mfa_flow(client, member)
    assert error_code(await verify(client, third["flow"]["id"], backup_id,
                                   codes[2])) == "BACKUP_CODE_INVALID"


async def test_message_in_japanese(runtime: Runtime, org: Any, client: httpx.AsyncClient,
                                   clock: FrozenClock) -> None:
    account = await runtime.directory.create_account(
        display_name="Taro", email="taro@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="ja")
    secret, totp_id = await enroll_totp(client, account, clock)
    headers = await session(client, account, secret, totp_id, clock)
    enrollment = await make_set(client, headers)
    assert enrollment["display"]["text"].startswith("Monban バックアップ認証コード\n")
    flow = await mfa_flow(client, account)
    wrong = await verify(client, flow["flow"]["id"], enrollment["factor"]["id"],
                         "0000-0000-0000")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == "バックアップ認証コードが正しくありません。"


async def test_wrong_codes_count_towards_the_lockout(
        member: Account, client: httpx.AsyncClient,
        with_app: tuple[str, str, dict[str, str]]) -> None:
    enrollment = await make_set(client, with_app[2])
    backup_id = enrollment["factor"]["id"]
    flow = await mfa_flow(client, member)
    for wrong in ("0000-0000-0000", "1", "not a code", "1234-5678-9012", *["000000000000"] * 4):
        assert error_code(await verify(client, flow["flow"]["id"], backup_id,
                                       wrong)) == "BACKUP_CODE_INVALID"
    locked = await verify(client, flow["flow"]["id"], backup_id,
                          enrollment["display"]["codes"][0])
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_org_that_forbids_backup_codes(
        member: Account, client: httpx.AsyncClient, set_org: Updater,
        with_app: tuple[str, str, dict[str, str]]) -> None:
    enrollment = await make_set(client, with_app[2])
    await set_org(allowed_factors=["totp"])
    refused = await client.post("/api/v1/me/factors/backup_code", headers=with_app[2],
                                json={"params": {}})
    assert refused.status_code == 403 and error_code(refused) == "SIGNIN_METHOD_NOT_ALLOWED"
    flow = await mfa_flow(client, member)
    assert [f["kind"] for f in flow["factors"]] == ["totp"]
    answer = await verify(client, flow["flow"]["id"], enrollment["factor"]["id"],
                          enrollment["display"]["codes"][0])
    assert error_code(answer) == "NOT_FOUND"


async def test_backup_codes_alone_do_not_ask_for_mfa(member: Account, client: httpx.AsyncClient,
                                                     runtime: Runtime, clock: FrozenClock
                                                     ) -> None:
    factor = runtime.factors.registry["backup_code"]
    await factor.enroll(factor_context(member, clock), "", {})
    assert (await sign_in(client, member.email or "")).json()["state"] == "done"


async def race_one_code(runtime: Runtime, account: Account, clock: FrozenClock) -> None:
    """100 concurrent redemptions of one code, straight at the factor: exactly one passes."""
    factor = runtime.factors.registry["backup_code"]
    ctx = factor_context(account, clock)
    enrollment = await factor.enroll(ctx, "Paper", {"count": 5})
    record = enrollment.factor
    assert record is not None and record.name == "Paper"
    code = enrollment.display["codes"][0]
    results = await asyncio.gather(
        *(factor.verify(ctx, record, {"code": code}, {}) for _ in range(100)),
        return_exceptions=True)
    assert sum(r is None for r in results) == 1
    assert all(r is None or isinstance(r, CatalogueError) for r in results)
    assert {r.code for r in results if isinstance(r, CatalogueError)} == {"BACKUP_CODE_INVALID"}
    stored = await runtime.db.run(factor_store.get, account.id, record.id, write=False)
    assert stored is not None and stored.data["remaining"] == 4
    with pytest.raises(CatalogueError) as confirm:
        await factor.confirm(ctx, enrollment.id, {"code": code})
    assert confirm.value.code == "INVALID_REQUEST"


async def test_racing_redemptions_of_one_code_give_one_success(
        runtime: Runtime, member: Account, clock: FrozenClock) -> None:
    await race_one_code(runtime, member, clock)


async def test_racing_redemptions_on_postgresql(pg_runtime: Runtime,  # noqa: F811
                                                clock: FrozenClock) -> None:
    org = await pg_runtime.directory.create_org("Acme", "acme")
    account = await pg_runtime.directory.create_account(
        display_name="Hanako", email="hanako@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en")
    await race_one_code(pg_runtime, account, clock)


async def test_removed_codes_stay_removed_when_staff_issue_a_code(
        runtime: Runtime, member: Account, admin: Account, org: Any, client: httpx.AsyncClient,
        with_app: tuple[str, str, dict[str, str]]) -> None:
    """Issue 12.8: remove the backup-code factor, then an org admin issues a one-time code
    (which makes the factor again): none of the removed set's codes may pass again."""
    enrollment = await make_set(client, with_app[2])
    old_codes, old_id = enrollment["display"]["codes"], enrollment["factor"]["id"]
    removed = await client.delete(f"/api/v1/me/factors/{old_id}", headers=with_app[2])
    assert removed.status_code == 200, removed.text
    staff = await token_for(client, admin.label)
    issued = await client.post(f"/api/v1/orgs/{org.slug}/members/{member.id}/backup-code",
                               headers=staff)
    assert issued.status_code == 201, issued.text
    flow = await mfa_flow(client, member)
    backup = next(f for f in flow["factors"] if f["kind"] == "backup_code")
    assert backup["id"] != old_id
    for code in old_codes:
        refused = await verify(client, flow["flow"]["id"], backup["id"], code)
        assert error_code(refused) == "BACKUP_CODE_INVALID", code
    done = await verify(client, flow["flow"]["id"], backup["id"], issued.json()["code"])
    assert done.status_code == 200 and done.json()["state"] == "done", done.text
    stored = await runtime.db.run(factor_store.get, member.id, backup["id"], write=False)
    assert stored is not None and stored.data["remaining"] == 0


async def test_codes_of_a_removed_factor_do_not_answer_for_its_successor(
        runtime: Runtime, member: Account, clock: FrozenClock) -> None:
    """Straight at the factor: a code is redeemed only through the factor row it belongs to."""
    factor = runtime.factors.registry["backup_code"]
    ctx = factor_context(member, clock)
    first = await factor.enroll(ctx, "", {})
    assert first.factor is not None
    await runtime.factors.remove(ctx, first.factor.id)
    second = await factor.enroll(ctx, "", {})
    assert second.factor is not None and second.factor.id != first.factor.id
    with pytest.raises(CatalogueError) as refused:
        await factor.verify(ctx, second.factor, {"code": first.display["codes"][0]}, {})
    assert refused.value.code == "BACKUP_CODE_INVALID"
    with pytest.raises(CatalogueError):  # nor through the removed row, should a flow still hold it
        await factor.verify(ctx, first.factor, {"code": first.display["codes"][1]}, {})
    assert await factor.verify(ctx, second.factor, {"code": second.display["codes"][0]},
                               {}) is None


async def test_a_two_step_reset_takes_the_codes_with_the_factors(
        runtime: Runtime, member: Account, admin: Account, org: Any, client: httpx.AsyncClient,
        clock: FrozenClock, with_app: tuple[str, str, dict[str, str]]) -> None:
    """Every path that deletes the factor row ends its codes (the foreign key's cascade): an
    admin's two-step reset, then a one-time code issued, lets no code of the old set in."""
    old_codes = (await make_set(client, with_app[2]))["display"]["codes"]
    staff = await token_for(client, admin.label)
    base = f"/api/v1/orgs/{org.slug}/members/{member.id}"
    assert (await client.post(f"{base}/reset-mfa", headers=staff)).status_code == 200
    issued = await client.post(f"{base}/backup-code", headers=staff)
    assert issued.status_code == 201, issued.text
    factors = await runtime.factors.enrolled(member.id)
    [backup] = [f for f in factors if f.kind == "backup_code"]
    ctx = factor_context(member, clock)
    for code in old_codes:
        with pytest.raises(CatalogueError):
            await runtime.factors.registry["backup_code"].verify(ctx, backup, {"code": code}, {})
    assert await runtime.factors.registry["backup_code"].verify(
        ctx, backup, {"code": issued.json()["code"]}, {}) is None

"""Who may do what to whom (admin/authorization.py), through the JSON API: the issue's
reproductions (an admin taking over the owner), the whole table of actor role x target role x
act, another org's ids, the last owner, and the CLI."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from monban.accounts.model import Account, Org, Role
from monban.admin.authorization import Action, Target, authorize
from monban.cli import app as cli
from monban.errors import CatalogueError
from monban.runtime import Runtime
from monban.store import accounts
from tests.cli.conftest import FAST
from tests.conftest import PASSWORD, error_code, sign_in, token_for

RANK = {"member": 0, "support": 1, "admin": 2, "owner": 3}
NEW_PASSWORD = "a brand new passphrase 7"


def url(org: Org, account: Account, tail: str = "") -> str:
    return f"/api/v1/orgs/{org.slug}/members/{account.id}{tail}"


async def person(runtime: Runtime, org: Org | None, name: str, role: Role | None = None,
                 superadmin: bool = False) -> Account:
    return await runtime.directory.create_account(
        display_name=name.title(), email=f"{name}@acme.example", password=PASSWORD, org=org,
        role=role, language="en", superadmin=superadmin)


async def stored(runtime: Runtime, account: Account) -> Account:
    found = await runtime.db.run(accounts.get, account.id)
    assert found is not None
    return found


# The issue's reproductions ------------------------------------------------------------------
async def test_an_admin_cannot_set_the_owners_password(
        runtime: Runtime, org: Org, admin: Account, client: httpx.AsyncClient) -> None:
    owner = await person(runtime, org, "owner", Role.OWNER)
    headers = await token_for(client, admin.label)
    answer = await client.put(url(org, owner, "/password"), headers=headers,
                              json={"password": NEW_PASSWORD})
    assert answer.status_code == 403 and error_code(answer) == "PERMISSION_DENIED"
    assert (await sign_in(client, owner.label, NEW_PASSWORD)).status_code != 200
    assert (await sign_in(client, owner.label)).status_code == 200  # the old one still works


async def test_an_admin_cannot_make_themself_owner(
        runtime: Runtime, org: Org, admin: Account, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.label)
    answer = await client.patch(url(org, admin), headers=headers, json={"role": "owner"})
    assert answer.status_code == 403 and error_code(answer) == "PERMISSION_DENIED"
    assert (await stored(runtime, admin)).role == Role.ADMIN


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
async def test_an_admin_cannot_disable_an_owner_or_another_admin(
        runtime: Runtime, org: Org, admin: Account, client: httpx.AsyncClient,
        role: Role) -> None:
    target = await person(runtime, org, "target", role)
    headers = await token_for(client, admin.label)
    answer = await client.patch(url(org, target), headers=headers, json={"disabled": True})
    assert answer.status_code == 403 and error_code(answer) == "PERMISSION_DENIED"
    assert not (await stored(runtime, target)).disabled


# The table ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Act:
    name: str
    least: str
    """The least role that may: "support" or "admin"."""
    call: Callable[[httpx.AsyncClient, Org, Account, dict[str, str]],
                   Awaitable[httpx.Response]]
    owner_on_owner: bool = False


def _role_for(target: Account) -> str:
    return "support" if target.role == Role.MEMBER else "member"


ACTS = [
    Act("change_role", "admin", lambda c, o, t, h: c.patch(
        url(o, t), headers=h, json={"role": _role_for(t)}), owner_on_owner=True),
    Act("change_profile", "admin", lambda c, o, t, h: c.patch(
        url(o, t), headers=h, json={"display_name": "Renamed"})),
    Act("disable", "admin", lambda c, o, t, h: c.patch(
        url(o, t), headers=h, json={"disabled": True})),
    Act("enable", "admin", lambda c, o, t, h: c.patch(
        url(o, t), headers=h, json={"disabled": False})),
    Act("set_password", "support", lambda c, o, t, h: c.put(
        url(o, t, "/password"), headers=h, json={"password": NEW_PASSWORD})),
    Act("reset_password", "support", lambda c, o, t, h: c.post(
        url(o, t, "/reset-password"), headers=h, json={"force_change": False})),
    Act("reset_factors", "support", lambda c, o, t, h: c.post(
        url(o, t, "/reset-mfa"), headers=h)),
    Act("issue_backup_code", "support", lambda c, o, t, h: c.post(
        url(o, t, "/backup-code"), headers=h)),
    Act("end_sessions", "support", lambda c, o, t, h: c.post(
        url(o, t, "/sessions/end-all"), headers=h)),
    Act("lift_restriction", "support", lambda c, o, t, h: c.delete(
        url(o, t, "/signin-restriction"), headers=h)),
]
ACTORS = ["member", "support", "admin", "owner", "superadmin"]
TARGETS = ["member", "support", "admin", "owner"]


def expected(actor: str, target: str, act: Act) -> bool:
    if actor == "superadmin":
        return True
    if RANK[actor] < RANK[act.least]:
        return False
    if actor == target == "owner":
        return act.owner_on_owner
    return RANK[target] < RANK[actor]


@pytest.mark.parametrize("act", ACTS, ids=[a.name for a in ACTS])
@pytest.mark.parametrize("target_role", TARGETS)
@pytest.mark.parametrize("actor_role", ACTORS)
async def test_who_may_do_what_to_whom(
        runtime: Runtime, org: Org, client: httpx.AsyncClient, actor_role: str,
        target_role: str, act: Act) -> None:
    await person(runtime, org, "spare", Role.OWNER)  # so that no owner is the last one
    if actor_role == "superadmin":
        actor = await person(runtime, None, "root", superadmin=True)
    else:
        actor = await person(runtime, org, "actor", Role(actor_role))
    target = await person(runtime, org, "target", Role(target_role))
    if act.name == "enable":
        target = await runtime.directory.update_account(target, disabled=True)
    before = await stored(runtime, target)
    answer = await act.call(client, org, target, await token_for(client, actor.label))
    if expected(actor_role, target_role, act):
        assert answer.status_code in (200, 201), answer.text
    else:
        assert answer.status_code == 403, answer.text
        assert error_code(answer) == "PERMISSION_DENIED"
        assert await stored(runtime, target) == before  # nothing happened


@pytest.mark.parametrize("actor_role", ["admin", "owner"])
async def test_roles_given_stay_below_the_giver_except_owners_make_owners(
        runtime: Runtime, org: Org, client: httpx.AsyncClient, actor_role: str) -> None:
    actor = await person(runtime, org, "actor", Role(actor_role))
    headers = await token_for(client, actor.label)
    for number, role in enumerate(["member", "support", "admin", "owner"]):
        added = await client.post(f"/api/v1/orgs/{org.slug}/members", headers=headers, json={
            "display_name": "New", "email": f"new{number}@acme.example", "role": role,
            "password": PASSWORD})
        may = RANK[role] < RANK[actor_role] or actor_role == "owner"
        assert added.status_code == (201 if may else 403), (role, added.text)
        target = await person(runtime, org, f"promoted{number}", Role.MEMBER)
        promoted = await client.patch(url(org, target), headers=headers, json={"role": role})
        assert promoted.status_code == (200 if may else 403), (role, promoted.text)


async def test_superadmins_are_for_superadmins_and_their_credentials_for_the_operator(
        runtime: Runtime, org: Org) -> None:
    root = await person(runtime, None, "root", superadmin=True)
    other = await person(runtime, None, "other", superadmin=True)
    owner = await person(runtime, org, "owner", Role.OWNER)
    for action in (Action.SET_PASSWORD, Action.RESET_FACTORS, Action.ISSUE_BACKUP_CODE):
        with pytest.raises(CatalogueError, match="PERMISSION_DENIED"):
            authorize(root, action, Target.of(other))
        with pytest.raises(CatalogueError, match="PERMISSION_DENIED"):
            authorize(owner, action, Target.of(root))
        authorize(None, action, Target.of(other))  # the operator, at the command line
    authorize(root, Action.END_SESSIONS, Target.of(other))
    with pytest.raises(CatalogueError, match="PERMISSION_DENIED"):
        authorize(owner, Action.CREATE_ORG, Target())


# Another org ----------------------------------------------------------------------------------
async def test_another_orgs_members_are_out_of_reach(
        runtime: Runtime, org: Org, admin: Account, client: httpx.AsyncClient) -> None:
    other_org = await runtime.directory.create_org("Beta", "beta")
    stranger = await runtime.directory.create_account(
        display_name="Stranger", email="stranger@beta.example", password=PASSWORD,
        org=other_org, role=Role.MEMBER, language="en")
    headers = await token_for(client, admin.label)
    for tail, body in (("", {"disabled": True}), ("/password", {"password": NEW_PASSWORD})):
        method = client.patch if not tail else client.put
        # through their own org: 404; through the other org's URL: 403; never acting
        assert (await method(url(org, stranger, tail), headers=headers, json=body)
                ).status_code == 404
        assert (await method(url(other_org, stranger, tail), headers=headers, json=body)
                ).status_code == 403
    for tail in ("/reset-password", "/reset-mfa", "/backup-code", "/sessions/end-all"):
        assert (await client.post(url(org, stranger, tail), headers=headers, json={})
                ).status_code == 404
        assert (await client.post(url(other_org, stranger, tail), headers=headers, json={})
                ).status_code == 403
    assert (await client.delete(url(org, stranger, "/signin-restriction"), headers=headers)
            ).status_code == 404
    assert not (await stored(runtime, stranger)).disabled
    assert (await sign_in(client, stranger.label)).status_code == 200


# The last owner ---------------------------------------------------------------------------------
async def test_the_last_owner_cannot_be_demoted_or_disabled(
        runtime: Runtime, org: Org, client: httpx.AsyncClient) -> None:
    owner = await person(runtime, org, "owner", Role.OWNER)
    root = await person(runtime, None, "root", superadmin=True)
    headers = await token_for(client, root.label)
    for body in ({"role": "admin"}, {"disabled": True}):
        answer = await client.patch(url(org, owner), headers=headers, json=body)
        assert answer.status_code == 409 and error_code(answer) == "LAST_OWNER", answer.text
    assert (await stored(runtime, owner)).role == Role.OWNER
    second = await person(runtime, org, "second", Role.OWNER)
    assert (await client.patch(url(org, owner), headers=headers, json={"role": "admin"})
            ).status_code == 200
    answer = await client.patch(url(org, second), headers=headers, json={"disabled": True})
    assert error_code(answer) == "LAST_OWNER"


async def test_two_owners_demoting_each_other_leave_one(
        runtime: Runtime, org: Org, client: httpx.AsyncClient) -> None:
    first = await person(runtime, org, "first", Role.OWNER)
    second = await person(runtime, org, "second", Role.OWNER)
    by_first = await token_for(client, first.label)
    by_second = await token_for(client, second.label)
    answers = await asyncio.gather(
        client.patch(url(org, second), headers=by_first, json={"role": "member"}),
        client.patch(url(org, first), headers=by_second, json={"role": "member"}))
    assert sorted(a.status_code for a in answers) in ([200, 403], [200, 409]), [
        a.text for a in answers]
    owners = [a for a in await runtime.directory.members(org) if a.role == Role.OWNER]
    assert len(owners) == 1


def test_the_cli_keeps_the_last_owner(env: dict[str, str]) -> None:
    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args))
        return result.exit_code, result.output

    assert invoke("org", "create", "Acme", "--slug", "acme")[0] == 0
    assert invoke("user", "create", "--email", "o@acme.example", "--name", "O", "--org",
                  "acme", "--role", "owner", "--password", PASSWORD)[0] == 0
    for args in (("user", "set-role", "o@acme.example", "admin"),
                 ("user", "disable", "o@acme.example")):
        code, output = invoke(*args)
        assert code == 2 and "LAST_OWNER" in output, output
    assert invoke("user", "create", "--email", "p@acme.example", "--name", "P", "--org",
                  "acme", "--role", "owner", "--password", PASSWORD)[0] == 0
    code, output = invoke("user", "set-role", "o@acme.example", "admin")
    assert code == 0, output


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"MONBAN_DATA_DIR": f"{tmp_path}/data", "MONBAN_DEFAULT_LANGUAGE": "en", **FAST}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values

"""The console's member acts go through the one authorization rule (admin/authorization.py):
a table of actor role x target role x act, posted as forms with the CSRF field, and the member
page offers only what the actor may do."""

from __future__ import annotations

import pytest

from monban.accounts.model import Account, Org, Role
from monban.runtime import Runtime
from monban.store import accounts

from .conftest import PASSWORD, BrowserFactory, page_text, signed_in

RANK = {"member": 0, "support": 1, "admin": 2, "owner": 3}
ACTS = {  # the form's path under the member, its fields, the least role that may
    "disable": ("/disable", {}, "admin"),
    "set_password": ("/password", {"password": "a brand new passphrase 7"}, "support"),
    "reset_password": ("/reset-password", {"password": "", "force_change": "1"}, "support"),
    "reset_mfa": ("/reset-mfa", {}, "support"),
    "backup_code": ("/backup-code", {}, "support"),
}


async def person(runtime: Runtime, org: Org, name: str, role: str) -> Account:
    return await runtime.directory.create_account(
        display_name=name.title(), email=f"{name}@acme.example", password=PASSWORD, org=org,
        role=Role(role), language="en")


@pytest.mark.parametrize("act", sorted(ACTS))
@pytest.mark.parametrize("target_role", ["member", "admin", "owner"])
@pytest.mark.parametrize("actor_role", ["support", "admin", "owner"])
async def test_member_acts_from_the_console(
        browser_for: BrowserFactory, runtime: Runtime, org: Org, actor_role: str,
        target_role: str, act: str) -> None:
    await person(runtime, org, "spare", "owner")
    actor = await person(runtime, org, "actor", actor_role)
    target = await person(runtime, org, "target", target_role)
    before = await runtime.db.run(accounts.get, target.id)
    browser = await signed_in(browser_for, actor)
    path, form, least = ACTS[act]
    answer = await browser.post(f"/admin/orgs/{org.slug}/members/{target.id}{path}", form)
    may = RANK[actor_role] >= RANK[least] and RANK[target_role] < RANK[actor_role]
    if may:
        assert answer.status_code in (200, 303), page_text(answer.text)
    else:
        assert answer.status_code == 403, page_text(answer.text)
        assert "You don't have permission to do this." in page_text(answer.text)
        assert await runtime.db.run(accounts.get, target.id) == before


async def test_a_post_without_the_csrf_field_is_refused(
        browser_for: BrowserFactory, runtime: Runtime, org: Org, admin: Account,
        member: Account) -> None:
    browser = await signed_in(browser_for, admin)
    answer = await browser.post(f"/admin/orgs/{org.slug}/members/{member.id}/disable",
                                csrf=False)
    assert answer.status_code == 403
    assert not (await runtime.db.run(accounts.get, member.id)).disabled  # type: ignore[union-attr]


async def test_the_member_page_offers_only_what_the_actor_may_do(
        browser_for: BrowserFactory, runtime: Runtime, org: Org, admin: Account,
        member: Account) -> None:
    owner = await person(runtime, org, "owner", "owner")
    browser = await signed_in(browser_for, admin)
    await signed_in(browser_for, owner)  # a live session on the owner's page
    above = (await browser.get(f"/admin/orgs/{org.slug}/members/{owner.id}")).text
    for words in ('action="/admin/orgs/acme/members/' + owner.id + '/password"',
                  "/reset-password", "/reset-mfa", "/backup-code", "/sessions/end"):
        assert words not in above, words
    below = (await browser.get(f"/admin/orgs/{org.slug}/members/{member.id}")).text
    for words in ("/password", "/reset-password", "/reset-mfa", "/backup-code"):
        assert words in below, words
    listing = (await browser.get(f"/admin/orgs/{org.slug}")).text
    assert f"/members/{member.id}/disable" in listing
    assert f"/members/{owner.id}/disable" not in listing
    assert f"/members/{admin.id}/disable" not in listing
    assert '<option value="owner"' not in listing and '<option value="admin"' not in listing
    assert '<option value="support"' in listing

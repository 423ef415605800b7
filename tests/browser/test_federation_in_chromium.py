"""Federated sign-in in Chromium: "Sign in with Test IdP" on the sign-in page → the real
provider's login page → back at Monban, signed in; then the linked-accounts page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from monban.accounts.model import Role
from tests.federation.flows import new_sub
from tests.federation.served import PASSWORD, Served, served


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("federation-browser")) as running:
        yield running


def test_sign_in_with_the_provider(site: Served, page_for: Any) -> None:
    sub = new_sub()
    site.seed_account(f"{sub}@acme.example", sub=sub)
    site.idp.set_account(sub, f"{sub}@acme.example")
    page = page_for()
    page.goto(f"{site.node.url}/signin")
    page.click("text=Sign in with Test IdP")
    page.wait_for_url(f"{site.idp.issuer}/interaction/**")
    page.fill("#login", sub)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site.node.url}/account/security")
    assert f"{sub}@acme.example" in page.content()
    assert page.locator("#linked-accounts li[data-provider=testidp]").count() == 1
    page.click("a.linked-accounts-link")
    page.wait_for_url(f"{site.node.url}/account/linked")
    row = page.locator("tr[data-provider=testidp]")
    assert row.count() == 1
    assert f"{sub}@acme.example" in row.inner_text()


def _password_sign_in(page: Any, site: Served, email: str) -> None:
    page.goto(f"{site.node.url}/signin")
    page.fill("#identifier", email)
    page.click("button[type=submit].primary")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{site.node.url}/account/security")


def test_conflict_page_offers_the_fixes(site: Served, page_for: Any) -> None:
    sub = new_sub()
    site.seed_account(f"{sub}@acme.example", sub=sub)
    taken = site.seed_account(f"{sub}.taken@acme.example")
    site.idp.set_account(sub, taken.email)
    page = page_for()
    page.goto(f"{site.node.url}/signin")
    page.click("text=Sign in with Test IdP")
    page.fill("#login", sub)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-code=FEDERATED_EMAIL_CONFLICT]")
    assert page.locator("ol.steps li").count() == 5
    page.click("a.fix-email-code")
    page.wait_for_url(f"{site.node.url}/signin")


def test_admins_add_providers(site: Served, page_for: Any) -> None:
    root = site.seed_account(f"root-{new_sub()}@example.org", superadmin=True)
    page = page_for()
    _password_sign_in(page, site, root.email or "")
    page.goto(f"{site.node.url}/admin/identity-providers")
    slug = new_sub()
    page.fill("input[name=slug]", slug)
    page.fill("input[name=display_name]", "Second IdP")
    page.fill("input[name=issuer]", site.idp.issuer)
    page.fill("input[name=client_id]", "second")
    page.fill("input[name=client_secret]", "second-secret")
    page.click("#add-provider button[type=submit]")
    page.wait_for_selector(f"tr[data-provider={slug}]")
    assert "second-secret" not in page.content()
    page.goto(f"{site.node.url}/signin/federated/{slug}")
    assert page.locator(f"a[data-provider={slug}]").count() == 1
    # An org admin's page: the org's own IdP and its sign-in methods.
    boss = site.seed_account(f"boss-{new_sub()}@acme.example", role=Role.ADMIN)
    page = page_for()
    _password_sign_in(page, site, boss.email or "")
    page.goto(f"{site.node.url}/admin/orgs/acme/identity-providers")
    page.uncheck("input[name=all_providers]")
    page.check("input[name=federated_providers][value=testidp]")
    page.click("#federation-settings button[type=submit]")
    page.wait_for_url("**/identity-providers?notice=settings_saved")
    assert page.locator("input[name=federated_providers][value=testidp]").is_checked()
    assert not page.locator(f"input[name=federated_providers][value={slug}]").is_checked()

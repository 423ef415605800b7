"""Federated sign-in in Chromium: "Sign in with Test IdP" on the sign-in page → the real
provider's login page → back at Monban, signed in; then the linked-accounts page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.federation.flows import new_sub
from tests.federation.served import Served, served


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
    page.click("a.linked-accounts-link")
    page.wait_for_url(f"{site.node.url}/account/linked")
    row = page.locator("tr[data-provider=testidp]")
    assert row.count() == 1
    assert f"{sub}@acme.example" in row.inner_text()

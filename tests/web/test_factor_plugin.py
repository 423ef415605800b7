"""A factor added by one module, its page fragments and nothing else (issue 13.2): registered
by this test alone, the made-up "fake" factor is offered on the security page and the org's
settings page, has its own add page, is asked for at sign-in with its own fragment, and its
own removal runs."""

from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from monban.accounts.model import Account
from monban.config import Settings
from monban.factors import registry
from monban.web import render
from tests.conftest import Updater, token_for
from tests.factors.fake_factor import CODE, ENTRY, TEMPLATES, FakeFactor

from .conftest import BrowserFactory, page_text, signed_in
from .two_step import answer, second_step


@pytest.fixture
def settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Registers the fake factor before the runtime is built, with its page fragments."""
    monkeypatch.setitem(registry.KNOWN, "fake", ENTRY)
    monkeypatch.setattr(render._ENV, "loader",
                        ChoiceLoader([DictLoader(TEMPLATES), render._ENV.loader]))
    return settings


async def test_a_factor_registered_alone_appears_on_every_page(
        browser_for: BrowserFactory, member: Account, admin: Account,
        set_org: Updater) -> None:
    await set_org(allowed_factors=["totp", "fake"])
    browser = await signed_in(browser_for, member)
    security = (await browser.get("/account/security")).text
    assert 'href="/account/two-step/add/fake"' in security
    assert "Fake method" in security and "A method made up by a test." in security
    add = await browser.get("/account/two-step/add/fake")
    assert add.status_code == 200 and "data-fake" in add.text, page_text(add.text)
    assert "<h1>Fake method</h1>" in add.text

    staff = await signed_in(browser_for, admin)
    org_page = (await staff.get("/admin/orgs/acme")).text
    assert 'name="allowed_factors" value="fake" checked' in org_page

    client = browser_for().client  # the JSON API, as the member
    headers = await token_for(client, member.label)
    made = await client.post("/api/v1/me/factors/fake", headers=headers,
                             json={"name": "", "params": {}})
    assert made.status_code == 201, made.text
    factor_id = made.json()["enrollment"]["factor"]["id"]

    signing_in = browser_for()
    page = await second_step(signing_in, member.label)
    assert "data-fake" in page.text and "Type the made-up code." in page.text
    done = await answer(signing_in, page, code=CODE)
    assert done.status_code == 303, page_text(done.text)

    removed = await client.delete(f"/api/v1/me/factors/{factor_id}", headers=headers)
    assert removed.status_code == 200 and factor_id in FakeFactor.removed


async def test_a_step_a_factor_has_no_page_for_shows_its_first_page(
        browser_for: BrowserFactory, member: Account) -> None:
    """Backup codes have no confirmation: a forged confirm post gets the first page and the
    catalogue error, not a server error."""
    browser = await signed_in(browser_for, member)
    forged = await browser.post("/account/two-step/add/backup_code/confirm",
                                {"enrollment": "x", "code": "123456"})
    assert forged.status_code == 400, page_text(forged.text)
    assert "Generate codes" in forged.text and 'role="alert"' in forged.text

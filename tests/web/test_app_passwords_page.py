"""/account/app-passwords over HTTP: the form, the password shown once, errors on the page."""

from __future__ import annotations

from typing import Any

from monban.accounts.model import Account
from tests.conftest import PASSWORD
from tests.web.conftest import page_text, signed_in


async def test_generate_needs_the_password_and_shows_it_once(browser_for: Any,
                                                             member: Account) -> None:
    browser = await signed_in(browser_for, member, lang="en")
    page = await browser.get("/account/app-passwords")
    assert "You have no app passwords." in page_text(page.text)
    wrong = await browser.post("/account/app-passwords",
                               data={"name": "Mail", "password": "not it"})
    assert wrong.status_code == 401 and "Incorrect password." in page_text(wrong.text)
    made = await browser.post("/account/app-passwords",
                              data={"name": "Mail", "password": PASSWORD})
    assert made.status_code == 201
    assert "Your app password for Mail:" in page_text(made.text)
    again = await browser.get("/account/app-passwords")
    assert "Your app password for" not in page_text(again.text)
    assert "Never used" in page_text(again.text)


async def test_the_security_page_leads_there(browser_for: Any, member: Account) -> None:
    browser = await signed_in(browser_for, member)
    page = await browser.get("/account/security")
    assert "Manage app passwords" in page_text(page.text)

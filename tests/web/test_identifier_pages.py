"""The pages meet the one identifier rule: an admin cannot add a fullwidth twin, a look-alike
or a display name with CR/LF, and the sign-in page finds the account by any equivalent
spelling."""

from __future__ import annotations

import pytest

from monban.accounts.model import Account
from monban.errors import CatalogueError
from monban.runtime import Runtime

from .conftest import PASSWORD, BrowserFactory, page_text, signed_in

MEMBERS = "/admin/orgs/acme/members"


async def test_admin_page_refuses_twins_look_alikes_and_line_breaks(
        browser_for: BrowserFactory, runtime: Runtime, admin: Account,
        member: Account) -> None:
    browser = await signed_in(browser_for, admin)
    twin = await browser.post(MEMBERS, {"identifier": "ｈａｎａｋｏ@acme.example",
                                        "display_name": "Twin", "password": PASSWORD})
    assert twin.status_code == 409
    assert "already in use" in page_text(twin.text)
    alike = await browser.post(MEMBERS, {"identifier": "h\u0430nako2@acme.example",
                                         "display_name": "Alike", "password": PASSWORD})
    assert alike.status_code == 400
    assert "look like others" in page_text(alike.text)
    broken = await browser.post(MEMBERS, {"identifier": "jiro@acme.example",
                                          "display_name": "Jiro\r\nBcc: x@acme.example",
                                          "password": PASSWORD})
    assert broken.status_code == 400
    with pytest.raises(CatalogueError):
        await runtime.directory.account("jiro@acme.example")


@pytest.mark.parametrize("form", ["ｈａｎａｋｏ@acme.example", "HANAKO@ACME.EXAMPLE",
                                  "ｈａｎａｋｏ＠ａｃｍｅ．ｅｘａｍｐｌｅ"])
async def test_sign_in_page_finds_the_one_account(browser_for: BrowserFactory,
                                                  member: Account, form: str) -> None:
    answer = await browser_for().sign_in(form)
    assert answer.status_code == 303, page_text(answer.text)

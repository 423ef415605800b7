"""Issue 12.2 through the pages: a `?flow=` URL (from an access log, a shared screen, a
support ticket) opened in another browser finds no flow; the browser that started it goes
on. The `monban_flow` cookie is HttpOnly, SameSite=Lax."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from monban.accounts.model import Account
from monban.edge import cookies
from monban.runtime import Runtime
from monban.store import accounts
from monban.store.audit import AuditQuery
from tests.web.conftest import BrowserFactory, hidden, page_text

NEW = "tulip kite barn owl"
EXPIRED_TEXT = "This sign-in attempt has expired. Please start again."


async def test_a_new_password_url_in_another_browser_is_expired(
        browser_for: BrowserFactory, member: Account, runtime: Runtime) -> None:
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    victim = browser_for()
    answer = await victim.sign_in(member.label)
    location = answer.headers["location"]
    assert location.startswith("/signin/new-password?")
    flow_id = parse_qs(urlparse(location).query)["flow"][0]
    assert victim.client.cookies.get(cookies.FLOW_BINDER)

    thief = browser_for(ip="203.0.113.66")
    page = await thief.get(location)
    assert page.status_code == 410
    assert EXPIRED_TEXT in page_text(page.text)
    posted = await thief.post("/signin/new-password", {
        "flow": flow_id, "next": "/account/security", "password": NEW, "confirm": NEW})
    assert posted.status_code == 410 and thief.session_cookie() is None
    for url in (f"/signin/password?flow={flow_id}", f"/signin/mfa?flow={flow_id}",
                f"/signin/code?flow={flow_id}"):
        assert EXPIRED_TEXT in page_text((await thief.get(url)).text), url

    page = await victim.get(location)
    assert page.status_code == 200
    done = await victim.post("/signin/new-password", {
        "flow": hidden(page.text, "flow"), "next": hidden(page.text, "next"),
        "password": NEW, "confirm": NEW})
    assert done.status_code == 303 and victim.session_cookie()
    events = await runtime.directory.audit(AuditQuery(account_id=member.id, limit=100))
    assert any(e.event == "flow.binding" and e.ip == "203.0.113.66" for e in events)


async def test_the_binder_cookie_is_http_only_and_lax(browser_for: BrowserFactory,
                                                      member: Account) -> None:
    started = await browser_for().post("/signin", {"identifier": member.label})
    assert started.status_code == 303
    [binder] = [v for k, v in started.headers.multi_items()
                if k == "set-cookie" and v.startswith(cookies.FLOW_BINDER + "=")]
    flags = {part.strip().lower() for part in binder.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    assert not any(flag.startswith(("max-age", "expires")) for flag in flags)

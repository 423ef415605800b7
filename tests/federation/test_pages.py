"""The pages of federated sign-in on a real `monban serve`, driven by httpx following every
redirect through the real provider: "Sign in with Test IdP" from the sign-in page, the
two-accounts problem, FEDERATED_EMAIL_CONFLICT's page with its fixes in ja and en,
FEDERATED_LINK_REQUIRED's "sign in first", a callback in another browser, linked accounts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urljoin

import httpx
import pytest

from tests.federation.flows import new_sub
from tests.federation.served import PASSWORD, Served, form_field, served


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("federation-pages")) as running:
        yield running


def _browser(lang: str = "en") -> httpx.Client:
    return httpx.Client(follow_redirects=True, timeout=20,
                        headers={"accept": "text/html", "accept-language": lang})


def _sign_in_with_idp(browser: httpx.Client, site: Served, sub: str) -> httpx.Response:
    """Click "Sign in with Test IdP" on the sign-in page, sign in at the provider, and
    follow every redirect back."""
    page = browser.get(f"{site.node.url}/signin")
    assert "Sign in with Test IdP" in page.text or "Test IdPでサインイン" in page.text
    button = re.search(r'href="(/signin/federated/testidp/start[^"]*)"', page.text)
    assert button, page.text[:300]
    at_idp = browser.get(f"{site.node.url}{unescape(button.group(1))}")
    assert str(at_idp.url).startswith(site.idp.issuer), at_idp.text[:300]
    action = re.search(r'action="([^"]+)"', at_idp.text)
    assert action
    return browser.post(urljoin(str(at_idp.url), action.group(1)), data={"login": sub})


def test_sign_in_with_the_provider_and_after_an_email_change(site: Served) -> None:
    sub = new_sub()
    account = site.seed_account(f"{sub}@acme.example", sub=sub)
    site.idp.set_account(sub, f"{sub}@acme.example")
    with _browser() as browser:
        done = _sign_in_with_idp(browser, site, sub)
        assert done.status_code == 200
        assert str(done.url) == f"{site.node.url}/account/security"
        assert f"{sub}@acme.example" in done.text
    site.idp.set_account(sub, f"{sub}.renamed@acme.example")  # changed at the provider
    with _browser() as browser:
        done = _sign_in_with_idp(browser, site, sub)
        assert str(done.url) == f"{site.node.url}/account/security"
        assert f"{sub}.renamed@acme.example" in done.text  # the same account, email updated
        me = browser.get(f"{site.node.url}/api/v1/me").json()["account"]
        assert me["id"] == account.id


@pytest.mark.parametrize(("lang", "message", "step"), [
    ("en", "The email address you changed at Test IdP is already used by another account.",
     "Change the email address back at Test IdP, then sign in again."),
    ("ja", "Test IdPで変更されたメールアドレスは、既に別のアカウントで使用されています。",
     "Test IdPでメールアドレスを以前のものに戻してから、もう一度サインインします。"),
])
def test_conflict_page_lists_the_fixes(site: Served, lang: str, message: str,
                                       step: str) -> None:
    sub = new_sub()
    site.seed_account(f"{sub}@acme.example", language=lang, sub=sub)
    taken = site.seed_account(f"{sub}.other@acme.example")
    site.idp.set_account(sub, taken.email)
    with _browser(lang) as browser:
        page = _sign_in_with_idp(browser, site, sub)
    assert page.status_code == 409
    assert 'data-code="FEDERATED_EMAIL_CONFLICT"' in page.text
    assert message in page.text
    assert step in page.text
    assert page.text.count("<li>") >= 5  # the four fixes and support's merge
    for link in ('href="/signin" class="fix-email-code"', 'href="/support/request"',
                 'href="/help/errors/FEDERATED_EMAIL_CONFLICT"'):
        assert link in page.text


def test_matching_email_offers_sign_in_then_link(site: Served) -> None:
    sub = new_sub()
    account = site.seed_account(f"{sub}@acme.example")  # not linked
    site.idp.set_account(sub, account.email)
    with _browser() as browser:
        page = _sign_in_with_idp(browser, site, sub)
        assert page.status_code == 409
        assert 'data-code="FEDERATED_LINK_REQUIRED"' in page.text
        assert 'href="/signin?next=/account/linked"' in page.text
        # Sign in with the password, then link from the linked-accounts page.
        signin = browser.get(f"{site.node.url}/signin?next=/account/linked")
        password = browser.post(f"{site.node.url}/signin", data={
            "csrf": form_field(signin.text, "csrf"), "identifier": account.email,
            "next": "/account/linked"})
        linked_page = browser.post(f"{site.node.url}/signin/password", data={
            "csrf": form_field(password.text, "csrf"), "flow": form_field(password.text, "flow"),
            "next": "/account/linked", "password": PASSWORD})
        assert str(linked_page.url) == f"{site.node.url}/account/linked"
        assert 'href="/account/linked/link/testidp"' in linked_page.text
        done = browser.get(f"{site.node.url}/account/linked/link/testidp")
        # Still signed in at the provider from a moment ago: it answers without asking.
        assert str(done.url) == f"{site.node.url}/account/linked?notice=provider_linked"
        assert 'data-provider="testidp"' in done.text
    with _browser() as browser:
        assert _sign_in_with_idp(browser, site, sub).url.path == "/account/security"


def test_callback_in_another_browser_is_refused(site: Served) -> None:
    sub = new_sub()
    site.seed_account(f"{sub}@acme.example", sub=sub)
    site.idp.set_account(sub, f"{sub}@acme.example")
    with httpx.Client(timeout=20, headers={"accept": "text/html"}) as first:
        redirect = first.get(f"{site.node.url}/signin/federated/testidp/start")
        assert redirect.status_code == 303
        callback = site.idp.login(redirect.headers["location"], sub)
    with _browser() as other:  # the answer opened in a browser that did not start it
        refused = other.get(callback)  # finds no flow: it is bound to the first browser
        assert refused.status_code == 410
        assert 'data-code="FLOW_EXPIRED"' in refused.text
        assert other.cookies.get("monban_session") is None

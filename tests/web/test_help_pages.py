"""The help centre and the HTML error page."""

from __future__ import annotations

import re

import pytest

from monban.errors import CATALOGUE, message
from monban.help.topics import TOPICS

from .conftest import BrowserFactory, page_links, page_text

ACTION_LINK = re.compile(r'<a href="([^"]+)" class="action">')


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["サインインに関する不具合のトラブルシューティング",
            "サインインしようとするとエラーが発生する", "その他の不具合",
            "このIPアドレスからのサインインは許可されていません"]),
    ("en", ["Troubleshooting sign-in problems", "I get an error when I try to sign in",
            "Other problems", "Sign-in from this IP address is not allowed"]),
])
async def test_index_lists_every_topic(browser_for: BrowserFactory, lang: str,
                                       words: list[str]) -> None:
    page = await browser_for(lang=lang).get("/help")
    assert page.status_code == 200
    text = page_text(page.text)
    for word in words:
        assert word in text
    links = page_links(page.text)
    for slug in TOPICS:
        assert (f"/help/errors/{slug}" if slug in CATALOGUE else f"/help/topics/{slug}") in links


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_every_code_has_a_page_whose_actions_work(browser_for: BrowserFactory,
                                                        lang: str) -> None:
    browser = browser_for(lang=lang)
    provider = "外部サービス" if lang == "ja" else "your identity provider"
    for code in sorted(CATALOGUE):
        page = await browser.get(f"/help/errors/{code}")
        assert page.status_code == 200, code
        assert f'<html lang="{lang}">' in page.text
        text = page_text(page.text)
        assert message(code, lang, app="OneAuth", provider=provider) in text, code
        assert "{app}" not in text and "{provider}" not in text, code
        topic = TOPICS[code]
        text_of = topic.ja if lang == "ja" else topic.en
        first = text_of.steps[0].replace("{app}", "OneAuth").replace("{provider}", provider)
        assert first in text, code
        for url in ACTION_LINK.findall(page.text):
            assert (await browser.get(url)).status_code < 400, (code, url)


async def test_placeholders_are_filled(browser_for: BrowserFactory) -> None:
    page = await browser_for(lang="ja").get("/help/errors/SIGNIN_RESTRICTED")
    expected = "サインイン制限が有効になっています。OneAuthアプリで無効にできます。"
    assert expected in page_text(page.text)


async def test_actions_link_to_where_the_fix_is(browser_for: BrowserFactory) -> None:
    page = await browser_for(lang="en").get("/help/errors/APP_PASSWORD_REQUIRED")
    assert "Generate an app-specific password" in page_text(page.text)
    assert ACTION_LINK.findall(page.text) == ["/account/app-passwords", "/account/security"]
    reset = await browser_for(lang="ja").get("/help/errors/SIGNIN_ATTEMPTS_EXCEEDED")
    assert "/recover" in ACTION_LINK.findall(reset.text)  # self-service reset is there now
    assert "パスワードをリセットする" in page_text(reset.text)


async def test_browser_close_topic(browser_for: BrowserFactory) -> None:
    page = await browser_for(lang="ja").get("/help/topics/BROWSER_CLOSE_SIGNOUT")
    assert page.status_code == 200
    assert "Webブラウザーを閉じるたびにアカウントへのサインインが求められる" in page_text(page.text)
    assert "/signin" in ACTION_LINK.findall(page.text)


@pytest.mark.parametrize("url", ["/help/errors/NO_SUCH_CODE", "/help/topics/NOPE",
                                 "/help/errors/BROWSER_CLOSE_SIGNOUT"])
async def test_unknown_topics_are_not_found(browser_for: BrowserFactory, url: str) -> None:
    page = await browser_for(lang="ja").get(url)
    assert page.status_code == 404
    assert "対象が見つかりません。" in page_text(page.text)


async def test_html_error_page_for_any_path(browser_for: BrowserFactory) -> None:
    browser = browser_for(lang="en")
    page = await browser.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    text = page_text(page.text)
    assert "The requested item cannot be found." in text and "Problem signing in?" in text
    links = page_links(page.text)
    assert "/help/errors/NOT_FOUND" in links and "/help" in links
    as_json = await browser.client.get("/no/such/page", headers={"accept": "application/json"})
    assert as_json.json()["error"]["code"] == "NOT_FOUND"


async def test_stylesheet_is_served(browser_for: BrowserFactory) -> None:
    css = await browser_for().get("/static/monban.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]

"""Embedded web views and in-app browsers are refused with DISALLOWED_USERAGENT; real
browsers are not. The user agents are real ones, as the apps send them."""

from __future__ import annotations

import httpx
import pytest

from monban.oidc.webview import is_embedded
from monban.runtime import Runtime
from tests.oidc.conftest import REDIRECT, Registered, authorize_url, register

EMBEDDED = {
    "Android WebView": "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile "
    "Safari/537.36",
    "iOS WKWebView": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "iPad WKWebView": "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148",
    "Instagram (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 330.0.3.12.235 "
    "(iPhone14,5; iOS 17_4; ja_JP; ja; scale=3.00; 1170x2532; 596222582)",
    "Instagram (Android)": "Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; "
    "wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.178 Mobile "
    "Safari/537.36 Instagram 317.0.0.34.109 Android (33/13; 480dpi; 1080x2340; samsung; "
    "SM-S911B; dm1q; qcom; en_US; 562739837)",
    "LINE (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.21.0",
    "LINE (Android)": "Mozilla/5.0 (Linux; Android 12; SO-51B Build/61.1.B.0.160; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.210 Mobile "
    "Safari/537.36 Line/13.22.1/IAB",
    "Facebook in-app (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/450.0.0.38.108;"
    "FBBV/564431005;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.3.1;FBSS/3;FBID/phone;"
    "FBLC/en_US;FBOP/5;FBRV/567052743]",
    "Facebook in-app (Android)": "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005."
    "007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.64 Mobile "
    "Safari/537.36 [FB_IAB/FB4A;FBAV/454.0.0.44.108;]",
    "WeChat": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2c) NetType/WIFI "
    "Language/zh_CN",
    # issue 12: the Google app on iOS sends Safari/604.1 like Safari itself
    "Google app (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/325.0.650918498 Mobile/15E148 Safari/604.1",
    "Google app (iPad)": "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) GSA/325.0.650918498 Mobile/15E148 Safari/604.1",
    "Google app (Android)": "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/AP2A.240705.005; "
    "wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile "
    "Safari/537.36 GSA/15.27.28.29.arm64",
    "X/Twitter (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.34",
    "X/Twitter (Android)": "Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 TwitterAndroid",
    "LinkedIn (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.4420",
    "Snapchat (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/12.80.0.39 "
    "(like Safari/8617.2.4.10.8, panda)",
    "KakaoTalk (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.6.5",
    "TikTok (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_34.1.0 JsSdk/2.0 "
    "NetType/WIFI Channel/App Store ByteLocale/ja Region/JP",
    "Messenger (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 LightSpeed "
    "[FBAN/MessengerLiteForiOS;FBAV/452.0.0.31.108;FBBV/578010306;FBDV/iPhone14,2;FBMD/iPhone;"
    "FBSN/iOS;FBSV/17.4;FBSS/3;FBCR/;FBID/phone;FBLC/ja_JP;FBOP/0]",
    "Weibo (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone14,2__weibo__13.5.1__iphone__os17.4)",
    "Baidu app (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 SP-engine/2.78.0 main%2F1.0 "
    "baiduboxapp/13.48.0.10 (Baidu; P2 17.4) NABar/1.0",
    "Yahoo! JAPAN app (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1 "
    "YJApp-IOS jp.co.yahoo.ipn.appli/4.58.0",
}

BROWSERS = {
    "Chrome (Windows)": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Chrome (Android)": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Chrome (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) CriOS/126.0.6478.153 Mobile/15E148 Safari/604.1",
    "Safari (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Safari (macOS)": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Firefox (Linux)": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Firefox (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) FxiOS/128.0 Mobile/15E148 Safari/605.1.15",
    "Edge (Windows)": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
    "Edge (Android)": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.2903.87",
    "Samsung Internet": "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, "
    "like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Edge (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 EdgiOS/126.2592.56 Mobile/15E148 Safari/605.1.15",
    "DuckDuckGo (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Ddg/17.5 "
    "Safari/604.1",
    "Safari (iPad)": "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Opera (Android)": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/85.0.0.0",
}


@pytest.mark.parametrize("name", sorted(EMBEDDED))
def test_embedded_user_agents_are_detected(name: str) -> None:
    assert is_embedded(EMBEDDED[name]), name


@pytest.mark.parametrize("name", sorted(BROWSERS))
def test_real_browsers_are_not(name: str) -> None:
    assert not is_embedded(BROWSERS[name]), name


@pytest.mark.parametrize(("lang", "title"), [
    ("ja", "承認エラー(エラー403: disallowed_useragent)"),
    ("en", "Authorization Error (Error 403: disallowed_useragent)"),
])
async def test_the_403_page_in_ja_and_en(browser: httpx.AsyncClient, app_client: Registered,
                                         lang: str, title: str) -> None:
    response = await browser.get(authorize_url(app_client.id) + f"&lang={lang}", headers={
        "user-agent": EMBEDDED["Instagram (iOS)"], "accept-language": lang})
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in response.text
    assert 'data-code="DISALLOWED_USERAGENT"' in response.text
    assert 'href="/help/errors/DISALLOWED_USERAGENT"' in response.text
    back = response.text.split('class="back-to-app"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert back.replace("&amp;", "&").startswith(
        REDIRECT + "?error=access_denied&error_description=disallowed_useragent&state=st-1")
    help_page = await browser.get("/help/errors/DISALLOWED_USERAGENT", params={"lang": lang})
    assert "RFC 8252" in help_page.text


async def test_a_client_may_allow_web_views(runtime: Runtime,
                                            browser: httpx.AsyncClient) -> None:
    app = await register(runtime, allow_webview=True)
    response = await browser.get(authorize_url(app.id),
                                 headers={"user-agent": EMBEDDED["Android WebView"]})
    assert response.status_code == 303 and response.headers["location"].startswith(REDIRECT)


async def test_prompt_none_from_a_web_view_goes_back_to_the_app(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    response = await browser.get(authorize_url(app_client.id, prompt="none"),
                                 headers={"user-agent": EMBEDDED["LINE (Android)"]})
    assert response.status_code == 303
    assert response.headers["location"].startswith(
        REDIRECT + "?error=access_denied&error_description=disallowed_useragent&state=st-1")


async def test_the_google_app_on_ios_is_refused(browser: httpx.AsyncClient,
                                                app_client: Registered) -> None:
    """Issue 12: `GSA/…` with `Safari/604.1` passed as Safari and reached the sign-in."""
    response = await browser.get(authorize_url(app_client.id),
                                 headers={"user-agent": EMBEDDED["Google app (iOS)"]})
    assert response.status_code == 403
    assert 'data-code="DISALLOWED_USERAGENT"' in response.text

"""Embedded web views and in-app browsers (RFC 8252 §8.12): an app that shows the sign-in
page inside itself can read what the person types, so authorization requests from them are
refused with DISALLOWED_USERAGENT unless the client allows web views.

Three signals, each from the user-agent string:
- Android WebView adds `; wv)` to its platform token (Chrome Custom Tabs do not);
- iOS WKWebView / UIWebView send an AppleWebKit ... Mobile/ string without `Safari/`
  (Safari, Chrome, Firefox and Edge on iOS all include it);
- in-app browsers of social and messaging apps name themselves (`FBAN`, `Instagram`,
  `Line/`, ...): the maintained list below, plus ua-parser's families for the same apps.
  Some of them (the Google app's `GSA/` on iOS, Instagram, LINE) also send `Safari/604.1`
  like a real Safari, so the list is checked before the iOS rule.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ua_parser import parse_user_agent

ANDROID_WEBVIEW = re.compile(r"; wv\)")
IOS_DEVICE = re.compile(r"\((?:iPhone|iPad|iPod)[;)]")
IN_APP = re.compile(
    r"FBAN/|FBAV/|FB_IAB/|FBIOS|Instagram |\bLine/|MicroMessenger/|Twitter for|TwitterAndroid"
    r"|musical_ly|BytedanceWebview|TikTok|Snapchat|Pinterest/|KAKAOTALK|NAVER\(inapp"
    r"|LinkedInApp|DiscordBot|WhatsApp/|Threads |\bGSA/\d|YJApp-|Slack/|; FBSV/"
    r"|baiduboxapp/|__weibo__|DingTalk/|\bZalo|SmartNews/",
    re.IGNORECASE)
IN_APP_FAMILIES = frozenset({
    "Facebook", "Instagram", "LINE", "WeChat", "Twitter", "Pinterest", "Snapchat", "TikTok",
    "KakaoTalk", "LinkedIn", "NAVER", "Chrome Mobile WebView",
})


@lru_cache(maxsize=4096)
def is_embedded(user_agent: str) -> bool:
    """True for an embedded web view or a known in-app browser."""
    ua = user_agent[:1024]
    if ANDROID_WEBVIEW.search(ua) or IN_APP.search(ua):
        return True
    if IOS_DEVICE.search(ua) and "AppleWebKit" in ua and "Safari/" not in ua:
        return True
    parsed = parse_user_agent(ua)
    return parsed is not None and parsed.family in IN_APP_FAMILIES

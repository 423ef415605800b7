"""A person-readable description of a user agent: "Chrome on Windows"."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=4096)
def describe(user_agent: str) -> str:
    if not user_agent:
        return "Unknown"
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    if browser in (None, "Other"):
        browser = user_agent.split("/", 1)[0][:40] or "Unknown"
    if system in (None, "Other"):
        return browser
    return f"{browser} on {system}"

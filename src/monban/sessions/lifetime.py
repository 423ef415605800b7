"""How long a session lives: the one rule that starting, authenticating, listing and
counting sessions all go through (OWASP ASVS 4.0.3 §3.3.2 at level 2: re-authentication after
12 hours or 30 minutes of inactivity).

- A session without "keep me signed in" ends `session_idle_minutes` (default 30) after its
  last request, and at the latest `session_max_hours` (default 12) after signing in.
- A "keep me signed in" session is the person's explicit choice on their own device (the
  cookie persists, ASVS §3.3.2's "remain logged in"): it has no idle timeout and ends
  `session_lifetime_hours` (default 14 days) after signing in; signing out, ending sessions
  from another device, a password change or an admin still end it at once.

`last_seen_at` is written at most once a minute (service.TOUCH_EVERY), so the idle timeout
is exact to that minute."""

from __future__ import annotations

from datetime import datetime, timedelta

from monban.accounts.org_settings import OrgSettings
from monban.store.sessions import Session


def expires_at(settings: OrgSettings, persistent: bool, now: datetime) -> datetime:
    """The absolute end of a session started now."""
    hours = settings.session_lifetime_hours
    if not persistent:
        hours = min(hours, settings.session_max_hours)
    return now + timedelta(hours=hours)


def idle_cutoff(settings: OrgSettings, now: datetime) -> datetime | None:
    """Sessions without "keep me signed in" last seen at or before this are over (None: the
    org turned the idle timeout off)."""
    minutes = settings.session_idle_minutes
    return now - timedelta(minutes=minutes) if minutes else None


def is_live(session: Session, settings: OrgSettings, now: datetime) -> bool:
    if session.ended_at is not None or session.expires_at <= now:
        return False
    cutoff = idle_cutoff(settings, now)
    return session.persistent or cutoff is None or session.last_seen_at > cutoff

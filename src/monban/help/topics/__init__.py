"""The help centre's topics as data: one per error-catalogue code, plus the seed page's
「Webブラウザーを閉じるたびにアカウントへのサインインが求められる」 problem.

Japanese is the primary language; English says the same. `{app}` (the authenticator app's
display name) and `{provider}` (a federated identity provider's display name) are left as
placeholders for the renderer to fill, as in the catalogue messages. `actions` are keys the
help page turns into buttons or links; `section` follows the seed page's sections, and each
section's topics live in the module of that name (signin_errors.py, mfa.py, mail_clients.py,
forgot_password.py, other.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from monban.errors import CATALOGUE

SECTIONS: tuple[str, ...] = (
    "signin_errors",
    "mfa",
    "mail_clients",
    "forgot_password",
    "other",
)

ACTIONS: frozenset[str] = frozenset({
    "signin",
    "reset_password",
    "use_backup_code",
    "sign_in_another_way",
    "app_password",
    "end_other_sessions",
    "manage_allowed_ips",
    "contact_admin",
    "contact_support",
    "security_page",
})

BROWSER_CLOSE_SIGNOUT = "BROWSER_CLOSE_SIGNOUT"


@dataclass(frozen=True, slots=True)
class TopicText:
    title: str  # short heading for the topic
    what_happened: str  # 1-3 sentences explaining the cause, in plain words
    steps: tuple[str, ...]  # how to fix it, ordered, each a sentence
    who_can_fix: str  # one sentence: who can fix it (the person, the org admin, support)


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str  # the catalogue code, e.g. "IP_NOT_ALLOWED", or "BROWSER_CLOSE_SIGNOUT"
    section: str  # one of SECTIONS
    actions: tuple[str, ...]  # keys from ACTIONS, turned into buttons/links by the page
    ja: TopicText
    en: TopicText


# The section modules build their topics from the types above, so they are imported after them.
from monban.help.topics.federation import FEDERATION  # noqa: E402
from monban.help.topics.forgot_password import FORGOT_PASSWORD  # noqa: E402
from monban.help.topics.mail_clients import MAIL_CLIENTS  # noqa: E402
from monban.help.topics.mfa import MFA  # noqa: E402
from monban.help.topics.other import OTHER  # noqa: E402
from monban.help.topics.sending import SENDING  # noqa: E402
from monban.help.topics.signin_errors import SIGNIN_ERRORS  # noqa: E402
from monban.help.topics.signin_flow_errors import SIGNIN_FLOW_ERRORS  # noqa: E402

_TOPICS: tuple[Topic, ...] = (*SIGNIN_ERRORS, *SIGNIN_FLOW_ERRORS, *MFA, *MAIL_CLIENTS,
                              *FORGOT_PASSWORD, *OTHER, *FEDERATION, *SENDING)

TOPICS: dict[str, Topic] = {topic.slug: topic for topic in _TOPICS}


def topic_for(slug: str) -> Topic | None:
    """The help topic for a catalogue code (or BROWSER_CLOSE_SIGNOUT), or None."""
    return TOPICS.get(slug)


def missing_topics() -> tuple[str, ...]:
    """Catalogue codes that have no topic yet (for tests and start-up checks)."""
    return tuple(code for code in CATALOGUE if code not in TOPICS)

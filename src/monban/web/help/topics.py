"""The help centre: an index by the seed page's sections, and one page per topic of
help/topics/ (every catalogue code, plus BROWSER_CLOSE_SIGNOUT)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import ADMIN_ROLES, Account
from monban.edge.app_runtime import runtime_of
from monban.errors import CATALOGUE, CatalogueError, message
from monban.help.topics import SECTIONS, TOPICS, Topic, TopicText
from monban.sessions.service import Authenticated
from monban.web.labels import N_
from monban.web.page_route import PageRoute
from monban.web.render import page_language, placeholders, render
from monban.web.visitor import visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SECTION_TITLES = {
    "signin_errors": N_("I get an error when I try to sign in"),
    "mfa": N_("I can't access my account because of a problem with multi-factor authentication"),
    "mail_clients": N_("I can't connect my mail client"),
    "forgot_password": N_("I forgot my password and can't access my account"),
    "other": N_("Other problems"),
}


@dataclass(frozen=True, slots=True)
class Action:
    """How a topic's action key shows on the page: a link where the route exists today,
    otherwise plain words saying what to do or that it is not available yet."""

    url: str | None
    label: str
    note: str | None = None
    post: str | None = None
    """Signed in, the action is a button that does it (a POST to this page)."""
    post_label: str | None = None
    key: str = ""


ACTIONS = {
    "signin": Action("/signin", N_("Go to the sign-in page")),
    "end_other_sessions": Action("/account/security#sessions",
                                 N_("End your other sessions on the security page"),
                                 post="/account/sessions/end-others",
                                 post_label=N_("End all my other sessions now")),
    "manage_allowed_ips": Action("/account/security#allowed-ips",
                                 N_("Manage your allowed IP addresses"),
                                 post="/account/allowed-ips/add-current",
                                 post_label=N_("Allow my current IP address")),
    "security_page": Action("/account/security", N_("Open your security page")),
    "app_password": Action("/account/app-passwords", N_("Generate an app-specific password")),
    "reset_password": Action("/recover", N_("Reset your password"),
                             N_("A code is sent to your recovery email address or mobile "
                                "number. Without one, ask your organization's administrator "
                                "or support.")),
    "remove_ip_restriction": Action("/recover?purpose=ip",
                                    N_("Remove your own IP address restriction from here"),
                                    N_("Prove it's you with a code sent to your recovery "
                                       "email address or mobile number.")),
    "recover_without_mfa": Action("/recover?purpose=mfa",
                                  N_("Lost your phone or security key? Sign in with a "
                                     "recovery code and your password")),
    "use_backup_code": Action(None, N_("At the second step of signing in, choose \"Sign in "
                                       "another way\", then \"Backup verification codes\". "
                                       "You make the codes on your security page.")),
    "sign_in_another_way": Action(None, N_("At the second step of signing in, choose \"Sign in "
                                           "another way\" to see the other methods you have "
                                           "set up.")),
    "contact_support": Action("/support/request", N_("Contact support"),
                              N_("After support verifies your identity, a one-time backup "
                                 "verification code is sent to you: sign in with it.")),
    "contact_admin": Action(None, N_("Contact your organization's administrator: they can "
                                     "change your organization's settings and your account.")),
}


RECOVERY_ROUTES = {
    "IP_NOT_ALLOWED": ("remove_ip_restriction",),
    **{code: ("recover_without_mfa",) for code in (
        "INVALID_OTP", "BACKUP_CODE_INVALID", "PUSH_TIMED_OUT", "SECURITY_KEY_FAILED")},
}
"""Topics whose fix includes a recovery route (help/recovery.py) besides their own actions."""


def topic_url(slug: str) -> str:
    return f"/help/errors/{slug}" if slug in CATALOGUE else f"/help/topics/{slug}"


def _fill(text: str, values: dict[str, str]) -> str:
    return text.replace("{app}", values["app"]).replace("{provider}", values["provider"])


def _text(topic: Topic, language: str) -> TopicText:
    return topic.ja if language == "ja" else topic.en


def actions_for(keys: tuple[str, ...]) -> list[Action]:
    """The actions, without a second identical link (app_password + security_page)."""
    shown: list[Action] = []
    for key in keys:
        action = ACTIONS.get(key)
        if action and not any((a.url, a.label) == (action.url, action.label) for a in shown):
            shown.append(replace(action, key=key))
    return shown


async def admins_of(request: Request, auth: Authenticated | None,
                    keys: tuple[str, ...]) -> list[Account]:
    """For "contact your administrator", signed in: who they are (owners and admins)."""
    if auth is None or auth.org is None or "contact_admin" not in keys:
        return []
    members = await runtime_of(request).directory.members(auth.org)
    return [m for m in members if m.role in ADMIN_ROLES and not m.disabled]


@router.get("/help")
async def index(request: Request) -> Response:
    auth = await visitor(request)
    language = page_language(request, auth)
    values = placeholders(request, language)
    sections = [(SECTION_TITLES[section],
                 [(topic_url(t.slug), _fill(_text(t, language).title, values))
                  for t in TOPICS.values() if t.section == section])
                for section in SECTIONS]
    from monban.web.help.troubleshoot import index_extras

    return render(request, "help_index.html", auth=auth, sections=sections,
                  keys=SECTIONS, **index_extras(request, language))


async def _topic_page(request: Request, topic: Topic) -> Response:
    from monban.web.help.troubleshoot import not_built_note

    auth = await visitor(request)
    language = page_language(request, auth)
    values = placeholders(request, language)
    text = _text(topic, language)
    shown = (message(topic.slug, language, **values) if topic.slug in CATALOGUE else None)
    return render(request, "help_topic.html", auth=auth, slug=topic.slug, message=shown,
                  title=_fill(text.title, values),
                  what_happened=_fill(text.what_happened, values),
                  steps=[_fill(step, values) for step in text.steps],
                  who_can_fix=_fill(text.who_can_fix, values),
                  section=SECTION_TITLES[topic.section],
                  actions=actions_for(topic.actions + RECOVERY_ROUTES.get(topic.slug, ())),
                  admins=await admins_of(request, auth, topic.actions),
                  not_built=not_built_note(topic.slug, language, values["app"]))


@router.get("/help/errors/{code}")
async def error_topic(code: str, request: Request) -> Response:
    topic = TOPICS.get(code)
    if code not in CATALOGUE or topic is None:
        await visitor(request)
        raise CatalogueError("NOT_FOUND")
    return await _topic_page(request, topic)


@router.get("/help/topics/{slug}")
async def topic(slug: str, request: Request) -> Response:
    found = TOPICS.get(slug)
    if found is None:
        await visitor(request)
        raise CatalogueError("NOT_FOUND")
    return await _topic_page(request, found)

"""The help centre: an index by the seed page's sections, and one page per topic of
help/topics/ (every catalogue code, plus BROWSER_CLOSE_SIGNOUT)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.errors import CATALOGUE, SignInError, message
from monban.help.topics import SECTIONS, TOPICS, Topic, TopicText
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


ACTIONS = {
    "signin": Action("/signin", N_("Go to the sign-in page")),
    "end_other_sessions": Action("/account/security#sessions",
                                 N_("End your other sessions on the security page")),
    "manage_allowed_ips": Action("/account/security#allowed-ips",
                                 N_("Manage your allowed IP addresses")),
    "security_page": Action("/account/security", N_("Open your security page")),
    "app_password": Action("/account/security", N_("Open your security page"),
                           N_("App-specific passwords are not available yet: they arrive in a "
                              "later version of Monban.")),
    "reset_password": Action(None, N_("Resetting your password yourself is not available "
                                      "yet. Ask your organization's administrator to set a "
                                      "new password for you.")),
    "use_backup_code": Action(None, N_("At the second step of signing in, choose \"Sign in "
                                       "another way\", then \"Backup verification codes\". "
                                       "You make the codes on your security page.")),
    "sign_in_another_way": Action(None, N_("At the second step of signing in, choose \"Sign in "
                                           "another way\" to see the other methods you have "
                                           "set up.")),
    "contact_support": Action(None, N_("Contacting support from this page is not available "
                                       "yet.")),
    "contact_admin": Action(None, N_("Contact your organization's administrator: they can "
                                     "change your organization's settings and your account.")),
}


def topic_url(slug: str) -> str:
    return f"/help/errors/{slug}" if slug in CATALOGUE else f"/help/topics/{slug}"


def _fill(text: str, values: dict[str, str]) -> str:
    return text.replace("{app}", values["app"]).replace("{provider}", values["provider"])


def _text(topic: Topic, language: str) -> TopicText:
    return topic.ja if language == "ja" else topic.en


def _actions(topic: Topic) -> list[Action]:
    """The topic's actions, without a second identical link (app_password + security_page)."""
    shown: list[Action] = []
    for key in topic.actions:
        action = ACTIONS.get(key)
        if action and not any((a.url, a.label) == (action.url, action.label) for a in shown):
            shown.append(action)
    return shown


@router.get("/help")
async def index(request: Request) -> Response:
    auth = await visitor(request)
    language = page_language(request, auth)
    values = placeholders(request, language)
    sections = [(SECTION_TITLES[section],
                 [(topic_url(t.slug), _fill(_text(t, language).title, values))
                  for t in TOPICS.values() if t.section == section])
                for section in SECTIONS]
    return render(request, "help_index.html", auth=auth, sections=sections)


async def _topic_page(request: Request, topic: Topic) -> Response:
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
                  actions=_actions(topic))


@router.get("/help/errors/{code}")
async def error_topic(code: str, request: Request) -> Response:
    topic = TOPICS.get(code)
    if code not in CATALOGUE or topic is None:
        await visitor(request)
        raise SignInError("NOT_FOUND")
    return await _topic_page(request, topic)


@router.get("/help/topics/{slug}")
async def topic(slug: str, request: Request) -> Response:
    found = TOPICS.get(slug)
    if found is None:
        await visitor(request)
        raise SignInError("NOT_FOUND")
    return await _topic_page(request, found)

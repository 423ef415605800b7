"""/troubleshoot: the guided "Problem signing in?" (questions in diagnostics/troubleshooter.py).

When this browser has just failed to sign in, the troubleshooter (and the help centre's index)
starts from that attempt's code. The sign-in and error pages keep the code in a short-lived
signed cookie holding nothing else: what the error page itself showed, so the troubleshooter
tells nobody, an attacker included, anything the page did not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.diagnostics import member_reason
from monban.diagnostics.troubleshooter import (
    ANSWERS,
    METHODS,
    QUESTIONS,
    START,
    TOPIC,
    Answer,
    Choice,
    Question,
    node,
    topic,
)
from monban.diagnostics.words import speaker
from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.signing import sign, unsign
from monban.errors import CATALOGUE, CatalogueError, message
from monban.help.topics import TOPICS
from monban.i18n.catalog import gettext_for
from monban.sessions.service import Authenticated
from monban.store.audit import AuditEvent
from monban.web.help.topics import actions_for, admins_of, topic_url
from monban.web.page_route import PageRoute
from monban.web.render import page_language, placeholders, render
from monban.web.visitor import visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LAST_ERROR = "monban_last_error"
PURPOSE = "last_error"
LIFETIME_SECONDS = 15 * 60
REMEMBERED = frozenset({"signin_errors", "mfa", "mail_clients", "forgot_password"})
"""Sections whose codes a failed sign-in leaves (not 404s and the like)."""


@dataclass(frozen=True, slots=True)
class LastError:
    code: str
    message: str
    url: str


def remember_error(response: Response, request: Request, code: str) -> None:
    """Keep the code the page showed, for "Problem signing in?" (15 minutes)."""
    topic = TOPICS.get(code)
    if topic is None or topic.section not in REMEMBERED:
        return
    runtime = runtime_of(request)
    expires = int(runtime.clock.now().timestamp()) + LIFETIME_SECONDS
    cookies.set_cookie(response, runtime, request, LAST_ERROR,
                       sign(runtime.secret_key, PURPOSE, f"{code}:{expires}"),
                       max_age=LIFETIME_SECONDS)


def forget_error(response: Response, request: Request) -> None:
    if cookies.read(request, LAST_ERROR):
        cookies.clear(response, runtime_of(request), request, LAST_ERROR)


def last_error(request: Request, language: str) -> LastError | None:
    runtime = runtime_of(request)
    value = unsign(runtime.secret_key, PURPOSE, cookies.read(request, LAST_ERROR))
    code, _, expires = (value or "").partition(":")
    if (code not in CATALOGUE or not expires.isdigit()
            or int(expires) < runtime.clock.now().timestamp()):
        return None
    return LastError(code, message(code, language, **placeholders(request, language)),
                     topic_url(code))


def failure_reasons(events: Sequence[AuditEvent], language: str, zone: ZoneInfo
                    ) -> dict[int | None, str]:
    """Why each of a member's own failed attempts failed, in words for them (the security
    page's activity list): the policy and its values, never the org's lists."""
    speak = speaker(language)
    return {e.id: speak(reason) for e in events if (reason := member_reason(e, zone))}


def not_built_note(slug: str, language: str, app: str) -> str | None:
    """For the topics of the authenticator app, which this version does not have yet: say so
    plainly (the same note as the troubleshooter's question about the app)."""
    question = QUESTIONS["mfa_app"]
    if question.note is None or topic(slug) not in {c.to for c in question.choices}:
        return None
    return gettext_for(language)(question.note, app=app)


def _label(request: Request, language: str, choice: Choice) -> str:
    values = placeholders(request, language)
    if choice.code is not None:
        return message(choice.code, language, **values)
    return gettext_for(language)(choice.label, app=values["app"])


def href(choice: Choice) -> str:
    if choice.to.startswith(TOPIC):
        return topic_url(choice.to[len(TOPIC):])
    return "/troubleshoot" if choice.to == START else f"/troubleshoot/{choice.to}"


def _parent(node_id: str) -> str | None:
    return next((q.id for q in QUESTIONS.values() for c in q.choices if c.to == node_id), None)


def index_extras(request: Request, language: str) -> dict[str, Any]:
    """What the help centre's index adds: the last failed attempt's code, two-step
    verification problems by method, and the answers that are not topics."""
    methods = [(_label(request, language, method),
                [(_label(request, language, c), href(c))
                 for c in QUESTIONS[method.to].choices])
               for method in METHODS]
    gettext = gettext_for(language)
    answers = {"mail_clients": ["mail_old"], "forgot_password": ["password"],
               "other": ["other"]}
    covered = {url for _, problems in methods for _, url in problems}
    return {"last": last_error(request, language), "mfa_methods": methods,
            "mfa_covered": covered,
            "answers": {section: [(f"/troubleshoot/{a}", gettext(ANSWERS[a].title))
                                  for a in keys]
                        for section, keys in answers.items()}}


async def _page(request: Request, auth: Authenticated | None, found: Question | Answer,
                last: LastError | None = None) -> Response:
    language = page_language(request, auth)
    _ = gettext_for(language)
    app = placeholders(request, language)["app"]
    parent = _parent(found.id)
    context: dict[str, Any] = {"last": last, "node": found.id,
                               "back": href(Choice("", parent)) if parent else None}
    if isinstance(found, Question):
        context |= {"prompt": _(found.prompt, app=app),
                    "note": _(found.note, app=app) if found.note else None,
                    "choices": [(_label(request, language, c), href(c), c.code)
                                for c in found.choices]}
    else:
        context |= {"title": _(found.title), "paragraphs": [_(p, app=app)
                                                           for p in found.paragraphs],
                    "actions": actions_for(found.actions),
                    "admins": await admins_of(request, auth, found.actions),
                    "topics": [(topic_url(slug), _topic_title(slug, language, app))
                               for slug in found.topics]}
    return render(request, "troubleshoot.html", auth=auth, **context)


def _topic_title(slug: str, language: str, app: str) -> str:
    text = TOPICS[slug].ja if language == "ja" else TOPICS[slug].en
    return text.title.replace("{app}", app)


@router.get("/troubleshoot")
async def start(request: Request) -> Response:
    """The first question, or, when this browser has just failed to sign in, its message
    first ("is this your problem?")."""
    auth = await visitor(request)
    language = page_language(request, auth)
    fresh = request.query_params.get("fresh") == "1"
    return await _page(request, auth, QUESTIONS[START],
                       None if fresh else last_error(request, language))


@router.get("/troubleshoot/{node_id}")
async def step(node_id: str, request: Request) -> Response:
    auth = await visitor(request)
    found = node(node_id[:40])
    if found is None or node_id == START:
        raise CatalogueError("NOT_FOUND")
    return await _page(request, auth, found)

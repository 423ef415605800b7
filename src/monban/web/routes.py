"""Installs the HTML routes (packages by audience: signin, account, admin, help), the
stylesheet and the API docs pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from monban.web import api_docs
from monban.web.account import app_passwords, authenticator, factors, security
from monban.web.admin import apps, members, mfa, orgs
from monban.web.help import diagnose, recovery, support, topics, troubleshoot
from monban.web.signin import (
    code,
    enrolment,
    federation,
    first_step,
    new_password,
    oidc,
    second_step,
)

STATIC = Path(__file__).parent / "static"

PAGES = (first_step, new_password, second_step, enrolment, security, factors, orgs, mfa,
         members, topics, diagnose, troubleshoot, support, recovery, authenticator,
         app_passwords, code, oidc, apps, federation)
"""In the order their routes are matched."""


def install(app: FastAPI) -> None:
    for module in PAGES:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    api_docs.install(app)

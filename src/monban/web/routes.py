"""Installs the HTML routes and the stylesheet."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from monban.web import (
    api_docs,
    pages_admin,
    pages_admin_apps,
    pages_admin_mfa,
    pages_app_passwords,
    pages_authenticator,
    pages_diagnose,
    pages_factors,
    pages_federation,
    pages_help,
    pages_members,
    pages_mfa_enroll,
    pages_mfa_signin,
    pages_oidc,
    pages_password_change,
    pages_recovery,
    pages_security,
    pages_signin,
    pages_signin_code,
    pages_support,
    pages_troubleshoot,
)

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    for module in (pages_signin, pages_password_change, pages_mfa_signin, pages_mfa_enroll,
                   pages_security, pages_factors, pages_admin, pages_admin_mfa, pages_members,
                   pages_help, pages_diagnose, pages_troubleshoot):
        app.include_router(module.router)
    app.include_router(pages_support.router)
    app.include_router(pages_recovery.router)
    app.include_router(pages_authenticator.router)
    app.include_router(pages_app_passwords.router)
    app.include_router(pages_signin_code.router)
    app.include_router(pages_oidc.router)
    app.include_router(pages_admin_apps.router)
    app.include_router(pages_federation.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    api_docs.install(app)

"""The pages that add a factor, shared by the security page (account/factors.py) and by the
sign-in flow of an org that requires MFA (signin/enrolment.py): a start form per kind, then
the confirm form (QR code and first code, or the code that was sent) or the backup codes.
Only the place differs: where the forms post, their hidden fields, and "Trust this browser"."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from monban.errors import CatalogueError
from monban.factors import registry
from monban.factors.base import Enrollment
from monban.i18n.catalog import gettext_for
from monban.sessions.service import Authenticated
from monban.web.forms import Form
from monban.web.mfa import kinds, mfa_error
from monban.web.render import page_language, render


@dataclass(frozen=True, slots=True)
class Place:
    base: str
    """Forms post to base/<kind>, base/<kind>/confirm; webauthn.js asks base/<kind>/options."""
    cancel: str
    restart_query: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    trust_days: int = 0
    in_flow: bool = False
    auth: Authenticated | None = None

    def restart(self, kind: str) -> str:
        return f"{self.base}/{kind}{self.restart_query}"


def default_name(request: Request, kind: str, auth: Authenticated | None) -> str:
    _ = gettext_for(page_language(request, auth))
    described = registry.descriptions().get(kind)
    return str(_(described.default_name or described.label)) if described else kind


def enroll_params(kind: str, form: Form) -> dict[str, Any]:
    described = registry.descriptions().get(kind)
    if described is None or described.enroll_field is None:
        return {}
    key, limit = described.enroll_field
    return {key: form.text(key, limit).strip()}


def enroll_name(request: Request, kind: str, form: Form, auth: Authenticated | None) -> str:
    return form.text("name", 100).strip() or default_name(request, kind, auth)


def add_page(request: Request, place: Place, kind: str, step: str, *,
             error: CatalogueError | None = None, enrollment: Enrollment | None = None,
             enrollment_id: str = "", name: str = "", values: dict[str, Any] | None = None,
             existing_backup: bool = False) -> Response:
    """`step`: start | confirm | codes; a factor without a confirmation page of its own is
    confirmed on its first page, so a refused confirmation shows that again."""
    view = mfa_error(request, error, page_language(request, place.auth), kind) if error else None
    display = enrollment.display if enrollment else {}
    described = registry.descriptions().get(kind)
    if step == "confirm" and described is not None and not described.confirm_page:
        step = "start"
    return render(request, "factor_add.html", auth=place.auth,
                  status=error.status if error else 200, error=view,
                  scripts=step == "start" and described is not None
                  and "add" in described.scripts,
                  place={"base": place.base, "cancel": place.cancel,
                         "restart": place.restart(kind), "hidden": place.hidden,
                         "trust_days": place.trust_days, "in_flow": place.in_flow},
                  kind=kind, kinds=kinds(), step=step, display=display,
                  enrollment_id=enrollment.id if enrollment else enrollment_id,
                  name=name or default_name(request, kind, place.auth), values=values or {},
                  existing_backup=existing_backup, download_name="monban-backup-codes.txt")


def after_enroll(request: Request, place: Place, kind: str, enrollment: Enrollment,
                 replaced: bool = False) -> Response:
    """What follows a started enrollment: the backup codes (made at once; `replaced`: an
    earlier set was cancelled), or the form that confirms it."""
    if enrollment.factor is not None:
        return add_page(request, place, kind, "codes", enrollment=enrollment,
                        existing_backup=replaced)
    return add_page(request, place, kind, "confirm", enrollment=enrollment)

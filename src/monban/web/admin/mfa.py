"""The admin console's two-step verification settings of an organisation: who must use it
(everyone, or some roles), which methods members may use (email codes and backup codes each
with their own switch), how long a trusted browser skips it, and the authenticator-app clock
drift allowed. Saved through Directory.update_settings, like the other sign-in settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Org
from monban.errors import CatalogueError
from monban.web.admin.orgs import save_org_settings
from monban.web.forms import Form
from monban.web.labels import MFA_NUMBERS, ROLES
from monban.web.mfa import org_methods, org_switches
from monban.web.page_route import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _changes(form: Form, org: Org) -> dict[str, Any]:
    current = org.settings
    shown = set(org_methods()) | set(org_switches())
    kept = [k for k in current.allowed_factors if k not in shown]  # e.g. push: not on the page
    wanted: dict[str, Any] = {
        "mfa_required": form.flag("mfa_required"),
        "mfa_required_roles": form.choices("mfa_required_roles", set(ROLES)),
        "allowed_factors": sorted({*kept, *form.choices("allowed_factors", shown)}),
    }
    for name in MFA_NUMBERS:
        try:
            wanted[name] = int(form.text(name, 12).strip())
        except ValueError as exc:
            raise CatalogueError("INVALID_REQUEST", detail={"fields": [name]}) from exc
    before = current.model_dump()
    return {k: v for k, v in wanted.items() if v != before.get(k)}


@router.post("/admin/orgs/{slug}/mfa")
async def save_mfa(slug: str, request: Request) -> Response:
    return await save_org_settings(request, slug, _changes, "#two-step")

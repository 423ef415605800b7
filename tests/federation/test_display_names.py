"""Display names from federation: an upstream `name` claim with CR/LF or a bidirectional
override is cleaned (the person cannot edit it here), and a provider's own display name with
one is refused like any typed name."""

from __future__ import annotations

from httpx import AsyncClient

from monban.accounts.model import Account
from monban.federation.oidc_client import _identity
from tests.conftest import error_code, token_for

PATH = "/api/v1/admin/identity-providers"


def test_upstream_name_claims_are_cleaned() -> None:
    identity = _identity("https://idp.example", "sub-1", "Hanako@Acme.Example", True,
                         "Hanako\r\nBcc: all@acme.example\u202e", None)
    assert identity.name == "Hanako Bcc: all@acme.example"
    assert identity.email == "hanako@acme.example"


async def test_provider_display_name_with_line_break_is_refused(
        client: AsyncClient, admin: Account) -> None:
    headers = await token_for(client, admin.email or "")
    refused = await client.post(PATH, headers=headers, json={
        "slug": "acme-sso", "issuer": "https://sso.acme.example", "client_id": "x",
        "client_secret": "y", "org": "acme", "display_name": "Acme\r\nSSO"})
    assert refused.status_code == 400, refused.text
    assert error_code(refused) == "INVALID_REQUEST"
    assert refused.json()["error"]["detail"] == {"field": "display_name"}

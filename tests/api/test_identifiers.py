"""One account per identifier (issue 12, item 4): every spelling that normalises alike names
the same account, through the API. Fullwidth and ligature twins are refused as
IDENTIFIER_TAKEN, any equivalent form signs in to the one account, look-alikes (UTS #39) are
IDENTIFIER_NOT_ALLOWED, phone numbers are stored once in E.164, and display names with
control characters are refused."""

from __future__ import annotations

import httpx
import pytest

from monban.accounts.model import Account
from monban.runtime import Runtime
from tests.conftest import PASSWORD, error_code, sign_in, token_for

MEMBERS = "/api/v1/orgs/acme/members"


async def add(client: httpx.AsyncClient, headers: dict[str, str], **body: str
              ) -> httpx.Response:
    return await client.post(MEMBERS, headers=headers,
                             json={"display_name": "Someone", "password": PASSWORD, **body})


@pytest.mark.parametrize(("first", "twin"), [
    ("hanako@acme.example", "ｈａｎａｋｏ@acme.example"),   # fullwidth
    ("hanako@acme.example", "ＨＡＮＡＫＯ＠ＡＣＭＥ．ＥＸＡＭＰＬＥ"),
    ("hanako@acme.example", "Hanako@ACME.example"),     # case, local part too
    ("fi@acme.example", "ﬁ@acme.example"),              # the ligature
    ("ﬁ@acme.example", "fi@acme.example"),
    ("taro@例え.jp", "taro@xn--r8jz45g.jp"),            # IDNA: one domain
])
async def test_an_equivalent_email_is_taken(admin: Account, client: httpx.AsyncClient,
                                            first: str, twin: str) -> None:
    headers = await token_for(client, admin.email or "")
    created = await add(client, headers, email=first)
    if first != "hanako@acme.example":
        assert created.status_code == 201, created.text
    twin_response = await add(client, headers, email=twin)
    assert twin_response.status_code == 409, twin_response.text
    assert error_code(twin_response) == "IDENTIFIER_TAKEN"


async def test_ligature_account_signs_in_with_every_form(
        admin: Account, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.email or "")
    created = await add(client, headers, email="ﬁ@acme.example")
    assert created.status_code == 201, created.text
    assert created.json()["account"]["email"] == "fi@acme.example"
    ids = set()
    for form in ("ﬁ@acme.example", "fi@acme.example", "FI@acme.example",
                 "ｆｉ＠ａｃｍｅ．ｅｘａｍｐｌｅ", "  Fi@Acme.Example "):
        response = await sign_in(client, form)
        assert response.status_code == 200, (form, response.text)
        me = await client.get("/api/v1/me", headers={
            "Authorization": f"Bearer {response.json()['token']}"})
        ids.add(me.json()["account"]["id"])
    assert ids == {created.json()["account"]["id"]}


async def test_fullwidth_member_signs_in_as_the_one_account(
        member: Account, client: httpx.AsyncClient) -> None:
    for form in ("ｈａｎａｋｏ@acme.example", "HANAKO@acme.example"):
        response = await sign_in(client, form)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("field,value", [
    ("email", "h\u0430nako@acme.example"),       # Cyrillic а among Latin
    ("email", "\u0440\u0430\u0443@acme.example"),  # all Cyrillic, every letter Latin-like: "pay"
    ("email", "hanako@\u0430cme.example"),       # the look-alike in the domain
    ("username", "h\u0430nako"),
    ("username", "\u0440\u0430\u0443"),
    ("username", "adm\u0456n"),                  # Ukrainian і
])
async def test_look_alikes_are_refused(admin: Account, client: httpx.AsyncClient,
                                       field: str, value: str) -> None:
    headers = await token_for(client, admin.email or "")
    response = await add(client, headers, **{field: value})
    assert response.status_code == 400, response.text
    assert error_code(response) == "IDENTIFIER_NOT_ALLOWED"
    assert response.json()["error"]["detail"] == {"field": field}


@pytest.mark.parametrize("email", ["山田たろう@例え.jp", "taro.山田@acme.example",
                                   "пример@acme.example", "ｔａｒｏ@acme.example"])
async def test_one_script_or_japanese_mix_is_allowed(admin: Account,
                                                     client: httpx.AsyncClient,
                                                     email: str) -> None:
    headers = await token_for(client, admin.email or "")
    response = await add(client, headers, email=email)
    assert response.status_code == 201, response.text


async def test_username_is_case_folded_and_width_folded(admin: Account,
                                                        client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.email or "")
    created = await add(client, headers, username="Ｔａｒｏ.Yamada")
    assert created.status_code == 201, created.text
    assert created.json()["account"]["username"] == "taro.yamada"
    assert error_code(await add(client, headers, username="TARO.YAMADA")) == "IDENTIFIER_TAKEN"
    assert (await sign_in(client, "ｔａｒｏ．ｙａｍａｄａ")).status_code == 200


@pytest.mark.parametrize("twin", ["+81 90 1234 5678", "+81-90-1234-5678",
                                  "+81 (0)90-1234-5678", "＋８１９０１２３４５６７８",
                                  "+81 090 1234 5678"])
async def test_phone_formats_are_one_number(admin: Account, client: httpx.AsyncClient,
                                            twin: str) -> None:
    headers = await token_for(client, admin.email or "")
    created = await add(client, headers, phone="+819012345678")
    assert created.status_code == 201, created.text
    assert created.json()["account"]["phone"] == "+819012345678"
    response = await add(client, headers, phone=twin)
    assert error_code(response) == "IDENTIFIER_TAKEN", response.text
    assert (await sign_in(client, twin)).status_code == 200


async def test_a_national_number_without_country_code_is_refused(
        admin: Account, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.email or "")
    response = await add(client, headers, phone="090-1234-5678")
    assert error_code(response) == "INVALID_PHONE_NUMBER"


# Display names --------------------------------------------------------------------------
BAD_NAMES = ["Hanako\r\nBcc: all@acme.example", "Hanako\n", "Ha\x00nako", "\u202egpj.exe",
             "Ha\u200dnako", "Ha\u2028nako"]


@pytest.mark.parametrize("name", BAD_NAMES)
async def test_display_name_with_control_characters_is_refused(
        admin: Account, member: Account, client: httpx.AsyncClient, runtime: Runtime,
        name: str) -> None:
    headers = await token_for(client, admin.email or "")
    created = await client.post(MEMBERS, headers=headers, json={
        "display_name": name, "email": "jiro@acme.example", "password": PASSWORD})
    assert created.status_code == 400, created.text
    assert created.json()["error"]["code"] == "INVALID_REQUEST"
    assert created.json()["error"]["detail"] == {"field": "display_name"}
    patched = await client.patch(f"{MEMBERS}/{member.id}", headers=headers,
                                 json={"display_name": name})
    assert patched.status_code == 400, patched.text
    assert patched.json()["error"]["detail"] == {"field": "display_name"}
    own = await token_for(client, member.email or "")
    mine = await client.patch("/api/v1/me", headers=own, json={"display_name": name})
    assert mine.status_code == 400, mine.text
    assert mine.json()["error"]["detail"] == {"field": "display_name"}
    stored = await runtime.directory.account(member.id)
    assert stored.display_name == "Hanako"

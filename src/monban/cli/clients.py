"""`monban client …` (OpenID Connect clients) and `monban keys …` (the provider's signing
keys). A client secret is printed once, at create and rotate-secret; only its keyed hash is
kept."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer

from monban.cli.commands import app
from monban.cli.running import run
from monban.oidc import registration
from monban.oidc.clients import Client
from monban.runtime import Runtime
from monban.store import oidc_clients, oidc_keys

client_app = typer.Typer(help="OpenID Connect clients (apps that sign in through Monban).",
                         no_args_is_help=True)
keys_app = typer.Typer(help="The OpenID Connect provider's signing keys.", no_args_is_help=True)
app.add_typer(client_app, name="client")
app.add_typer(keys_app, name="keys")


def _show(client: Client, secret: str | None = None) -> None:
    typer.echo(f"client_id:      {client.id}")
    if secret:
        typer.echo(f"client_secret:  {secret}")
        typer.echo("                (shown once: store it now; `monban client rotate-secret` "
                   "makes a new one)")
    typer.echo(f"name:           {client.name}")
    typer.echo(f"type:           {'public' if client.public else 'confidential'} "
               f"({client.auth_method})")
    typer.echo(f"redirect_uris:  {' '.join(client.redirect_uris) or '-'}")
    typer.echo(f"post_logout:    {' '.join(client.post_logout_redirect_uris) or '-'}")
    typer.echo(f"scopes:         {' '.join(client.scopes)}")
    typer.echo(f"grants:         {' '.join(client.grants)}")
    typer.echo(f"signing_alg:    {client.signing_alg}")
    typer.echo(f"web views:      {'allowed' if client.allow_webview else 'refused'}")
    typer.echo(f"consent:        {'skipped (first-party)' if client.skip_consent else 'asked'}")
    typer.echo(f"token lifetime: access {client.access_token_ttl}s, "
               f"refresh {client.refresh_token_ttl}s")


@client_app.command("create")
def client_create(
    name: str = typer.Option(..., help="Shown to people on the consent page"),
    redirect_uri: list[str] = typer.Option([], "--redirect-uri",
                                           help="Exact callback URL (repeatable)"),
    post_logout_redirect_uri: list[str] = typer.Option([], "--post-logout-redirect-uri"),
    public: bool = typer.Option(False, "--public",
                                help="A browser or native app: no secret, PKCE required"),
    scope: list[str] = typer.Option([], "--scope", help="Allowed scope (repeatable)"),
    grant: list[str] = typer.Option([], "--grant", help="Allowed grant type (repeatable)"),
    auth_method: str = typer.Option("", help="client_secret_basic (default), "
                                             "client_secret_post or private_key_jwt"),
    jwks_file: str = typer.Option("", help="Public JWKS (JSON file) for private_key_jwt"),
    alg: str = typer.Option("ES256", help="ID/access token signing: ES256 or RS256"),
    allow_webview: bool = typer.Option(False, "--allow-webview",
                                       help="Do not refuse embedded web views"),
    skip_consent: bool = typer.Option(False, "--skip-consent",
                                      help="A first-party app: no consent page"),
    org: str = typer.Option("", help="Only this org's members may sign in (slug or id)"),
    access_token_ttl: int = typer.Option(600),
    refresh_token_ttl: int = typer.Option(30 * 24 * 3600),
) -> None:
    jwks = json.loads(Path(jwks_file).read_text()) if jwks_file else None

    async def work(rt: Runtime) -> tuple[Client, str | None]:
        org_id = (await rt.directory.org(org)).id if org else None
        grants = tuple(grant) or ("authorization_code", "refresh_token")
        method = auth_method or ("none" if public else "client_secret_basic")
        client = Client(id="", name=name, public=public, redirect_uris=tuple(redirect_uri),
                        post_logout_redirect_uris=tuple(post_logout_redirect_uri),
                        scopes=tuple(scope) or ("openid", "profile", "email"),
                        grants=grants, auth_method=method, jwks=jwks, signing_alg=alg,
                        allow_webview=allow_webview, skip_consent=skip_consent,
                        org_id=org_id, access_token_ttl=access_token_ttl,
                        refresh_token_ttl=refresh_token_ttl)
        return await registration.create(rt.oidc, client)

    client, secret = run(work)
    _show(client, secret)


@client_app.command("list")
def client_list() -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.db.run(oidc_clients.list_all, write=False)

    for client in run(work):
        kind = "public" if client.public else "confidential"
        typer.echo(f"{client.id}\t{client.name}\t{kind}\t{' '.join(client.redirect_uris)}")


@client_app.command("show")
def client_show(client_id: str) -> None:
    async def work(rt: Runtime) -> Client:
        return await registration.get(rt.oidc, client_id)

    _show(run(work))


@client_app.command("update")
def client_update(
    client_id: str,
    name: str = typer.Option(""),
    redirect_uri: list[str] = typer.Option([], "--redirect-uri",
                                           help="Replaces the list (repeatable)"),
    allow_webview: bool | None = typer.Option(None, "--allow-webview/--refuse-webview"),
    skip_consent: bool | None = typer.Option(None, "--skip-consent/--ask-consent"),
    alg: str = typer.Option(""),
) -> None:
    changes: dict[str, Any] = {}
    if name:
        changes["name"] = name
    if redirect_uri:
        changes["redirect_uris"] = list(redirect_uri)
    if allow_webview is not None:
        changes["allow_webview"] = allow_webview
    if skip_consent is not None:
        changes["skip_consent"] = skip_consent
    if alg:
        changes["signing_alg"] = alg

    async def work(rt: Runtime) -> Client:
        return await registration.update(rt.oidc, await registration.get(rt.oidc, client_id),
                                         changes)

    _show(run(work))


@client_app.command("rotate-secret")
def client_rotate_secret(client_id: str) -> None:
    async def work(rt: Runtime) -> tuple[Client, str]:
        client = await registration.get(rt.oidc, client_id)
        return client, await registration.rotate_secret(rt.oidc, client)

    client, secret = run(work)
    _show(replace(client), secret)


@client_app.command("delete")
def client_delete(client_id: str) -> None:
    async def work(rt: Runtime) -> None:
        await registration.delete(rt.oidc, await registration.get(rt.oidc, client_id))

    run(work)
    typer.echo(f"deleted {client_id}")


@keys_app.command("rotate")
def keys_rotate(alg: str = typer.Option("ES256", help="ES256 or RS256")) -> None:
    async def work(rt: Runtime) -> Any:
        await rt.oidc.ring()  # the first key exists before it is rotated
        return await registration.rotate_keys(rt.oidc, alg)

    key = run(work)
    typer.echo(f"new {key.alg} signing key {key.kid}; the previous one stays in the JWKS "
               "until the tokens it signed have expired")


@keys_app.command("list")
def keys_list() -> None:
    async def work(rt: Runtime) -> Any:
        await rt.oidc.ring()
        return await rt.db.run(oidc_keys.published, rt.clock.now(), write=False)

    for key in run(work):
        state = "signing" if key.retired_at is None else \
            f"retired, published until {key.publish_until:%Y-%m-%d %H:%M}"
        typer.echo(f"{key.kid}\t{key.alg}\t{key.created_at:%Y-%m-%d %H:%M}\t{state}")

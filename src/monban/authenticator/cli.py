"""`monban-authenticator ...` (also `monban authenticator ...`): the app's commands.

Exit codes: 0 done, 1 refused by the server (the catalogue message is printed), 2 not linked
or bad input, 3 the app is too old (AUTHENTICATOR_UPDATE_REQUIRED: update it)."""

from __future__ import annotations

import platform as host_platform
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn
from urllib.parse import parse_qs, unquote, urlparse

import httpx
import pyotp
import typer

from monban.authenticator.client import APP_VERSION, AppError, Client
from monban.authenticator.home import Home
from monban.authenticator.words import say
from monban.devices.signature import public_key_text

app = typer.Typer(help="Monban Authenticator: approve sign-ins, offline codes, QR sign-in, "
                       "restrict sign-in.", no_args_is_help=True)
update_app = typer.Typer(help="Is this app new enough for the server?", no_args_is_help=True)
app.add_typer(update_app, name="update")

UPDATE_HINT = "pip install --upgrade monban"


def main() -> None:
    app()


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _refused(error: AppError) -> NoReturn:
    typer.echo(f"{error.message} ({error.code})", err=True)
    if error.code == "AUTHENTICATOR_UPDATE_REQUIRED":
        minimum = error.detail.get("minimum")
        typer.echo(say("update", version=APP_VERSION, hint=UPDATE_HINT,
                       needs=say("needs", minimum=minimum) if minimum else ""), err=True)
        raise typer.Exit(3)
    raise typer.Exit(1)


@contextmanager
def _linked() -> Iterator[tuple[Client, Home, dict[str, Any]]]:
    home = Home.open()
    state, key = home.state(), home.key()
    if not state.get("device_id") or key is None:
        _fail(say("not_linked"))
    client = Client(state["server"], state["device_id"], key)
    try:
        yield client, home, state
    except AppError as error:
        _refused(error)
    except httpx.HTTPError as error:
        _fail(say("unreachable", server=state["server"], error=error), 1)
    finally:
        client.close()


def _parse_link(target: str, code: str | None) -> tuple[str, str]:
    parsed = urlparse(target)
    if parsed.scheme == "monban-authenticator":
        query = parse_qs(parsed.query)
        server = unquote(query.get("server", [""])[0])
        found = code or query.get("code", [""])[0]
    else:
        server, found = target, code or ""
    if not server.startswith(("http://", "https://")) or not found:
        _fail(say("bad_link"))
    return server, found


# Linking ---------------------------------------------------------------------------------

@app.command()
def link(target: str = typer.Argument(..., help="The link shown on the security page "
                                                "(monban-authenticator://link?...) or the "
                                                "server URL"),
         code: str = typer.Option(None, help="The enrolment code, if not in the link"),
         name: str = typer.Option(None, help="This device's name (default: host name)")
         ) -> None:
    """Link this app to your account: a new key pair; the public key is registered."""
    server, found = _parse_link(target, code)
    home = Home.open()
    key = home.new_key()
    client = Client(server)
    try:
        answer = client.link(found, public_key_text(key), name or socket.gethostname(),
                             f"{host_platform.system()} {host_platform.release()}".strip())
    except AppError as error:
        _refused(error)
    except httpx.HTTPError as error:
        _fail(say("unreachable", server=server, error=error), 1)
    finally:
        client.close()
    state = home.state()
    state.update({"server": server, "device_id": answer["device"]["id"],
                  "account": answer["account"]["label"], "app_name": answer["app_name"],
                  "own_totp": {"label": answer["account"]["label"],
                               "issuer": answer["app_name"],
                               "secret": answer["totp"]["secret"]}})
    state.setdefault("otpauth", [])
    home.save(state)
    typer.echo(say("linked", account=answer["account"]["label"], server=server,
                   device=answer["device"]["name"]))


# Push approval ---------------------------------------------------------------------------

def _describe(challenge: dict[str, Any]) -> str:
    return say("request", browser=challenge.get("browser"), ip=challenge.get("ip"),
               where=challenge.get("location") or say("unknown_location"),
               at=challenge.get("created_at"))


def _answer(client: Client, challenge_id: str, number: int | None, deny: bool) -> str:
    answer = client.call("POST", f"/api/v1/authenticator/challenges/{challenge_id}/answer",
                         {"number": number, "deny": deny})
    result = str(answer["result"])
    typer.echo(say(result) if result in ("approved", "denied", "wrong_number") else result)
    return result


@app.command()
def pending() -> None:
    """Sign-in requests waiting for an answer (id and the three numbers)."""
    with _linked() as (client, _, _):
        for challenge in client.call("GET", "/api/v1/authenticator/challenges")["challenges"]:
            choices = " ".join(str(n) for n in challenge["choices"])
            typer.echo(f"{challenge['id']}  {choices}  {_describe(challenge)}")


@app.command()
def approve(challenge_id: str,
            number: int = typer.Option(..., help="The number the sign-in page shows")) -> None:
    """Approve a sign-in request with the number the browser shows."""
    with _linked() as (client, _, _):
        if _answer(client, challenge_id, number, False) != "approved":
            raise typer.Exit(1)


@app.command()
def deny(challenge_id: str) -> None:
    """Deny a sign-in request (it was not you)."""
    with _linked() as (client, _, _):
        _answer(client, challenge_id, None, True)


def _ask(challenge: dict[str, Any]) -> tuple[int | None, bool]:
    typer.echo(_describe(challenge))
    choices = [int(n) for n in challenge["choices"]]
    typer.echo(say("which", choices="   ".join(str(n) for n in choices)))
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        return None, True
    text = line.strip().lower()
    if text in ("d", "deny", "n", "no"):
        return None, True
    if text.isdigit() and int(text) in choices:
        return int(text), False
    typer.echo(say("not_a_choice"))
    return None, True


@app.command()
def listen(once: bool = typer.Option(False, help="Stop after answering one request"),
           wait: float = typer.Option(0, help="Give up after this many seconds (0: never)")
           ) -> None:
    """Wait for sign-in requests (a long-lived connection to the server) and ask, for each,
    which of three numbers the sign-in page shows, or deny."""
    deadline = time.monotonic() + wait if wait else None
    with _linked() as (client, _, state):
        typer.echo(say("waiting", account=state.get("account")))
        sys.stdout.flush()
        delay = 1.0
        while deadline is None or time.monotonic() < deadline:
            try:
                for event, data in client.events(read_timeout=30.0):
                    delay = 1.0
                    if event == "connected":
                        typer.echo(say("connected", server=client.server))
                        sys.stdout.flush()
                    if event != "challenge":
                        continue
                    number, denied = _ask(data)
                    try:
                        _answer(client, data["id"], number, denied)
                    except AppError as error:
                        typer.echo(f"{error.message} ({error.code})")
                    sys.stdout.flush()
                    if once:
                        return
                    if deadline is not None and time.monotonic() >= deadline:
                        return
            except httpx.HTTPError:
                time.sleep(delay)  # the node went away: connect again (to any node)
                delay = min(delay * 2, 30.0)
        _fail(say("nothing_came"), 1)


# QR sign-in ------------------------------------------------------------------------------

@app.command()
def scan(payload: str = typer.Argument(..., help="What the sign-in page's QR code holds "
                                                 "(monban-authenticator://signin?...)"),
         yes: bool = typer.Option(False, "--yes", help="Approve without asking")) -> None:
    """Sign a browser in by its QR code. Check that the browser shown is yours first: never
    approve a QR code someone else sent you."""
    parsed = urlparse(payload)
    qr_id = parse_qs(parsed.query).get("id", [""])[0]
    if parsed.scheme != "monban-authenticator" or parsed.netloc != "signin" or not qr_id:
        _fail(say("not_qr"))
    with _linked() as (client, _, _):
        found = client.call("GET", f"/api/v1/authenticator/qr/{qr_id}")
        typer.echo(say("qr_ask", browser=found["browser"], ip=found["ip"]))
        if not yes and not typer.confirm(say("approve"), default=False):
            typer.echo(say("not_approved"))
            raise typer.Exit(1)
        client.call("POST", f"/api/v1/authenticator/qr/{qr_id}/approve", {})
        typer.echo(say("qr_approved"))


# Offline codes ---------------------------------------------------------------------------

@app.command("add-otpauth")
def add_otpauth(uri: str = typer.Argument(..., help="otpauth://totp/... from another service")
                ) -> None:
    """Keep another service's authenticator-app secret here (stored in this app only)."""
    try:
        otp = pyotp.parse_uri(uri)
    except ValueError as error:
        _fail(say("not_otpauth", error=error))
    if not isinstance(otp, pyotp.TOTP):
        _fail(say("totp_only"))
    home = Home.open()
    state = home.state()
    entry = {"label": otp.name, "issuer": otp.issuer or "", "secret": otp.secret,
             "digits": otp.digits, "period": otp.interval,
             "algorithm": getattr(otp.digest(), "name", "sha1")}
    state["otpauth"] = [e for e in state.get("otpauth", [])
                        if (e["issuer"], e["label"]) != (entry["issuer"], entry["label"])]
    state["otpauth"].append(entry)
    home.save(state)
    typer.echo(say("added", name=f"{entry['issuer']} {entry['label']}".strip()))


def _totp(entry: dict[str, Any]) -> pyotp.TOTP:
    import hashlib

    digest = getattr(hashlib, str(entry.get("algorithm", "sha1")).lower(), hashlib.sha1)
    return pyotp.TOTP(entry["secret"], digits=int(entry.get("digits", 6)),
                      interval=int(entry.get("period", 30)), digest=digest)


@app.command()
def codes() -> None:
    """The current codes, computed here (no network needed)."""
    state = Home.open().state()
    entries = ([state["own_totp"]] if state.get("own_totp") else []) + state.get("otpauth", [])
    if not entries:
        _fail(say("no_codes"))
    now = time.time()
    for entry in entries:
        otp = _totp(entry)
        left = otp.interval - int(now) % otp.interval
        typer.echo(f"{otp.at(int(now))}  {entry.get('issuer', '')}: {entry['label']}  "
                   f"({left}s)")


# Restriction and sessions ----------------------------------------------------------------

@app.command()
def restrict(action: str = typer.Argument("status", help="on | off | status")) -> None:
    """Restrict sign-in to your account: while on, every new sign-in is refused (sessions
    already open keep working)."""
    if action not in ("on", "off", "status"):
        _fail(say("on_off"))
    with _linked() as (client, _, _):
        if action == "status":
            state = client.call("GET", "/api/v1/authenticator/restriction")
        else:
            state = client.call("PUT", "/api/v1/authenticator/restriction",
                                {"restricted": action == "on"})
        typer.echo(say("restriction", state=say("on" if state["restricted"] else "off")))


@app.command()
def sessions(end: str = typer.Option(None, help="End the session with this id")) -> None:
    """Your open sessions; --end ID signs one out."""
    with _linked() as (client, _, _):
        if end:
            client.call("DELETE", f"/api/v1/authenticator/sessions/{end}")
            typer.echo(say("session_ended"))
            return
        for session in client.call("GET", "/api/v1/authenticator/sessions")["sessions"]:
            typer.echo(f"{session['id']}  {session.get('device', '')}  {session.get('ip', '')}  "
                       + say("since", at=session.get("started_at", "")))


@update_app.command("check")
def update_check() -> None:
    """Ask the server whether this version is still allowed."""
    with _linked() as (client, _, _):
        answer = client.call("GET", "/api/v1/authenticator/device")
        typer.echo(say("up_to_date", version=APP_VERSION, minimum=answer["minimum_version"]))

"""Local stand-ins for the outside world of codes, for tests:

- `SmsProvider`: a real HTTP server on a free loopback port speaking the Twilio-style
  Messages API (POST /2010-04-01/Accounts/{account}/Messages.json, HTTP Basic, form fields
  To/From/Body). It records what arrives and can be told to fail or to stall.
- `MailServer`: a real SMTP server (aiosmtpd) on a free loopback port keeping every message,
  optionally demanding AUTH.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

ACCOUNT = "AC0123456789abcdef"
TOKEN = "provider-token-1"
SENDER = "+15005550006"
CODE = re.compile(r"\b(\d{6})\b")


@dataclass(frozen=True)
class Sms:
    to: str
    sender: str
    body: str

    @property
    def code(self) -> str:
        found = CODE.search(self.body)
        assert found, self.body
        return found.group(1)


class SmsProvider:
    def __init__(self) -> None:
        self.messages: list[Sms] = []
        self.refused = 0
        self.fail_with: int | None = None
        """Answer every message with this HTTP status (e.g. 500) instead of accepting it."""
        self.stall_seconds = 0.0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[SmsProvider]:
        provider = cls()
        thread = threading.Thread(target=provider._server.serve_forever,
                                  kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            yield provider
        finally:
            provider._server.shutdown()
            provider._server.server_close()

    def last(self, to: str | None = None) -> Sms:
        with self._lock:
            found = [m for m in self.messages if to is None or m.to == to]
        assert found, "no SMS arrived"
        return found[-1]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self
        expected_auth = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.path != f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json":
                    return self._answer(404, {"code": 20404, "message": "not found"})
                if self.headers.get("Authorization") != expected_auth:
                    with provider._lock:
                        provider.refused += 1
                    return self._answer(401, {"code": 20003, "message": "authenticate"})
                if provider.stall_seconds:
                    time.sleep(provider.stall_seconds)
                if provider.fail_with:
                    return self._answer(provider.fail_with, {"message": "provider trouble"})
                form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                with provider._lock:
                    provider.messages.append(Sms(form["To"], form["From"], form["Body"]))
                self._answer(201, {"sid": f"SM{len(provider.messages):032x}",
                                   "status": "queued", "to": form["To"]})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (timeout tests)

        return Handler


# SMTP ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MailServer:
    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        extra: dict[str, Any] = {}
        if login is not None:
            extra = {"authenticator": self._authenticator(login), "auth_required": True,
                     "auth_require_tls": False}
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **extra)

    @classmethod
    @contextmanager
    def running(cls, login: tuple[str, str] | None = None) -> Iterator[MailServer]:
        server = cls(login)
        server._controller.start()
        try:
            yield server
        finally:
            server._controller.stop()

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def last(self) -> EmailMessage:
        assert self.messages, "no email arrived"
        return self.messages[-1]

    def last_code(self) -> str:
        found = CODE.search(str(self.last().get_content()))
        assert found
        return found.group(1)

    @staticmethod
    def _authenticator(login: tuple[str, str]) -> Any:
        def check(server: Any, session: Session, envelope: Envelope, mechanism: str,
                  data: Any) -> AuthResult:
            ok = (isinstance(data, LoginPassword)
                  and (data.login.decode(), data.password.decode()) == login)
            return AuthResult(success=ok, handled=False)

        return check

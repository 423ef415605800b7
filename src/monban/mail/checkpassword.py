"""Dovecot's checkpassword program, asking Monban (`passdb { driver = checkpassword }`).

The checkpassword interface (qmail's, as Dovecot speaks it): "user\\0password\\0..." arrives on
file descriptor 3; the service (imap, pop3, submission) and the client's address arrive in the
environment (SERVICE, TCPREMOTEIP). A good login execs the reply program named in argv with
USER set; a refused one exits 1; a failure to reach Monban exits 111 (temporary, so Dovecot
answers "try again later" instead of "wrong password").

    monban-checkpassword https://accounts.example.com /etc/dovecot/monban-mail-token REPLY...

(also `python3 -m monban.mail.checkpassword ...`). The token file holds MONBAN_MAIL_AUTH_TOKEN:
a file, not an argument, because other users can read a process's arguments.

Deliberately light (httpx only): Dovecot starts it for every login."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

REFUSED, BAD_INPUT, TEMPORARY = 1, 2, 111
MAX_INPUT = 512


def read_credentials(fd: int = 3) -> tuple[str, str] | None:
    data = b""
    while len(data) < MAX_INPUT:
        chunk = os.read(fd, MAX_INPUT - len(data))
        if not chunk:
            break
        data += chunk
    parts = data.split(b"\0")
    if len(parts) < 2:
        return None
    try:
        return parts[0].decode(), parts[1].decode()
    except UnicodeDecodeError:
        return None


def ask(url: str, token: str, username: str, password: str, protocol: str,
        client_ip: str, timeout: float = 10.0) -> int:
    """0 for a good login, else the exit status to end with."""
    try:
        answer = httpx.post(f"{url.rstrip('/')}/api/v1/mail/logins", timeout=timeout,
                            headers={"authorization": f"Bearer {token}"},
                            json={"username": username, "password": password,
                                  "protocol": protocol, "client_ip": client_ip})
    except httpx.HTTPError:
        return TEMPORARY
    if answer.status_code == 200:
        return 0
    if answer.status_code >= 500:
        return TEMPORARY
    return REFUSED


def run(url: str, token_file: Path, reply: Sequence[str]) -> int:
    """Check the login on fd 3; exec `reply` on success (never returns then)."""
    credentials = read_credentials()
    if credentials is None or not reply:
        return BAD_INPUT
    username, password = credentials
    protocol = os.environ.get("SERVICE", "imap")
    client_ip = os.environ.get("TCPREMOTEIP", "127.0.0.1")
    status = ask(url, token_file.read_text().strip(), username, password, protocol, client_ip)
    if status != 0:
        return status
    os.environ["USER"] = username
    os.execvp(reply[0], list(reply))  # noqa: S606 - Dovecot names its reply program
    return BAD_INPUT  # not reached


def main() -> None:
    """monban-checkpassword URL TOKEN_FILE REPLY-PROGRAM [ARGS...]"""
    if len(sys.argv) < 4:
        print(main.__doc__, file=sys.stderr)
        sys.exit(BAD_INPUT)
    sys.exit(run(sys.argv[1], Path(sys.argv[2]), sys.argv[3:]))


if __name__ == "__main__":
    main()

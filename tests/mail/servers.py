"""Real mail servers on loopback for the mail tests: Debian's Dovecot (IMAP, asking Monban
through `monban-checkpassword`) and nginx's mail proxy (asking Monban through auth_http, then
proxying to that Dovecot). scripts/test.sh installs both when missing.

Dovecot's processes run as its own users, so its files live in a world-readable temporary
directory outside pytest's private one; its auth process runs as root here only because this
test's Python lives under /root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.nodes import free_port

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True)
class MailServers:
    dovecot_port: int
    nginx_port: int
    logs: Path


def _wait_port(port: int, what: str, log: Path, timeout: float = 20.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start:\n{log.read_text() if log.exists() else ''}")


def _dovecot_conf(root: Path, port: int) -> str:
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_cache_size = 0
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = root
}}
passdb {{
  driver = checkpassword
  args = {root}/checkpassword.sh
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/home/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 100
"""


def _nginx_conf(root: Path, port: int, monban_url: str, token: str) -> str:
    auth = monban_url.removeprefix("http://") + "/api/v1/mail/nginx-auth"
    return f"""
load_module /usr/lib/nginx/modules/ngx_mail_module.so;
daemon off;
pid {root}/nginx.pid;
error_log {root}/nginx.log info;
events {{ worker_connections 64; }}
mail {{
  server_name mail.test;
  auth_http {auth};
  auth_http_header X-Monban-Mail-Token {token};
  proxy_pass_error_message on;
  server {{
    listen 127.0.0.1:{port};
    protocol imap;
  }}
}}
"""


@contextmanager
def mail_servers(monban_url: str, token: str, dovecot_port: int) -> Iterator[MailServers]:
    """Dovecot on `dovecot_port` (Monban's MONBAN_MAIL_BACKEND_IMAP must point there) and
    nginx's IMAP proxy in front of it."""
    for binary in ("dovecot", "nginx"):
        if shutil.which(binary) is None and not Path(f"/usr/sbin/{binary}").exists():
            raise RuntimeError(f"{binary} is missing: scripts/test.sh installs it")
    root = Path(tempfile.mkdtemp(prefix="monban-mail-"))
    root.chmod(0o755)
    (root / "home").mkdir()
    shutil.chown(root / "home", "dovecot", "dovecot")
    token_file = root / "mail-token"
    token_file.write_text(token)
    token_file.chmod(0o600)
    script = root / "checkpassword.sh"
    script.write_text(f"#!/bin/sh\nexport PYTHONPATH={SRC}\nexec {sys.executable} -m "
                      f"monban.mail.checkpassword {monban_url} {token_file} \"$@\"\n")
    script.chmod(0o755)
    (root / "dovecot.conf").write_text(_dovecot_conf(root, dovecot_port))
    nginx_port = free_port()
    (root / "nginx.conf").write_text(_nginx_conf(root, nginx_port, monban_url, token))
    env = dict(os.environ)
    dovecot = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", str(root), "-c",
                              str(root / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_port(dovecot_port, "dovecot", root / "dovecot.log")
        _wait_port(nginx_port, "nginx", root / "nginx.log")
        yield MailServers(dovecot_port, nginx_port, root)
    finally:
        for process in (nginx, dovecot):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(root, ignore_errors=True)

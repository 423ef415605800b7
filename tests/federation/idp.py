"""A real upstream OpenID provider for the tests: panva's `oidc-provider` (npm), run by node
on a loopback port from tests/federation/js/idp.mjs. `npm ci` runs there first when
node_modules is missing. Its accounts are set over HTTP so a test can change an email
"at the provider"; `login` plays the person at the provider's login page."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from tests.nodes import free_port

JS = Path(__file__).parent / "js"
CLIENT_ID = "monban-test"
CLIENT_SECRET = "monban-test-client-secret-0123456789"  # noqa: S105 - the test IdP's client


def ensure_node_modules() -> None:
    if (JS / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed for the federation tests (apt-get install npm)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True,
                   stdout=subprocess.DEVNULL)


@dataclass
class TestIdP:
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    redirect_uris: list[str] = field(default_factory=list)

    __test__ = False

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_account(self, sub: str, email: str | None, verified: bool = True,
                    name: str = "Test Person") -> None:
        response = httpx.put(f"{self.issuer}/_test/accounts/{sub}", timeout=10,
                             json={"email": email, "email_verified": verified, "name": name})
        response.raise_for_status()

    def login(self, authorization_url: str, sub: str, mfa: bool = False) -> str:
        """Sign in at the provider as `sub`; returns the URL it redirects back to (Monban's
        callback with code, state and iss), without following it."""
        with httpx.Client(timeout=10, follow_redirects=False) as browser:
            response = browser.get(authorization_url)
            while response.status_code in (302, 303) and response.headers[
                    "location"].startswith(("/", self.issuer)):
                response = browser.get(urljoin(self.issuer, response.headers["location"]))
            if response.status_code in (302, 303):  # already signed in there
                return response.headers["location"]
            action = re.search(r'action="([^"]+)"', response.text)
            assert action, response.text[:500]
            form = {"login": sub, **({"mfa": "1"} if mfa else {})}
            response = browser.post(urljoin(self.issuer, action.group(1)), data=form)
            while response.headers.get("location", "").startswith(("/", self.issuer)):
                response = browser.get(urljoin(self.issuer, response.headers["location"]))
            assert response.status_code in (302, 303), response.text[:500]
            return response.headers["location"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def answer_of(callback_url: str) -> dict[str, str]:
    """The provider's answer (code, state, iss) in a callback URL, as the API takes it."""
    return {k: v[0] for k, v in parse_qs(urlsplit(callback_url).query).items()}


def start_idp(tmp: Path, redirect_uris: list[str]) -> TestIdP:
    ensure_node_modules()
    port = free_port()
    log = tmp / f"idp-{port}.log"
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "IDP_PORT": str(port),
           "IDP_CLIENT_ID": CLIENT_ID, "IDP_CLIENT_SECRET": CLIENT_SECRET,
           "IDP_REDIRECT_URIS": " ".join(redirect_uris), "NODE_ENV": "test"}
    with log.open("ab") as out:
        process = subprocess.Popen([shutil.which("node") or "node", "idp.mjs"], cwd=JS, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    idp = TestIdP(port, process, log, redirect_uris)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test IdP exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{idp.issuer}/.well-known/openid-configuration",
                         timeout=2).status_code == 200:
                return idp
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    idp.stop()
    raise RuntimeError(f"the test IdP did not start:\n{log.read_text()[-3000:]}")

"""What the authenticator's server side is configured with (from Settings), shared by the
push factor and the device service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from monban.accounts.org_settings import OrgSettings
from monban.devices.signature import version_tuple
from monban.notify.fanout import Fanout


@dataclass(frozen=True, slots=True)
class AuthenticatorSetup:
    fanout: Fanout
    push_ttl: timedelta
    min_version: str
    """The server's minimum app version (settings.authenticator_min_version)."""
    window: timedelta
    """How far a signed request's timestamp may be from now."""
    app_name: str

    def required_version(self, settings: OrgSettings) -> str:
        """The newer of the server's and the org's minimum."""
        org = settings.authenticator_min_version
        if org and version_tuple(org) > version_tuple(self.min_version):
            return org
        return self.min_version


def channel(account_id: str) -> str:
    """The fan-out channel of an account's devices."""
    return f"authenticator:{account_id}"

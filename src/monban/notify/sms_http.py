"""SMS through a provider's REST API, Twilio-style:

    POST {base}/2010-04-01/Accounts/{account}/Messages.json
    HTTP Basic (account, token); form fields To, From, Body

Any transport failure or non-2xx answer is SERVICE_UNAVAILABLE. The message text holds the
code, so neither it nor the provider's answer body is ever logged."""

from __future__ import annotations

import logging
from urllib.parse import quote

import httpx

from monban.config import Settings
from monban.errors import CatalogueError

log = logging.getLogger("monban.notify.sms")
TIMEOUT_SECONDS = 10.0


class HttpSmsSender:
    def __init__(self, base_url: str, account: str, token: str, sender: str,
                 timeout: float = TIMEOUT_SECONDS,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._url = (f"{base_url.rstrip('/')}/2010-04-01/Accounts/"
                     f"{quote(account, safe='')}/Messages.json")
        self._auth = (account, token)
        self._sender = sender
        self._timeout = timeout
        self._transport = transport

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpSmsSender:
        return cls(settings.sms_provider_url, settings.sms_account, settings.sms_token,
                   settings.sms_from)

    async def send_sms(self, to: str, text: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=self._timeout, transport=self._transport,
                                         follow_redirects=False) as client:
                response = await client.post(self._url, auth=self._auth, data={
                    "To": to, "From": self._sender, "Body": text})
        except httpx.HTTPError as exc:
            log.warning("SMS provider unreachable (%s) for %s", type(exc).__name__,
                        _tail(to))
            raise CatalogueError("SERVICE_UNAVAILABLE", detail={"channel": "sms"}) from None
        if not response.is_success:
            log.warning("SMS provider refused a message for %s: HTTP %d", _tail(to),
                        response.status_code)
            raise CatalogueError("SERVICE_UNAVAILABLE", detail={"channel": "sms"})
        log.info("SMS accepted by the provider for %s", _tail(to))


def _tail(number: str) -> str:
    return f"••••{number[-4:]}"

"""A lean HTTP/1.1 keep-alive client for the benchmarks: raw asyncio streams, one request in
flight per connection, the request written as prepared bytes and the response read by its
status line and Content-Length (chunked bodies are handled too, for error pages).

It costs a few tens of microseconds of CPU per request, so the load generator stays small
next to a server that spends tens of milliseconds of CPU on each sign-in."""

from __future__ import annotations

import asyncio
import json
from typing import Any


class HttpError(Exception):
    pass


class Connection:
    def __init__(self, host: str, port: int, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.host = host
        self.port = port
        self._reader = reader
        self._writer = writer
        self._prefix = f"Host: {host}:{port}\r\nUser-Agent: monban-bench/1\r\n".encode()

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(host, port, reader, writer)

    async def post_json(self, path: str, payload: dict[str, Any],
                        headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        body = json.dumps(payload, separators=(",", ":")).encode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        head = (f"POST {path} HTTP/1.1\r\n".encode() + self._prefix
                + b"Content-Type: application/json\r\nAccept: application/json\r\n"
                + f"{extra}Content-Length: {len(body)}\r\n\r\n".encode())
        return await self.request(head + body)

    async def get(self, path: str) -> tuple[int, bytes]:
        return await self.request(f"GET {path} HTTP/1.1\r\n".encode() + self._prefix + b"\r\n")

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        try:
            status = int(lines[0].split(b" ", 2)[1])
        except (IndexError, ValueError) as exc:
            raise HttpError(f"bad status line {lines[0]!r}") from exc
        length = -1
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if length >= 0:
            body = await self._reader.readexactly(length)
        elif chunked:
            body = await self._read_chunked()
        else:
            raise HttpError("response without Content-Length")
        return status, body

    async def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    async def close(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (ConnectionError, OSError):
            pass

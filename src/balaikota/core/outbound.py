"""HTTP requests the server makes on someone's behalf: fetching a photo by its URL,
forwarding a complaint to another Open311 system.

The URL comes from outside (an API client, an SMS gateway, an admin), so by default only
public addresses are reached: a request for http://127.0.0.1/ or an address inside the
city's network is refused, unless `FETCH_PRIVATE_ADDRESSES` is on (tests, closed networks).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

USER_AGENT = "Balaikota/1 (+https://github.com/balaikota)"
TIMEOUT_SECONDS = 15


class OutboundError(Exception):
    """The request was refused before sending, or failed; the message says why."""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def check_url(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a non-public address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise OutboundError(f"not an http(s) URL: {url[:100]}")
    if settings.FETCH_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise OutboundError(f"host not found: {parts.hostname}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise OutboundError(f"{parts.hostname} is not a public address")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address `check_url` allows (a public URL could
    otherwise redirect to an internal one)."""

    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ):
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def request(
    url: str,
    *,
    method: str = "GET",
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = 2_000_000,
    timeout: float = TIMEOUT_SECONDS,
) -> Response:
    """One request; any HTTP status is returned (the caller decides), a body larger than
    `max_bytes` or a network failure raises OutboundError."""
    check_url(url)
    prepared = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=data, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with _opener.open(prepared, timeout=timeout) as response:
            return Response(
                response.status, response.headers.get_content_type(), _read(response, max_bytes)
            )
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.headers.get_content_type(), _read(exc, max_bytes))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise OutboundError(f"{urllib.parse.urlsplit(url).hostname} unreachable: {exc}") from exc


def _read(stream: object, max_bytes: int) -> bytes:
    body = stream.read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(body) > max_bytes:
        raise OutboundError(f"the answer is larger than {max_bytes} bytes")
    return bytes(body)

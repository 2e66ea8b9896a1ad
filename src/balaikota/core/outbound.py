"""HTTP requests the server makes on someone's behalf: fetching a photo by its URL,
forwarding a complaint to another Open311 system.

The URL comes from outside (an API client, an SMS gateway, an admin), so by default only
public addresses are reached: a request for http://127.0.0.1/ or an address inside the
city's network is refused, unless `FETCH_PRIVATE_ADDRESSES` is on (tests, closed networks).
"""

from __future__ import annotations

import http.client
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


class Refused(OutboundError):
    """Refused before sending (not a valid URL, not a public address): trying again later
    would give the same answer."""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


# Global by the ipaddress module, yet they reach IPv4 addresses that may be internal.
_TRANSLATED = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("2002::/16"))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not any(ip in network for network in _TRANSLATED)


def check_url(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a non-public address.

    A name can resolve differently a moment later, so the address actually connected to is
    checked again before anything is sent (`_Guarded*Connection`).
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a valid URL: {url[:100]}") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Refused(f"not an http(s) URL: {url[:100]}")
    if settings.FETCH_PRIVATE_ADDRESSES:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 80, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise OutboundError(f"host not found: {parts.hostname}") from exc
    if not all(is_public(str(info[4][0])) for info in infos):
        raise Refused(f"{parts.hostname} is not a public address")


def _check_peer(sock: socket.socket | None) -> None:
    if settings.FETCH_PRIVATE_ADDRESSES or sock is None:
        return
    peer = str(sock.getpeername()[0])
    if not is_public(peer):
        sock.close()
        raise Refused(f"{peer} is not a public address")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPSConnection, req, context=getattr(self, "_context", None))


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address `check_url` allows (a public URL could
    otherwise redirect to an internal one)."""

    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ):
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects, _GuardedHTTPHandler, _GuardedHTTPSHandler)


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

"""The client's address: the socket's, or behind TRUSTED_PROXIES proxies the one they saw.

Each proxy in front of the application appends the address it was connected from to
X-Forwarded-For, and the nearest one connects to the application (REMOTE_ADDR). Behind N
trusted proxies the client is therefore the N-th address from the right of the header; what
stands left of it was written by the client and may be forged. A header shorter than that
did not pass through all the proxies, so the socket's address is used.

python-ipware (django-axes' default) counts proxies *listed in* the header ("client,
proxy1" for one), which no haproxy or nginx in front of an application sends: with one
proxy, every client came out as unknown, and all of them shared one rate limit and one
log-in lockout (found by `make bench-cluster`). The rule here is used by both
(AXES_CLIENT_IP_CALLABLE).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in header.split(",") if part.strip()]
    if len(chain) < proxies:
        return remote
    candidate = chain[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:  # not written by a proxy of ours
        return remote
    return candidate

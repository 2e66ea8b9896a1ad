"""A NUL character in the address is refused with a 400 before any view reads it.

No legitimate link holds one, PostgreSQL refuses to compare text with it (a server error
from any lookup by a path or query value), and SQLite and the logs would cut the value
short. Form fields are checked by Django's own forms; the address is checked here, once,
for every view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from balaikota.core.endpoint_errors import error_response


def has_nul(request: HttpRequest) -> bool:
    return "\x00" in request.path or any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


class NulByteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return error_response(
                request, 400, _("The address holds a NUL character, which no page takes.")
            )
        return self.get_response(request)

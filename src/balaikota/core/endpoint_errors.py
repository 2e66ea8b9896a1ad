"""One answer for an error, in the format of the endpoint the request was for.

Errors raised before a view runs (a body over the cap, a busy database, too many fields)
must still read as that endpoint's own errors: a GeoReport client parses an error array,
an API client a JSON `detail`, the gateway its `{"ok": false, "error": ...}`, and a citizen
reads a page of the site. The request's path alone decides, because the view (which knows
its format) has not run.
"""

from __future__ import annotations

import enum
import logging
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext


class Kind(enum.StrEnum):
    OPEN311 = "open311"
    API = "api"
    GATEWAY = "gateway"
    PAGE = "page"


# The same suffix the Open311 URL patterns take as the format.
_OPEN311_FORMAT = re.compile(r"\.(?P<fmt>[A-Za-z]{1,10})$")


logger = logging.getLogger(__name__)


def kind_of(path: str) -> Kind:
    """Which kind of endpoint a path belongs to."""
    if path.startswith("/open311/v2/"):
        return Kind.OPEN311
    if path.startswith("/api/"):
        return Kind.API
    if path.startswith("/gateway/"):
        return Kind.GATEWAY
    return Kind.PAGE


def open311_format(path: str) -> str:
    """`xml` when the URL asks for it; JSON otherwise (also for an unknown suffix)."""
    match = _OPEN311_FORMAT.search(path)
    return "xml" if match and match["fmt"].lower() == "xml" else "json"


def error_response(
    request: HttpRequest, status: int, message: str, *, retry_after: int | None = None
) -> HttpResponse:
    """`message` (already translated) with `status`, in the request's endpoint's format;
    `Retry-After` in seconds when given."""
    kind = kind_of(request.path)
    response: HttpResponse
    if kind is Kind.OPEN311:
        # Imported here: open311 is an app above core.
        from balaikota.open311 import formats

        response = formats.errors(open311_format(request.path), status, [message])
    elif kind is Kind.API:
        response = JsonResponse({"detail": message}, status=status)
    elif kind is Kind.GATEWAY:
        response = JsonResponse({"ok": False, "error": message}, status=status)
    else:
        response = _page(request, status, message)
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(0, int(retry_after)))
    # Answered before CommonMiddleware would add it: without a length the client reads
    # until the connection closes, and a server may first read the rest of the body.
    response.headers["Content-Length"] = str(len(response.content))
    return response


def _page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if not hasattr(request, "user"):
        # Answered before AuthenticationMiddleware: the layout still asks who is there.
        request.user = AnonymousUser()
    body = render_to_string(
        "core/error.html", {"status": status, "message": message}, request=request
    )
    return HttpResponse(body, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's handler500. Whatever failed may be the database, so the page is drawn
    without the request (no context processor runs, no user or session is read): the site's
    layout from settings alone, in the language already chosen."""
    message = gettext("Something went wrong on our side. Please try again in a few minutes.")
    kind = kind_of(request.path)
    if kind is not Kind.PAGE:
        return error_response(request, 500, message)
    try:
        body = render_to_string(
            "core/error.html",
            {"status": 500, "message": message, "CITY_NAME": settings.CITY_NAME},
        )
    except Exception:  # the layout itself may be what is broken (e.g. static files missing)
        logger.exception("the error page could not be drawn; answered in plain text")
        return HttpResponse(message, status=500, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF_FAILURE_VIEW: a form sent from a page open too long, or without the
    cookie, is refused with a page of the site that says what to do, not Django's English."""
    return error_response(
        request,
        403,
        gettext(
            "The form could not be sent: the page was open too long, or your browser refused "
            "this site's cookie. Go back, reload the page and send it again."
        ),
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's handler404: an unknown address under the API, Open311 or the gateway is
    answered as that endpoint answers errors, a page as a page of the site in its language."""
    return error_response(request, 404, gettext("Nothing was found at this address."))


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's handler403, in the endpoint's format and the site's layout; the reason a
    view gave (`PermissionDenied(_("..."))`) is said, else a general one."""
    reason = str(exception) if exception is not None and exception.args else ""
    return error_response(request, 403, reason or gettext("You may not see or do this."))

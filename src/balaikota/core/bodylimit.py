"""Request bodies are bounded before anything reads them.

Two caps, by what a body may carry: a multipart form (photos, evidence files) may be
`UPLOAD_MAX_BYTES`, any other body (a form, JSON, a GeoReport POST) `REQUEST_MAX_BYTES`.

- A declared Content-Length over the cap is answered 413 at once: nothing is read or spooled.
- A chunked body (no Content-Length) is read through `CappedStream`, which stops at the cap.
  Django reads only Content-Length bodies; a server that decodes chunked bodies itself and
  says so (`wsgi.input_terminated`, as gunicorn does) gets them read up to the cap. On a server
  that does not, the body cannot be read at all, so it is refused as 411 at once instead of
  being silently taken as empty.
- Django's own refusals of a body (more than DATA_UPLOAD_MAX_MEMORY_SIZE of fields, more than
  DATA_UPLOAD_MAX_NUMBER_FIELDS fields) come to `bad_request` (the project's handler400) and
  are answered in the endpoint's format too, not as Django's HTML 400.

What is left of a refused body is the server's to discard (WSGI lets an application neither
close the connection nor send `Connection: close`); it is never stored. A proxy in front
(nginx's `client_max_body_size`) can refuse it before it reaches the server at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from balaikota.core.endpoint_errors import error_response

log = logging.getLogger(__name__)


class BodyTooLarge(RequestDataTooBig):
    """A chunked body went past its cap while being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body over {limit} bytes")
        self.limit = limit


class CappedStream:
    """Reads a stream of unknown length and raises `BodyTooLarge` past `limit` bytes,
    having read at most one buffer beyond it."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.read_so_far = 0

    def _count(self, data: bytes) -> bytes:
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise BodyTooLarge(self.limit)
        return data

    def _bounded(self, size: int | None) -> int:
        # One byte past the cap is enough to know the body is over it.
        room = self.limit - self.read_so_far + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self.stream.read(self._bounded(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self.stream.readline(self._bounded(size)))

    def close(self) -> None:
        """Django closes the body once read; the server's own input is the server's."""


def limit_for(request: HttpRequest) -> int:
    """Files come only in multipart forms: those may be large, every other body is small."""
    if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return int(settings.UPLOAD_MAX_BYTES)
    return int(settings.REQUEST_MAX_BYTES)


def _megabytes(limit: int) -> str:
    megabytes = round(limit / 1_000_000, 2)
    return number_format(int(megabytes) if megabytes.is_integer() else megabytes)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return error_response(
        request,
        413,
        _("The request is too large: at most %(limit)s MB can be sent here.")
        % {"limit": _megabytes(limit)},
    )


class RequestBodyLimitMiddleware:
    """Refuses a body over its cap before any middleware or view reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = limit_for(request)
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return error_response(
                    request, 400, _("The request's Content-Length is not a number.")
                )
            if length > limit:
                return too_large(request, limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            if not request.META.get("wsgi.input_terminated"):
                return error_response(
                    request, 411, _("Send the request with a Content-Length header.")
                )
            # Django would read nothing without a Content-Length (its stream is limited to
            # it); the server has decoded the chunks, so the body is read up to the cap.
            request._stream = CappedStream(request.META["wsgi.input"], limit)  # type: ignore[assignment]
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's handler400: Django's refusals of a request, in the endpoint's format."""
    if isinstance(exception, BodyTooLarge):
        return too_large(request, exception.limit)
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return error_response(
            request,
            400,
            _("The request has too many fields: at most %(count)d can be sent.")
            % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS},
        )
    return error_response(request, 400, _("The request could not be understood."))

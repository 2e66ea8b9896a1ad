"""A database too busy to take a write answers 503 with Retry-After, never a 500.

SQLite lets one writer in at a time; the others wait up to DATABASE_BUSY_TIMEOUT seconds
(settings.py hands it to the driver) and then fail with "database is locked". Under a
flood that is expected, not a fault: the client is told to come back shortly, in its
endpoint's own format, and nothing half-written is kept (the transaction rolled back).
PostgreSQL's equivalents (a lock wait that timed out, a serialization failure, a
deadlock victim) are answered the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from balaikota.core.endpoint_errors import error_response

logger = logging.getLogger(__name__)

_SQLITE_MESSAGES = ("database is locked", "database table is locked", "database is busy")
# lock_not_available, serialization_failure, deadlock_detected
_POSTGRES_STATES = frozenset({"55P03", "40001", "40P01"})


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` says the database was busy (worth retrying), not broken."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _POSTGRES_STATES:
        return True
    return str(exc).lower().startswith(_SQLITE_MESSAGES)


def retry_after() -> int:
    """Seconds a client should wait: about as long as a writer waits for its turn."""
    return max(1, round(settings.DATABASE_BUSY_TIMEOUT))


def busy_response(request: HttpRequest) -> HttpResponse:
    logger.warning("database busy: %s %s answered 503", request.method, request.path)
    return error_response(
        request,
        503,
        _("The service is busy; nothing was saved. Try again in a few seconds."),
        retry_after=retry_after(),
    )


class BusyDatabaseMiddleware:
    """Turns a busy-database error raised by a view into a 503 in the endpoint's format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request) if is_busy(exception) else None

"""The /api/v1 NinjaAPI, whose OpenAPI document declares every answer the API can give.

Each operation declares its own answers; the ones any operation may give because of what
stands in front of it are added here, in one place: 422 when its parameters or body do not
match their schema (django-ninja's validation), 400 when the request cannot be read, 401
when the key sent is not valid, 403 for a key without the scope or a session's write
without CSRF, 413 for a body over the cap, 429 when a client is over its limit, 503 when
the database is too busy to write.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja.openapi.schema import OpenAPISchema

from balaikota.api import auth
from balaikota.api.schemas import ErrorOut
from balaikota.core import busy

_METHODS = ("get", "post", "put", "patch", "delete")

# django-ninja's answer to a request that does not match the operation's schema.
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ValidationErrorOut",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        }
    },
}


def _ref(name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _common(operation: dict[str, Any], method: str) -> dict[int, dict[str, Any]]:
    """The answers `operation` may give beside its own."""
    extra: dict[int, dict[str, Any]] = {
        400: {
            "description": "The request cannot be read: a NUL character in the address, or a "
            "body that does not parse",
            **_ref("ErrorOut"),
        },
        429: {"description": "Too many requests: see Retry-After", **_ref("ErrorOut")},
        503: {"description": "The database is busy: see Retry-After", **_ref("ErrorOut")},
    }
    if operation.get("parameters") or operation.get("requestBody"):
        extra[422] = {
            "description": "A parameter or the body does not match its schema",
            **_ref("ValidationErrorOut"),
        }
    if operation.get("requestBody"):
        extra[413] = {"description": "The body is too large", **_ref("ErrorOut")}
    if operation.get("security"):
        extra[401] = {"description": "The key sent is not valid", **_ref("ErrorOut")}
        extra[403] = {
            "description": "The key lacks the scope, or a session's write has no CSRF token",
            **_ref("ErrorOut"),
        }
    return extra


class ContractAPI(auth.Api):
    """The API with its ways in (auth.Api), whose document lists the shared answers, and
    which answers a busy database with 503 (also under DEBUG, where django-ninja would
    answer a traceback; otherwise BusyDatabaseMiddleware would)."""

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        self.add_exception_handler(OperationalError, self._busy_or_raise)

    def _busy_or_raise(
        self, request: HttpRequest, exc: OperationalError | type[OperationalError]
    ) -> HttpResponse:
        if isinstance(exc, OperationalError) and busy.is_busy(exc):
            return busy.busy_response(request)
        raise exc

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())
        components["ValidationErrorOut"] = VALIDATION_ERROR_SCHEMA
        for methods in document.get("paths", {}).values():
            for method, operation in methods.items():
                if method not in _METHODS:
                    continue
                responses = operation.setdefault("responses", {})
                for status, answer in _common(operation, method).items():
                    responses.setdefault(status, answer)
        return document

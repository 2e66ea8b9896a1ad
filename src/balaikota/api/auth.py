"""Who is calling /api/v1: an API key, a signed-in browser session, or nobody.

- An API key (`Authorization: Bearer <key>`, the same keys as Open311's) is held to its
  scopes. A wrong or revoked key is refused (401), never taken for no key, so that an
  integrator learns at once that theirs does not work; a key without the scope an operation
  needs is refused (403). Apps cannot send a CSRF token, and a key is no ambient credential
  a foreign page could borrow, so key requests need none.
- A session is what a browser sends by itself, so a write under it needs the CSRF token
  (header `X-CSRFToken`); without it a foreign page could act as the signed-in user.
- Nobody (no key, no session): what the public may do, such as a citizen's app posting a
  complaint without an account.

`Api` is the NinjaAPI of /api/v1 with these refusals in the reader's language and an
OpenAPI document naming the scope each operation needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from balaikota.core import ratelimit
from balaikota.core.models import User
from balaikota.open311 import keys
from balaikota.open311.models import ApiClient, Scope

SCHEME = "ApiKey"


class KeyRefused(AuthenticationError):
    """The key sent is not one we accept (401); the message says why."""


class KeyGuessing(Exception):
    """Too many wrong keys from one address (429): guessing is limited as on Open311."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


class ApiKey(HttpBearer):
    """A key of an API client that holds `scope`."""

    openapi_description = (
        "An API key made by `balaikota create-api-key` or in the admin, sent as "
        "`Authorization: Bearer <key>`. Each operation lists the scope it needs "
        "(public-read, intake or agency)."
    )

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> ApiClient | None:
        header = request.headers.get("Authorization", "").strip()
        if not header:
            return None
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise KeyRefused(message=_("Send the API key as: Authorization: Bearer <key>."))
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        client = keys.client_for(token)
        if client is None:
            wait = keys.count_wrong_key(request)
            if wait:
                raise KeyGuessing(wait)
            raise KeyRefused(message=_("This API key is not valid or has been revoked."))
        if not client.has_scope(self.scope):
            raise AuthorizationError(
                message=_("This API key may not do this: it lacks the “%(scope)s” scope.")
                % {"scope": self.scope.value}
            )
        return client


class Session(APIKeyCookie):
    """The signed-in user of a browser session; a write needs the CSRF token.

    Unlike ninja's `django_auth`, a request without a session is passed on to the next way
    of calling (a key, or nobody) instead of being refused for want of a token it has no
    use for.
    """

    param_name = settings.SESSION_COOKIE_NAME
    # The same scheme as ninja's `django_auth` (the performance endpoints): one cookie.
    scheme_name = "SessionAuth"

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        # Safe methods pass; an unsafe one needs the token and, over HTTPS, the same origin.
        if check_csrf(request) is not None:
            raise AuthorizationError(
                message=_(
                    "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken "
                    "header, or use an API key."
                )
            )
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if isinstance(user, User) else None


def anonymous(request: HttpRequest) -> AnonymousUser | None:
    """Nobody: no key and no session (a key that is sent is never passed over)."""
    if request.user.is_authenticated or request.headers.get("Authorization"):
        return None
    return AnonymousUser()


# The ways in, per kind of operation; the first that answers is the caller.
PUBLIC: Sequence[Callable[[HttpRequest], Any]] = [ApiKey(Scope.PUBLIC_READ), Session(), anonymous]
INTAKE: Sequence[Callable[[HttpRequest], Any]] = [ApiKey(Scope.INTAKE), Session(), anonymous]
AGENCY: Sequence[Callable[[HttpRequest], Any]] = [ApiKey(Scope.AGENCY)]


def client_of(request: HttpRequest) -> ApiClient | None:
    """The API client calling, if the request came with a key."""
    caller = getattr(request, "auth", None)
    return caller if isinstance(caller, ApiClient) else None


def signed_in(request: HttpRequest) -> User | None:
    """The user of the session, if the request came with one (and not with a key)."""
    caller = getattr(request, "auth", None)
    return caller if isinstance(caller, User) else None


class _Document(OpenAPISchema):
    """The OpenAPI document, with each operation's security requirements: the key's scope
    (OpenAPI 3.1 lets a requirement name roles for any scheme), the session, and `{}` where
    no credential is needed at all."""

    def operation_security(self, operation: Operation) -> list[dict[str, list[str]]] | None:
        requirements: list[dict[str, list[str]]] = []
        for callback in operation.auth_callbacks:
            if isinstance(callback, ApiKey):
                self.securitySchemes[SCHEME] = callback.openapi_security_schema
                requirements.append({SCHEME: [callback.scope.value]})
            elif hasattr(callback, "openapi_security_schema"):
                name = getattr(callback, "scheme_name", type(callback).__name__)
                self.securitySchemes[name] = callback.openapi_security_schema
                requirements.append({name: []})
            elif callback is anonymous:
                requirements.append({})
        return requirements or None


class Api(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Document(self, path_prefix)

    def set_default_exception_handlers(self) -> None:
        super().set_default_exception_handlers()
        self.add_exception_handler(AuthenticationError, self._unauthenticated)
        self.add_exception_handler(KeyGuessing, self._guessing)

    def _guessing(self, request: HttpRequest, exc: Any) -> HttpResponse:
        response = self.create_response(
            request, {"detail": ratelimit.wait_message(exc.wait)}, status=429
        )
        response["Retry-After"] = str(exc.wait)
        return response

    def _unauthenticated(self, request: HttpRequest, exc: Any) -> HttpResponse:
        """401 says how to authenticate (RFC 6750), in the reader's language."""
        # ninja's own (no way in answered) says "Unauthorized" in English.
        detail = exc.message if isinstance(exc, KeyRefused) else _("An API key is needed.")
        response = self.create_response(request, {"detail": detail}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

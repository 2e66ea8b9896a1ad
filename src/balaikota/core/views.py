from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.static import serve


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, JSON opened in a
    tab); a 404 there is an error in their console."""
    return HttpResponsePermanentRedirect(static("balaikota/favicon.svg"))


@login_required
def landing(request: HttpRequest) -> HttpResponseRedirect:
    """After signing in: each role's own work (settings.ROLE_LANDING)."""
    role = getattr(request.user, "role", "")
    return redirect(settings.ROLE_LANDING.get(role, settings.ROLE_LANDING_DEFAULT))


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Public, metadata-free photos from MEDIA_ROOT (read per request: tests move it)."""
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response.headers["Cache-Control"] = "public, max-age=604800, immutable"
    return response

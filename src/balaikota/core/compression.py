"""Pages and API answers gzip-compressed on the wire, photos and downloads left alone.

A /lapor page is a third of its size compressed: on a slow 3G phone that is the difference
between seconds and more seconds before the form shows. Django's GZipMiddleware adds up
to 100 random bytes to each compressed answer (since Django 4.2), which defeats the length
measurements BREACH relies on to guess a secret (the CSRF token) from a page.

Static files never reach this: WhiteNoise serves them before it, already compressed at
`collectstatic` (core/staticfiles.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Compressing a JPEG or a ZIP (an .xlsx) costs CPU and saves nothing.
_TEXT_TYPES = ("text/", "application/json", "application/geo+json", "application/xml")
_TEXT_SUFFIXES = ("+xml", "+json")


def is_text(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith(_TEXT_TYPES) or kind.endswith(_TEXT_SUFFIXES)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)

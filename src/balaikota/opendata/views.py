from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from balaikota.core import ratelimit
from balaikota.opendata import exports, fields, forms, selectors, services
from balaikota.opendata.models import Subscription
from balaikota.regions.models import Region


def dictionary(request: HttpRequest) -> HttpResponse:
    """The data dictionary, and the form that downloads the data."""
    return render(
        request,
        "opendata/dictionary.html",
        {"columns": fields.COLUMNS, "form": forms.ExportForm(), "formats": forms.FORMATS},
    )


def download(request: HttpRequest, fmt: str) -> HttpResponse:
    form = forms.ExportForm(request.GET)
    if fmt not in forms.FORMATS or not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors] or [
            _("Unknown format: use csv, geojson or xlsx.")
        ]
        return render(
            request,
            "opendata/dictionary.html",
            {
                "columns": fields.COLUMNS,
                "form": form,
                "formats": forms.FORMATS,
                "problems": problems,
            },
            status=400,
        )
    flt = form.export_filter()
    if fmt == "xlsx" and selectors.complaints(flt).count() > exports.XLSX_MAX_ROWS:
        return HttpResponse(
            _("Too many rows for Excel: choose a shorter period, or download CSV."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = selectors.stream(flt)
    ctx = fields.context(selectors.days_off())
    name = f"sambat-aduan-{timezone.localdate():%Y%m%d}"
    response: HttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(rows, ctx), content_type="text/csv; charset=utf-8"
        )  # type: ignore[assignment]
    elif fmt == "geojson":
        response = StreamingHttpResponse(
            exports.geojson_chunks(rows, ctx), content_type="application/geo+json"
        )  # type: ignore[assignment]
    else:
        try:
            handle = exports.xlsx_file(rows, ctx)
        except exports.TooManyRows:
            return HttpResponse(
                _("Too many rows for Excel: choose a shorter period, or download CSV."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        response = FileResponse(  # type: ignore[assignment]
            handle,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def subscribe(request: HttpRequest) -> HttpResponse:
    form = forms.SubscribeForm(request.POST or None)
    wait = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Per address and per e-mail (RATE_LIMIT_SUBSCRIBE): nobody floods a mailbox with
        # confirmations, from one address or from many.
        wait = ratelimit.check(
            request, "subscribe", settings.RATE_LIMIT_SUBSCRIBE, key=data["email"].lower()
        )
        if wait:
            form.add_error(None, ratelimit.wait_message(wait))
        elif services.too_many_pending(data["email"]):
            form.add_error(
                "email",
                _("Several alerts for this address wait for confirmation: check your e-mail."),
            )
        else:
            region = (
                Region.objects.get(code=data["kelurahan"], level="village")
                if data["kelurahan"]
                else None
            )
            subscription = services.subscribe(
                data["email"],
                region=region,
                point=(data["lat"], data["lon"]) if region is None else None,
                radius_m=data["radius"],
            )
            return render(
                request,
                "opendata/subscription.html",
                {"state": "asked", "area": services.area_name(subscription)},
            )
    response = render(
        request,
        "opendata/subscribe.html",
        {"form": form},
        status=429 if wait else 400 if form.errors else 200,
    )
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only its POST confirms (mail scanners follow links, not forms)."""
    if request.method == "POST":
        subscription = services.confirm(token)
        state = "confirmed"
    else:
        subscription = Subscription.objects.filter(token=token, ended_at__isnull=True).first()
        state = "confirmed" if subscription and subscription.confirmed_at else "confirm"
    if subscription is None:
        raise Http404("no such alert")
    return render(
        request,
        "opendata/subscription.html",
        {"state": state, "area": services.area_name(subscription), "token": token},
    )


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button; POST (the button, or a mail program's one-click) ends it."""
    if request.method == "POST":
        subscription = services.unsubscribe(token)
        if subscription is None:
            raise Http404("no such alert")
        state = "ended"
    else:
        subscription = Subscription.objects.filter(token=token).first()
        if subscription is None:
            raise Http404("no such alert")
        state = "ended" if subscription.ended_at else "confirm_end"
    return render(
        request,
        "opendata/subscription.html",
        {"state": state, "area": services.area_name(subscription), "token": token},
    )

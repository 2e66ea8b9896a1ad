"""Public map, list, dashboard and audit pages, and the staff dashboard. Reads only."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import asdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Avg
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, Status
from balaikota.core import integrity, roles
from balaikota.core.endpoint_errors import error_response
from balaikota.core.models import AuditCheckpoint, User
from balaikota.dashboards import filters, panels, selectors, staff, summaries, tables
from balaikota.dashboards.filters import PUBLIC_STATUSES
from balaikota.regions.models import Level, Region

PAGE_SIZE = 25
MAP_CACHE_SECONDS = 60
PERIODS = {"bulan": "month", "triwulan": "quarter"}


def _filter_choices() -> dict[str, Any]:
    return {
        "categories": Category.objects.filter(is_active=True).only("slug", "name", "name_en"),
        "agencies": Agency.objects.filter(is_active=True).only("code", "short_name"),
        # Names and codes only: the boundaries are large and not needed here.
        "districts": Region.objects.filter(level=Level.DISTRICT).only("code", "name"),
        "villages": Region.objects.filter(level=Level.VILLAGE)
        .only("code", "name")
        .order_by("name"),
        "statuses": [(status.value, status.label) for status in PUBLIC_STATUSES],
    }


def _refused(request: HttpRequest, problems: list[str]) -> HttpResponse:
    """A 400 page naming every parameter that cannot be used."""
    return error_response(request, 400, " ".join(problems))


def _refused_json(problems: list[str]) -> HttpResponse:
    return JsonResponse({"error": " ".join(problems), "problems": problems}, status=400)


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    try:
        flt = filters.parse(request.GET)
    except filters.BadFilter as exc:
        return _refused(request, exc.problems)
    return render(
        request,
        "dashboards/map.html",
        {
            "centre": Region.objects.filter(level=Level.VILLAGE).aggregate(
                lat=Avg("centre_lat"), lon=Avg("centre_lon")
            ),
            "filter": flt,
            "query": flt.query(),
            "status_labels": {value: str(label) for value, label in Status.choices},
            **_filter_choices(),
        },
    )


@require_GET
def map_data(request: HttpRequest) -> HttpResponse:
    """Clusters (or, zoomed in, single complaints) in the viewport, under the filter."""
    try:
        flt = filters.parse(request.GET, also=("bbox", "zoom"))
        view = filters.parse_viewport(request.GET.get("bbox", ""), request.GET.get("zoom", ""))
    except filters.BadFilter as exc:
        return _refused_json(exc.problems)
    except filters.BadViewport as exc:
        return _refused_json([str(exc)])
    key = "peta:" + hashlib.sha256(f"{flt.query()}|{view}".encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        answer = selectors.map_answer(flt, view)
        body = asdict(answer)
        cache.set(key, body, MAP_CACHE_SECONDS)
    return JsonResponse(body)


@require_GET
def map_areas(request: HttpRequest) -> HttpResponse:
    """Complaints per kelurahan (per km², per 1,000 residents) for the map's choropleth."""
    try:
        flt = filters.parse(request.GET)
    except filters.BadFilter as exc:
        return _refused_json(exc.problems)
    areas = [
        {
            "code": area.code,
            "name": area.name,
            "district": area.district,
            "count": area.count,
            "area_km2": area.area_km2,
            "population": area.population,
            "per_km2": area.per_km2,
            "per_1000": area.per_1000,
        }
        for area in selectors.densities(flt)
    ]
    return JsonResponse({"areas": areas})


@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    try:
        flt = filters.parse(request.GET, also=("halaman",))
        number = filters.page_number(request.GET.get("halaman"))
    except filters.BadFilter as exc:
        return _refused(request, exc.problems)
    page = selectors.list_page(flt, number, PAGE_SIZE)
    return render(
        request,
        "dashboards/list.html",
        {"filter": flt, "query": flt.query(), "page": page, **_filter_choices()},
    )


def _period(request: HttpRequest) -> tuple[str, str]:
    """`periode` (bulan or triwulan), or BadFilter for any other parameter or value."""
    problems = filters.unknown_names(request.GET, ("periode",))
    name = request.GET.get("periode", "bulan")
    if name not in PERIODS:
        problems.append(_("periode is bulan or triwulan."))
    if problems:
        raise filters.BadFilter(problems)
    return name, PERIODS[name]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        period_name, period = _period(request)
    except filters.BadFilter as exc:
        return _refused(request, exc.problems)
    summary = summaries.current()
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "summary": summary,
            "city": summary.data["city"] if summary else None,
            "tables": tables.all_tables(summary.data, period) if summary else [],
            "period": period_name,
            "panels": panels.rendered_context(request),
            "is_staff_member": roles.is_staff_member(request.user),
        },
    )


@require_GET
def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        _name, period = _period(request)
    except filters.BadFilter as exc:
        return _refused(request, exc.problems)
    summary = summaries.current()
    if summary is None:
        # A link followed by a person: answered as a page of the site, not bare text.
        return error_response(request, 503, _("The figures are being computed."), retry_after=60)
    table = tables.for_csv(summary.data, slug, period)
    if table is None:
        raise Http404("no such table")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sambat-{slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return response


@login_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not roles.is_staff_member(user):
        raise PermissionDenied(_("This page is for city staff."))
    agency = staff.agency_for_dashboard(user, request.GET.get("opd", ""))
    now = timezone.now()
    return render(
        request,
        "dashboards/staff.html",
        {
            "health": staff.agency_health(agency, now) if agency else None,
            "agencies": staff.agencies_for(user),
            "intake": staff.operator_intake(now) if roles.reads_whole_city(user) else None,
            "now": now,
        },
    )


def _audit_context(request: HttpRequest) -> dict[str, Any]:
    checkpoints = AuditCheckpoint.objects.order_by("-date").only(
        "date", "entry_id", "entry_hash", "entry_count", "created_at"
    )
    return {
        "head": integrity.current_head(),
        "page": Paginator(checkpoints, 60).get_page(
            filters.page_number(request.GET.get("halaman"))
        ),
    }


@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "dashboards/audit.html", _audit_context(request))
    except filters.BadFilter as exc:
        return _refused(request, exc.problems)


@require_GET
def audit_json(request: HttpRequest) -> HttpResponse:
    try:
        context = _audit_context(request)
    except filters.BadFilter as exc:
        return _refused_json(exc.problems)
    head = context["head"]
    return JsonResponse(
        {
            "algorithm": "sha256",
            "head": {
                "entry": head.entry_id,
                "hash": head.entry_hash,
                "time": head.created_at.isoformat(),
                "entries": head.count,
            }
            if head
            else None,
            "checkpoints": [
                {
                    "date": checkpoint.date.isoformat(),
                    "entry": checkpoint.entry_id,
                    "hash": checkpoint.entry_hash,
                    "entries": checkpoint.entry_count,
                    "published": checkpoint.created_at.isoformat(),
                }
                for checkpoint in context["page"]
            ],
            "next_page": context["page"].next_page_number() if context["page"].has_next() else None,
        }
    )

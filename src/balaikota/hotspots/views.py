"""Public hotspot pages (list with map, one hotspot, one planned work) and the agencies'
pages (their hotspots with their history, planning and moving the work)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balaikota.core import roles
from balaikota.core.endpoint_errors import error_response
from balaikota.core.models import User
from balaikota.hotspots import build, forms, selectors, services
from balaikota.hotspots.models import Hotspot, WorkStatus

PAGE_SIZE = 25
MAP_KEY = "titik-rawan:peta"
MAP_CACHE_SECONDS = 60


class BadPage(Exception):
    pass


def _page(request: HttpRequest, qs: QuerySet[Hotspot]) -> Page[Hotspot]:
    text = request.GET.get("halaman", "1").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= 1):
        raise BadPage
    return Paginator(qs, PAGE_SIZE).get_page(int(text))


def _bad_page(request: HttpRequest) -> HttpResponse:
    return error_response(request, 400, _("halaman is a whole number from 1."))


@require_GET
def hotspot_list(request: HttpRequest) -> HttpResponse:
    try:
        page = _page(request, selectors.public_hotspots())
    except BadPage:
        return _bad_page(request)
    return render(
        request,
        "hotspots/list.html",
        {"page": page, "build": build.current(), "statuses": WorkStatus},
    )


@require_GET
def map_data(request: HttpRequest) -> HttpResponse:
    """The current hotspots for the maps (this page's and /peta's layer)."""
    items = cache.get(MAP_KEY)
    if items is None:
        items = selectors.map_items()
        cache.set(MAP_KEY, items, MAP_CACHE_SECONDS)
    labels = dict(WorkStatus.choices)
    detail = reverse("hotspots:detail", args=[0]).rsplit("0", 1)[0]
    english = request.LANGUAGE_CODE == "en"
    return JsonResponse(
        {
            "hotspots": [
                {
                    "id": item["pk"],
                    "lat": item["lat"],
                    "lon": item["lon"],
                    "count": item["count"],
                    "category": (english and item["category__name_en"]) or item["category__name"],
                    "work": str(labels[item["work_status"]]) if item["work_status"] else None,
                    "url": f"{detail}{item['pk']}",
                }
                for item in items
            ]
        }
    )


@require_GET
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    spot = selectors.hotspot(pk)
    return render(
        request,
        "hotspots/detail.html",
        {
            "spot": spot,
            "complaints": selectors.public_members(spot),
            "works": selectors.works_of(spot),
            "build": build.current(),
        },
    )


@require_GET
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "hotspots/work.html", {"work": selectors.work(pk)})


# -- staff ------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not roles.is_staff_member(user):
        raise PermissionDenied(_("This page is for city staff."))
    return user


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    try:
        page = _page(request, selectors.for_staff(user))
    except BadPage:
        return _bad_page(request)
    return render(request, "hotspots/staff_list.html", {"page": page, "build": build.current()})


def _staff_context(user: User, spot: Hotspot, **extra: Any) -> dict[str, Any]:
    entries = selectors.history(spot)
    may_plan = services.may_plan(user, spot)
    return {
        "spot": spot,
        "entries": entries,
        "months": selectors.per_month(entries),
        "works": selectors.works_of(spot),
        "may_plan": may_plan,
        "may_change": may_plan,
        "status_form": forms.StatusForm(),
        "build": build.current(),
        **extra,
    }


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    spot = selectors.hotspot_for_staff(user, pk)
    return render(
        request,
        "hotspots/staff_detail.html",
        _staff_context(user, spot, work_form=forms.WorkForm()),
    )


@login_required
@require_POST
def plan_work(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    spot = selectors.hotspot_for_staff(user, pk)
    form = forms.WorkForm(request.POST)
    if form.is_valid():
        try:
            services.create_work(spot, user, form.work_input())
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except services.StepRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The planned work is published on the hotspot's page."))
            return redirect("hotspots:staff_detail", pk=spot.pk)
    # What was typed stays in the form, with the reasons it was refused.
    response = render(
        request, "hotspots/staff_detail.html", _staff_context(user, spot, work_form=form)
    )
    response.status_code = 400
    return response


@login_required
@require_POST
def work_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    work = selectors.work(pk)
    spot = selectors.hotspot_for_staff(user, work.hotspot_id)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses offered."))
        return redirect("hotspots:staff_detail", pk=spot.pk)
    try:
        services.change_status(work, user, form.cleaned_data["status"], form.cleaned_data["note"])
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.StepRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The planned work's new status is published."))
    return redirect("hotspots:staff_detail", pk=spot.pk)

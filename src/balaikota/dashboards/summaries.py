"""The dashboard's precomputed figures: computed by the worker, read by the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from balaikota.complaints import publication
from balaikota.core.models import DayOff
from balaikota.dashboards import figures, selectors, tally
from balaikota.dashboards.models import Summary

PUBLIC = "public"
CHUNK = 5000


def _rows() -> Any:
    # Published complaints only. The public figures could count the others too if no cell
    # fell below five, but counting only what is published is simpler and always safe: a
    # month's cell of one category or kecamatan cannot betray a single confidential
    # complaint, and every figure can still be recomputed from the open data, which holds
    # exactly these complaints. The staff dashboard counts everything.
    return (
        publication.published()
        .order_by()
        .values_list(
            "created_at",
            "category_id",
            "agency_id",
            "region__parent_id",
            "channel",
            "status",
            "assigned_at",
            "followed_up_at",
            "resolved_at",
            "followup_due",
            "resolve_due",
            "rating",
            "clock_paused_at",
        )
        .iterator(chunk_size=CHUNK)
    )


def compute(now: dt.datetime | None = None) -> dict[str, Any]:
    return figures.summarise(
        (figures.Row(*row) for row in _rows()),
        now=now or timezone.now(),
        days_off=DayOff.objects.values_list("date", flat=True),
    )


@transaction.atomic
def refresh(now: dt.datetime | None = None) -> Summary:
    """Compute the figures afresh and keep them as the one current summary."""
    data = compute(now)
    summary, _created = Summary.objects.update_or_create(
        key=PUBLIC, defaults={"data": data, "computed_at": timezone.now()}
    )
    return summary


def refresh_map() -> tally.Build:
    """The map's counts for its filtered views (`tally`), and from the same build the whole
    city's clusters at each zoom below single points, for its unfiltered views, and the
    complaints per kelurahan for its density layer. Counted without holding the writers'
    lock; written in short transactions."""
    found: dict[str, Any] = {}

    def unfiltered(cursor: Any) -> None:
        for zoom in selectors.GRID_ZOOMS:
            cells = {(y, x): list(sums) for y, x, *sums in tally.build_cells(cursor, zoom)}
            found[selectors.grid_key(zoom)] = {"cells": selectors.cell_items(cells)}
        found[selectors.VILLAGE_COUNTS] = tally.build_village_counts(cursor)

    build = tally.rebuild(unfiltered)
    with transaction.atomic():
        for key, data in found.items():
            Summary.objects.update_or_create(
                key=key, defaults={"data": data, "computed_at": timezone.now()}
            )
    return build


def current() -> Summary | None:
    """The figures as last computed, or None (and the worker asked to compute them) when
    they have never been: at a million complaints that takes half a minute, too long for
    a request."""
    summary = Summary.objects.filter(key=PUBLIC).first()
    if summary is None and cache.add("dashboards:refresh-asked", True, timeout=300):
        from balaikota.dashboards import tasks

        transaction.on_commit(tasks.refresh_dashboard, robust=True)
    return summary

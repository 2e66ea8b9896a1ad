"""Reads for open data: published complaints by filter, oldest first, with their first
public photo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from balaikota.complaints import publication
from balaikota.complaints.models import Complaint, Photo
from balaikota.core.models import DayOff
from balaikota.open311.georeport import CLOSED_STATUSES
from balaikota.regions.selectors import with_places


@dataclass(frozen=True)
class ExportFilter:
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    category: str = ""
    agency: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    status: str = ""  # an internal status, or "open" / "closed"


def complaints(flt: ExportFilter) -> QuerySet[Complaint]:
    """Published complaints only: open data is the public version."""
    qs = publication.published()
    if flt.start is not None:
        qs = qs.filter(created_at__gte=flt.start)
    if flt.end is not None:
        qs = qs.filter(created_at__lt=flt.end)
    if flt.category:
        qs = qs.filter(category__slug=flt.category)
    if flt.agency:
        qs = qs.filter(agency__code=flt.agency)
    if flt.kecamatan:
        qs = qs.filter(region__parent__code=flt.kecamatan)
    if flt.kelurahan:
        qs = qs.filter(region__code=flt.kelurahan)
    closed = [str(s) for s in CLOSED_STATUSES]
    if flt.status == "open":
        qs = qs.exclude(status__in=closed)
    elif flt.status == "closed":
        qs = qs.filter(status__in=closed)
    elif flt.status:
        qs = qs.filter(status=flt.status)
    first_photo = (
        # A public photo (as `publication.public_photos` has it) of a published complaint.
        Photo.objects.filter(
            complaint=OuterRef("pk"),
            state=Photo.State.READY,
            kind=Photo.Kind.BEFORE,
            hidden=False,
        )
        .exclude(image="")
        .order_by("id")
        .values("image")[:1]
    )
    return (
        with_places(qs.select_related("category", "agency"))
        .annotate(first_photo=Subquery(first_photo))
        .order_by("created_at", "id")
    )


def stream(flt: ExportFilter) -> Iterator[Complaint]:
    """In chunks: a million rows never sit in memory at once."""
    return complaints(flt).iterator(chunk_size=2000)


def days_off() -> list[dt.date]:
    return list(DayOff.objects.values_list("date", flat=True))

"""Complaints follow new kelurahan boundaries (`regions.uploads`): each complaint whose place
now lies in another kelurahan, or in none, is re-placed with an event and its audit entry.
The place itself never moves; a complaint with no coordinates keeps its kelurahan unless
that kelurahan is removed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from balaikota.complaints import services, steps
from balaikota.complaints.models import Complaint
from balaikota.regions.models import Region
from balaikota.regions.uploads import boundaries_previewed, boundaries_replaced

Locate = Callable[[float, float], str | None]


def _moves(locate: Locate, removed: set[str]) -> Iterator[tuple[int, str | None]]:
    """(complaint id, its new kelurahan's code or None) for each complaint that moves."""
    rows = (
        Complaint.objects.filter(lat__isnull=False, lon__isnull=False)
        | Complaint.objects.filter(region__code__in=removed)
    ).values_list("pk", "lat", "lon", "region__code")
    for pk, lat, lon, code in rows.iterator(chunk_size=2000):
        new = locate(lat, lon) if lat is not None and lon is not None else None
        if new != code:
            yield pk, new


@receiver(boundaries_previewed, dispatch_uid="complaints.relocation.preview")
def count_moves(sender: Any, locate: Locate, removed: set[str], **kwargs: Any) -> dict[str, int]:
    moved = lost = 0
    for _pk, code in _moves(locate, removed):
        if code is None:
            lost += 1
        else:
            moved += 1
    return {"moved": moved, "lost": lost}


@receiver(boundaries_replaced, dispatch_uid="complaints.relocation.apply")
def relocate_complaints(
    sender: Any, locate: Locate, removed: set[str], regions: dict[str, int], **kwargs: Any
) -> dict[str, int]:
    names = dict(Region.objects.filter(code__in=list(regions)).values_list("code", "name"))
    moved = lost = 0
    for pk, code in list(_moves(locate, removed)):
        if code is None:
            note = steps.city_text(_("With the new boundaries its place lies in no kelurahan."))
            lost += 1
        else:
            note = steps.city_text(
                _("With the new boundaries its place lies in kelurahan %(name)s."),
                name=names.get(code, code),
            )
            moved += 1
        services.relocate(Complaint(pk=pk), regions.get(code) if code else None, note)
    return {"moved": moved, "lost": lost}

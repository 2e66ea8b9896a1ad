"""Atom feeds of new and updated complaints, per kecamatan, kelurahan and category.

Newest change first; each entry is the public version of a published complaint (its public
text, no personal data).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from balaikota.complaints.models import Category, Complaint
from balaikota.core import plaintext
from balaikota.regions.models import Region
from balaikota.regions.selectors import with_places, without_boundaries

ENTRIES = 50


class _ComplaintFeed(Feed):
    feed_type = Atom1Feed

    def _complaints(self, qs: QuerySet[Complaint]) -> list[Complaint]:
        return list(
            with_places(qs.filter(published=True).select_related("category", "agency")).order_by(
                "-updated_at", "-id"
            )[:ENTRIES]
        )

    def link(self, obj: Any) -> str:
        return reverse("complaints:home")

    def item_title(self, item: Complaint) -> str:
        category = item.category.display_name if item.category else _("Uncategorised")
        place = item.region.name if item.region else _("no location")
        return plaintext.clean(
            f"{item.ticket} · {category} · {place} · {item.get_status_display()}"
        )

    def item_description(self, item: Complaint) -> str:
        return plaintext.clean(item.public_text)

    def item_link(self, item: Complaint) -> str:
        return reverse("complaints:track", args=[item.ticket])

    def item_guid(self, item: Complaint) -> str:
        return f"{settings.SITE_URL}{self.item_link(item)}"

    def item_pubdate(self, item: Complaint) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Complaint) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Complaint) -> list[str]:
        return [item.category.slug] if item.category else []


class DistrictFeed(_ComplaintFeed):
    def get_object(self, request: HttpRequest, code: str) -> Region:
        return get_object_or_404(without_boundaries(), level="district", code=code)

    def title(self, obj: Region) -> str:
        return _("SAMBAT complaints in Kecamatan %(name)s") % {"name": obj.name}

    def description(self, obj: Region) -> str:
        return _("New and updated complaints in Kecamatan %(name)s.") % {"name": obj.name}

    def items(self, obj: Region) -> list[Complaint]:
        return self._complaints(Complaint.objects.filter(region__parent=obj))


class VillageFeed(_ComplaintFeed):
    def get_object(self, request: HttpRequest, code: str) -> Region:
        return get_object_or_404(without_boundaries(), level="village", code=code)

    def title(self, obj: Region) -> str:
        return _("SAMBAT complaints in Kelurahan %(name)s") % {"name": obj.name}

    def description(self, obj: Region) -> str:
        return _("New and updated complaints in Kelurahan %(name)s.") % {"name": obj.name}

    def items(self, obj: Region) -> list[Complaint]:
        return self._complaints(Complaint.objects.filter(region=obj))


class CategoryFeed(_ComplaintFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return _("SAMBAT complaints: %(category)s") % {"category": obj.display_name}

    def description(self, obj: Category) -> str:
        return _("New and updated complaints of the category %(category)s.") % {
            "category": obj.display_name
        }

    def items(self, obj: Category) -> list[Complaint]:
        return self._complaints(Complaint.objects.filter(category=obj))

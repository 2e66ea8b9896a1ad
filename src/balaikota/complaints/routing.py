"""Which agency handles a complaint: the most specific routing rule for its category and place."""

from __future__ import annotations

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, RoutingRule
from balaikota.regions.models import Region


def agency_for(category: Category | None, village: Region | None) -> Agency | None:
    if category is None:
        return None
    places: list[int] = []
    if village is not None:
        places.append(village.pk)
        if village.parent_id is not None:
            places.append(village.parent_id)
    rules = {
        rule.region_id: rule.agency
        for rule in RoutingRule.objects.filter(category=category)
        .filter(region_id__in=places)
        .select_related("agency")
    }
    citywide = (
        RoutingRule.objects.filter(category=category, region__isnull=True)
        .select_related("agency")
        .first()
    )
    for place in places:
        if place in rules and rules[place].is_active:
            return rules[place]
    if citywide is not None and citywide.agency.is_active:
        return citywide.agency
    return None

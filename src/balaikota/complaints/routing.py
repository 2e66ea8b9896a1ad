"""Which agency handles a complaint: the most specific routing rule for its category and place."""

from __future__ import annotations

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, RoutingRule
from balaikota.core.refcache import Reference
from balaikota.regions.models import Region


def _load_rules() -> dict[tuple[int, int | None], Agency]:
    return {
        (rule.category_id, rule.region_id): rule.agency
        for rule in RoutingRule.objects.select_related("agency")
    }


# A few hundred rows at most, read by every new complaint: held per process.
rules = Reference(_load_rules, RoutingRule, Agency)


def agency_for(category: Category | None, village: Region | None) -> Agency | None:
    if category is None:
        return None
    places: list[int | None] = []
    if village is not None:
        places.append(village.pk)
        if village.parent_id is not None:
            places.append(village.parent_id)
    places.append(None)  # the city-wide rule
    known = rules.get()
    for place in places:
        agency = known.get((category.pk, place))
        if agency is not None and agency.is_active:
            return agency
    return None

"""Hotspots on other apps' pages: the planned work on a complaint's public page, the
current hotspots on the dashboard."""

from __future__ import annotations

from typing import Any

from django import template

from balaikota.complaints.models import Complaint
from balaikota.hotspots import build, selectors
from balaikota.hotspots.models import PlannedWork

register = template.Library()


@register.simple_tag
def planned_work_for(complaint: Complaint) -> list[PlannedWork]:
    return selectors.works_for_complaint(complaint)


@register.simple_tag
def hotspot_summary() -> dict[str, Any]:
    return {"top": list(selectors.public_hotspots()[:5]), "build": build.current()}

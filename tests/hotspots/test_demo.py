"""The demo shows hotspots, one with planned work under way."""

from __future__ import annotations

import pytest

from balaikota.demo import loader
from balaikota.demo.hotspots import load_hotspots
from balaikota.hotspots.models import Hotspot, PlannedWork, WorkStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_hotspots_and_one_with_planned_work(city: None) -> None:
    loader.load_users()
    assert load_hotspots() >= 2
    work = PlannedWork.objects.get()
    assert work.status == WorkStatus.IN_PROGRESS
    assert work.hotspot.category.slug == "jalan-rusak"
    assert work.agency.code == "dpupr"
    assert Hotspot.objects.filter(active=True, category__slug="sampah").exists()
    assert load_hotspots() >= 2
    assert PlannedWork.objects.count() == 1

"""The worker's job: which complaints make hotspots, over which window, and how a hotspot
keeps its identity (and history) from one computation to the next."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from balaikota.complaints import moderation, services
from balaikota.complaints.models import Complaint
from balaikota.core.workdays import JAKARTA
from balaikota.hotspots import build, tasks
from balaikota.hotspots.models import Hotspot, Member
from tests.conftest import KLOJEN, Cast
from tests.hotspots.conftest import NOW, report

pytestmark = pytest.mark.django_db


def current_sets() -> list[set[str]]:
    sets: dict[int, set[str]] = {}
    for hotspot_id, ticket in Member.objects.filter(current=True, hotspot__active=True).values_list(
        "hotspot_id", "complaint__ticket"
    ):
        sets.setdefault(hotspot_id, set()).add(ticket)
    return sorted(sets.values(), key=sorted)


def test_three_road_complaints_within_fifty_metres_make_a_hotspot(cast: Cast) -> None:
    made = [report(30), report(10, 20), report(2, 0, 30)]
    report(5, 200)  # too far

    found = build.rebuild(NOW)

    assert found.hotspots == 1
    spot = Hotspot.objects.get()
    assert spot.count == 3
    assert spot.active
    assert spot.category.slug == "jalan-rusak"
    assert spot.region is not None
    assert spot.region.code == "35.73.05.1005"
    assert spot.agency is not None
    assert spot.agency.code == "dpupr"
    assert spot.first_reported_at == made[0].created_at
    assert spot.last_reported_at == made[2].created_at
    assert current_sets() == [{c.ticket for c in made}]


def test_the_window_counts_the_last_ninety_days_from_midnight(cast: Cast) -> None:
    first_day = dt.datetime.combine(
        NOW.astimezone(JAKARTA).date() - dt.timedelta(days=settings.HOTSPOT_DAYS - 1),
        dt.time(0),
        tzinfo=JAKARTA,
    )
    with time_machine.travel(first_day - dt.timedelta(seconds=1), tick=False):
        from tests.conftest import submit
        from tests.hotspots.conftest import near

        submit(at=near())  # one second before the window
    report(3, 10)
    report(1, 20)
    assert build.rebuild(NOW).hotspots == 0

    with time_machine.travel(first_day, tick=False):
        submit(at=near(5))  # the window's first second
    assert build.rebuild(NOW).hotspots == 1


def test_categories_are_counted_apart(cast: Cast) -> None:
    report(3)
    report(2, 10)
    report(1, 20, category="sampah")
    assert build.rebuild(NOW).hotspots == 0


def test_rejected_duplicate_and_unpublished_complaints_do_not_count(cast: Cast) -> None:
    original = report(9)
    rejected = report(8, 10)
    copy = report(7, 15)
    withheld = report(6, 20)
    report(5, 25, privacy="confidential")
    services.return_to_operator(rejected, cast.pupr_staff, "Lahan milik pribadi.")
    services.reject_complaint(rejected, cast.operator, "Bukan fasilitas umum.")
    services.mark_duplicate(copy, cast.operator, original)
    moderation.set_withheld(withheld, cast.operator, True, "Foto menampilkan wajah.")
    assert build.rebuild(NOW).hotspots == 0

    report(1, 30)  # a second countable complaint: still two
    assert build.rebuild(NOW).hotspots == 0
    report(0.5, 35)
    assert build.rebuild(NOW).hotspots == 1


def test_a_hotspot_keeps_its_identity_and_history_as_complaints_come_and_go(cast: Cast) -> None:
    oldest = report(80)
    report(50, 10)
    report(40, 20)
    build.rebuild(NOW)
    spot = Hotspot.objects.get()

    # A month later a fourth complaint comes; the oldest has left the window.
    later = NOW + dt.timedelta(days=30)
    with time_machine.travel(later - dt.timedelta(days=1), tick=False):
        from tests.conftest import submit
        from tests.hotspots.conftest import near

        submit(at=near(0, 15))
    build.rebuild(later)
    spot.refresh_from_db()
    assert Hotspot.objects.count() == 1
    assert spot.active
    assert spot.count == 3
    left = Member.objects.get(hotspot=spot, complaint=oldest)
    assert not left.current  # history: it was in the hotspot, it is no longer counted

    # Half a year on, nothing is recent: the hotspot ends, its history stays.
    build.rebuild(NOW + dt.timedelta(days=200))
    spot.refresh_from_db()
    assert not spot.active
    assert Member.objects.filter(hotspot=spot).count() == 4


def test_two_places_and_a_new_one_get_their_own_hotspots(cast: Cast) -> None:
    for offset in (0, 10, 20):
        report(5, offset)
        report(5, offset, base=KLOJEN)
    build.rebuild(NOW)
    first_ids = set(Hotspot.objects.values_list("pk", flat=True))
    assert len(first_ids) == 2

    for offset in (0, 10, 20):
        report(4, offset, category="sampah")
    build.rebuild(NOW)
    assert set(Hotspot.objects.filter(active=True).values_list("pk", flat=True)) > first_ids
    assert Hotspot.objects.filter(active=True).count() == 3


def test_the_periodic_task_computes_them(cast: Cast) -> None:
    for offset in (0, 10, 20):
        report(1, offset)
    with time_machine.travel(NOW, tick=False):
        tasks.refresh_hotspots.call_local()
    current = build.current()
    assert current is not None
    assert current.hotspots == 1
    assert current.complaints == 3
    assert current.radius_m == 50
    assert current.min_complaints == 3
    assert current.days == 90


def test_the_settings_change_the_thresholds(cast: Cast, settings: object) -> None:
    for offset in (0, 30, 60):
        report(1, offset)
    assert build.rebuild(NOW).hotspots == 1  # a chain: 30 m apart each
    settings.HOTSPOT_RADIUS_METRES = 25  # type: ignore[attr-defined]
    assert build.rebuild(NOW).hotspots == 0
    settings.HOTSPOT_RADIUS_METRES = 50  # type: ignore[attr-defined]
    settings.HOTSPOT_MIN_COMPLAINTS = 4  # type: ignore[attr-defined]
    assert build.rebuild(NOW).hotspots == 0
    assert Complaint.objects.count() == 3

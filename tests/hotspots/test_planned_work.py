"""Planned work: who may make it, its statuses, each step recorded and audited, and what the
public sees of it (its page, the hotspot's, the complaints' pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from balaikota.core import integrity
from balaikota.core.models import AuditEntry
from balaikota.hotspots import build, services
from balaikota.hotspots.models import Hotspot, PlannedWork, WorkEvent, WorkStatus
from tests.conftest import Cast
from tests.hotspots.conftest import NOW, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def road_hotspot(cast: Cast) -> Hotspot:
    for offset in (0, 10, 20):
        report(5, offset)
    build.rebuild(NOW)
    return Hotspot.objects.get()


def plan(
    spot: Hotspot, user: object, title: str = "Pengaspalan ulang Jl. Sumbersari"
) -> PlannedWork:
    return services.create_work(
        spot,
        user,  # type: ignore[arg-type]
        services.WorkInput(
            title=title,
            description="Lapisan aspal diganti sepanjang 200 m dan saluran tepi diperbaiki.",
            planned_start=dt.date(2027, 1, 11),
            planned_end=dt.date(2027, 2, 26),
            budget=Decimal("450000000"),
        ),
    )


def test_agency_staff_plan_work_and_move_it_to_done_every_step_audited(
    road_hotspot: Hotspot, cast: Cast
) -> None:
    work = plan(road_hotspot, cast.pupr_staff)
    services.change_status(
        work, cast.pupr_head, WorkStatus.IN_PROGRESS, "Kontraktor mulai bekerja."
    )
    services.change_status(work, cast.pupr_staff, WorkStatus.DONE, "Selesai diaspal.")

    work.refresh_from_db()
    assert work.status == WorkStatus.DONE
    steps = list(WorkEvent.objects.filter(work=work).values_list("from_status", "to_status"))
    assert steps == [("", "planned"), ("planned", "in_progress"), ("in_progress", "done")]
    audited = AuditEntry.objects.filter(object_type="hotspots.plannedwork", object_id=str(work.pk))
    assert [e.action for e in audited.order_by("position")] == [
        "hotspots.work.create",
        "hotspots.work.change_status",
        "hotspots.work.change_status",
    ]
    assert [p for p in integrity.problems()] == []  # the chain and the replay agree


def test_a_finished_work_cannot_move_again_and_a_wrong_step_is_refused(
    road_hotspot: Hotspot, cast: Cast
) -> None:
    work = plan(road_hotspot, cast.pupr_staff)
    with pytest.raises(services.StepRefused):
        services.change_status(work, cast.pupr_staff, WorkStatus.DONE)  # not started yet
    services.change_status(work, cast.pupr_staff, WorkStatus.CANCELLED, "Anggaran dialihkan.")
    with pytest.raises(services.StepRefused):
        services.change_status(work, cast.pupr_staff, WorkStatus.IN_PROGRESS)
    assert WorkEvent.objects.filter(work=work).count() == 2


def test_only_one_unfinished_work_per_hotspot(road_hotspot: Hotspot, cast: Cast) -> None:
    first = plan(road_hotspot, cast.pupr_staff)
    with pytest.raises(services.StepRefused):
        plan(road_hotspot, cast.pupr_head, "Rencana kedua")
    services.change_status(first, cast.pupr_staff, WorkStatus.CANCELLED)
    assert plan(road_hotspot, cast.pupr_head, "Rencana kedua").status == WorkStatus.PLANNED


def test_others_may_not_plan_or_change_the_work(road_hotspot: Hotspot, cast: Cast) -> None:
    for outsider in (cast.dlh_staff, cast.operator, cast.mayor_office, cast.citizen):
        with pytest.raises(services.NotAllowed):
            plan(road_hotspot, outsider)
    work = plan(road_hotspot, cast.pupr_staff)
    with pytest.raises(services.NotAllowed):
        services.change_status(work, cast.dlh_staff, WorkStatus.IN_PROGRESS)
    assert PlannedWork.objects.count() == 1


def test_the_form_plans_work_and_a_bad_one_keeps_what_was_typed(
    road_hotspot: Hotspot, cast: Cast, client: Client
) -> None:
    client.force_login(cast.pupr_staff)
    url = f"/staf/titik-rawan/{road_hotspot.pk}/rencana"
    bad = {
        "title": "Perbaikan total",
        "description": "Jalan dibangun ulang.",
        "planned_start": "2027-03-01",
        "planned_end": "2027-02-01",
        "budget": "sekitar satu miliar",
    }
    response = client.post(url, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The planned end cannot be before the planned start." in page
    assert "Enter the budget in whole rupiah" in page
    assert 'value="Perbaikan total"' in page
    assert PlannedWork.objects.count() == 0

    response = client.post(url, {**bad, "planned_end": "2027-04-30", "budget": "Rp 1.250.000.000"})
    assert response.status_code == 302
    work = PlannedWork.objects.get()
    assert work.budget == Decimal("1250000000")
    assert work.agency.code == "dpupr"

    response = client.post(
        f"/staf/pekerjaan-terencana/{work.pk}/status", {"status": "in_progress", "note": "Mulai."}
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.status == WorkStatus.IN_PROGRESS


def test_staff_of_another_agency_cannot_open_or_plan_the_hotspot(
    road_hotspot: Hotspot, cast: Cast, client: Client
) -> None:
    client.force_login(cast.dlh_staff)
    assert client.get(f"/staf/titik-rawan/{road_hotspot.pk}").status_code == 404
    assert client.get("/staf/titik-rawan").content.decode().count("data-hotspot=") == 0
    response = client.post(
        f"/staf/titik-rawan/{road_hotspot.pk}/rencana",
        {
            "title": "x",
            "description": "y",
            "planned_start": "2027-01-01",
            "planned_end": "2027-01-02",
        },
    )
    assert response.status_code == 404
    client.force_login(cast.citizen)
    assert client.get("/staf/titik-rawan").status_code == 403
    assert PlannedWork.objects.count() == 0


def test_the_mayors_office_sees_every_hotspot_but_cannot_plan(
    road_hotspot: Hotspot, cast: Cast, client: Client
) -> None:
    client.force_login(cast.mayor_office)
    page = client.get(f"/staf/titik-rawan/{road_hotspot.pk}").content.decode()
    assert 'id="plan-not-allowed"' in page
    assert 'id="plan-form"' not in page


def test_the_agency_sees_its_hotspot_with_its_history(
    road_hotspot: Hotspot, cast: Cast, client: Client
) -> None:
    client.force_login(cast.pupr_staff)
    listing = client.get("/staf/titik-rawan").content.decode()
    assert f'data-hotspot="{road_hotspot.pk}"' in listing
    page = client.get(f"/staf/titik-rawan/{road_hotspot.pk}").content.decode()
    for complaint in road_hotspot.complaints.all():
        assert f'data-ticket="{complaint.ticket}"' in page
    assert "2026-11" in page  # complaints per month
    assert 'id="plan-form"' in page


def test_the_public_sees_the_work_on_its_page_the_hotspot_and_each_complaint(
    road_hotspot: Hotspot, cast: Cast, client: Client
) -> None:
    work = plan(road_hotspot, cast.pupr_staff)
    services.change_status(work, cast.pupr_staff, WorkStatus.IN_PROGRESS, "Kontraktor mulai.")

    page = client.get(f"/pekerjaan-terencana/{work.pk}").content.decode()
    assert "Pengaspalan ulang Jl. Sumbersari" in page
    assert "Kontraktor mulai." in page
    assert "Rp450.000.000" in page or "Rp450,000,000" in page
    spot_page = client.get(f"/titik-rawan/{road_hotspot.pk}").content.decode()
    assert f'data-work="{work.pk}"' in spot_page
    complaint = road_hotspot.complaints.first()
    assert complaint is not None
    track = client.get(f"/lacak/{complaint.ticket}").content.decode()
    assert "Part of the planned work “Pengaspalan ulang Jl. Sumbersari”" in track
    assert f"/pekerjaan-terencana/{work.pk}" in track

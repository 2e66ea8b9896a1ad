"""The officer's task list and task page, and the head's field page with its workload."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints import services, workload
from balaikota.complaints.models import Complaint, Status
from balaikota.core.models import AuditEntry
from tests.complaints.test_field_work import Field, add_officer, pupr_field  # noqa: F401
from tests.conftest import KLOJEN, SUMBERSARI, Cast, jpeg, submit

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


def row(**values: Any) -> dict[str, Any]:
    base = {
        "field_officer_id": 1,
        "field_team_id": 7,
        "status": "resolved",
        "field_assigned_at": NOW - dt.timedelta(days=3),
        "resolved_at": NOW - dt.timedelta(days=1),
        "resolve_due": NOW - dt.timedelta(days=2),
    }
    return base | values


def test_workload_counts_open_done_on_time_and_the_median() -> None:
    rows = [
        row(status="in_progress", resolved_at=None),  # open
        row(status="assigned", resolved_at=None, field_officer_id=None),  # team only: open
        row(),  # done, late, 2 days
        row(status="closed", resolve_due=NOW),  # done, on time, 2 days
        row(resolved_at=NOW - dt.timedelta(hours=2), resolve_due=NOW),  # on time, 2.9 days
        row(resolved_at=NOW - dt.timedelta(days=40)),  # before the window
        row(field_officer_id=2, field_team_id=None),  # someone else's
    ]
    officers, teams = workload.summarise(rows, NOW)
    mine = officers[1]
    assert (mine.open, mine.done, mine.on_time) == (1, 3, 2)
    assert mine.on_time_share == pytest.approx(2 / 3)
    assert mine.median_days == pytest.approx(2.0)
    assert (teams[7].open, teams[7].done) == (2, 3)
    assert (officers[2].done, officers[2].open) == (1, 0)


def test_nobody_done_has_no_share_and_no_median() -> None:
    officers, _teams = workload.summarise([row(status="in_progress", resolved_at=None)], NOW)
    assert (officers[1].on_time_share, officers[1].median_days) == (None, None)


def _dispatched(cast: Cast, officer: Any, count: int, at: tuple[float, float]) -> None:
    for n in range(count):
        complaint = submit(f"Jalan berlubang nomor {n} di depan sekolah, motor jatuh.", at=at)
        services.dispatch_complaint(complaint, cast.pupr_staff, officer=officer)


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_officer_sees_their_tasks_with_map_and_directions(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, officer=pupr_field.officer)
    someone_elses = submit("Jalan ambles di dekat pasar, berbahaya bagi pengendara.")
    services.dispatch_complaint(someone_elses, cast.pupr_staff, officer=pupr_field.loner)
    page = _logged_in(pupr_field.officer).get(reverse("complaints:tasks"))
    text = page.content.decode()
    assert page.status_code == 200
    assert pupr_field.complaint.ticket in text
    assert someone_elses.ticket not in text
    assert 'class="task-map' in text
    lat, lon = f"{SUMBERSARI[0]:.6f}", f"{SUMBERSARI[1]:.6f}"
    assert f'href="geo:{lat},{lon}?q={lat},{lon}' in text
    assert "https://www.openstreetmap.org/directions?route=%3B" in text


def test_the_nearest_task_comes_first_when_the_phone_says_where_it_is(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, officer=pupr_field.officer)
    near_klojen = submit("Lampu jalan mati di depan alun-alun, gelap sekali.", at=KLOJEN)
    services.dispatch_complaint(near_klojen, cast.pupr_staff, officer=pupr_field.officer)
    client = _logged_in(pupr_field.officer)
    oldest_first = client.get(reverse("complaints:tasks")).content.decode()
    nearest_first = client.get(
        reverse("complaints:tasks") + f"?dekat={KLOJEN[0]},{KLOJEN[1]}"
    ).content.decode()
    first, second = pupr_field.complaint.ticket, near_klojen.ticket
    assert oldest_first.index(first) < oldest_first.index(second)
    assert nearest_first.index(second) < nearest_first.index(first)


def test_the_task_list_costs_the_same_queries_for_3_and_30_tasks(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
    django_assert_max_num_queries: Any,
) -> None:
    client = _logged_in(pupr_field.officer)
    _dispatched(cast, pupr_field.officer, 3, SUMBERSARI)
    with django_assert_max_num_queries(8):
        client.get(reverse("complaints:tasks") + f"?dekat={KLOJEN[0]},{KLOJEN[1]}")
    _dispatched(cast, pupr_field.officer, 27, SUMBERSARI)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("complaints:tasks"))
    assert page.content.decode().count('class="card mb-3 task-card"') == 20  # a page of them


def test_an_officer_accepts_and_resolves_from_the_task_page(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    ticket = pupr_field.complaint.ticket
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, team=pupr_field.team)
    client = _logged_in(pupr_field.officer)
    # the team's task is taken, accepted and resolved with a photo at the place
    client.post(reverse("complaints:task_action", args=[ticket, "take"]))
    client.post(reverse("complaints:task_action", args=[ticket, "accept"]))
    client.post(
        reverse("complaints:task_action", args=[ticket, "note"]), {"note": "Material tiba."}
    )
    done = client.post(
        reverse("complaints:task_action", args=[ticket, "resolve"]),
        {"note": "Sudah ditambal.", "photo": jpeg("after.jpg"), "device_lat": "-7.9601"},
    )
    assert done["Location"] == reverse("complaints:tasks")
    complaint = Complaint.objects.get(pk=pupr_field.complaint.pk)
    assert complaint.status == Status.RESOLVED
    assert complaint.field_officer == pupr_field.officer
    assert list(complaint.events.values_list("action", flat=True)) == [
        "submit",
        "assign",
        "dispatch",
        "dispatch",
        "accept",
        "note",
        "resolve",
    ]


def test_the_task_page_of_another_agency_is_not_found(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    dlh_officer = add_officer("dlh-petugas", "dlh")
    page = _logged_in(dlh_officer).get(
        reverse("complaints:task", args=[pupr_field.complaint.ticket])
    )
    assert page.status_code == 404


def test_staff_hand_a_complaint_to_an_officer_from_the_staff_page(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    client = _logged_in(cast.pupr_staff)
    ticket = pupr_field.complaint.ticket
    detail = client.get(reverse("complaints:staff_detail", args=[ticket])).content.decode()
    assert f'value="officer:{pupr_field.officer.pk}"' in detail
    assert f'value="team:{pupr_field.team.pk}"' in detail
    client.post(
        reverse("complaints:dispatch", args=[ticket]), {"to": f"officer:{pupr_field.officer.pk}"}
    )
    assert Complaint.objects.get(pk=pupr_field.complaint.pk).field_officer == pupr_field.officer


def test_the_head_sees_each_officers_workload_in_a_fixed_number_of_queries(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
    django_assert_max_num_queries: Any,
) -> None:
    client = _logged_in(cast.pupr_head)
    _dispatched(cast, pupr_field.officer, 2, SUMBERSARI)
    with django_assert_max_num_queries(9):
        client.get(reverse("complaints:field"))
    for n in range(5):
        add_officer(f"petugas{n}", "dpupr", pupr_field.team)
    _dispatched(cast, pupr_field.loner, 3, SUMBERSARI)
    done = Complaint.objects.filter(field_officer=pupr_field.loner).first()
    assert done is not None
    services.accept_complaint(done, pupr_field.loner)
    services.resolve_complaint(done, pupr_field.loner, "Selesai.", jpeg(gps=SUMBERSARI))
    with django_assert_max_num_queries(9):
        page = client.get(reverse("complaints:field"))
    text = page.content.decode()
    budi = text[text.index('data-officer="budi"') :]
    assert '<td class="text-end load-open">2</td>' in budi[:400]
    sari = text[text.index('data-officer="sari"') :]
    assert '<td class="text-end load-open">2</td><td class="text-end load-done">1</td>' in sari
    assert '<td class="text-end load-on-time">100%</td>' in sari[:600]


def test_the_head_adds_a_team_and_makes_a_member_a_field_officer(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    client = _logged_in(cast.pupr_head)
    client.post(reverse("complaints:field_change", args=["tim"]), {"name": "Tim Drainase"})
    team = Team.objects.get(name="Tim Drainase")
    membership = Membership.objects.get(user=cast.pupr_staff)
    client.post(
        reverse("complaints:field_change", args=["petugas"]),
        {"membership": membership.pk, "is_field_officer": "1", "team": team.pk},
    )
    membership.refresh_from_db()
    assert (membership.is_field_officer, membership.team) == (True, team)
    # each change is in the audit record, by the head
    assert AuditEntry.objects.filter(action="team.create", actor_label="pupr-head").exists()
    change = AuditEntry.objects.get(action="membership.change")
    assert change.after == {"is_field_officer": True, "team_id": team.pk}


def test_staff_and_other_heads_may_not_change_the_teams(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    response = _logged_in(cast.pupr_staff).post(
        reverse("complaints:field_change", args=["tim"]), {"name": "Tim Bayangan"}
    )
    assert response.status_code == 403
    dlh_head = add_officer("dlh-kepala", "dlh")
    dlh_head.role = "agency_head"
    dlh_head.save()
    _logged_in(dlh_head).post(
        reverse("complaints:field_change", args=["aktif"]),
        {"team": pupr_field.team.pk, "active": "0"},
    )
    assert Team.objects.get(pk=pupr_field.team.pk).is_active
    assert not Team.objects.filter(name="Tim Bayangan").exists()
    assert Agency.objects.get(code="dlh").teams.count() == 0


def test_done_in_the_last_30_days_leaves_older_work_out(
    cast: Cast,
    pupr_field: Field,  # noqa: F811
) -> None:
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, officer=pupr_field.officer)
    services.accept_complaint(pupr_field.complaint, pupr_field.officer)
    services.resolve_complaint(
        pupr_field.complaint, pupr_field.officer, "Selesai.", jpeg(gps=SUMBERSARI)
    )
    now = timezone.now()
    agency = Agency.objects.get(code="dpupr")
    officers, _ = workload.summarise(workload.rows(agency, now), now)
    assert officers[pupr_field.officer.pk].done == 1
    later = now + dt.timedelta(days=31)
    officers, _ = workload.summarise(workload.rows(agency, later), later)
    assert pupr_field.officer.pk not in officers

"""The city dashboard (/dasbor): per-agency and per-kecamatan figures of the hand-counted
story, its CSV downloads, its weight and its queries."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Channel
from balaikota.dashboards import summaries, tasks
from balaikota.dashboards.models import Summary
from balaikota.regions.models import Region
from tests.dashboards.conftest import Story

pytestmark = pytest.mark.django_db


def agency_figures(code: str) -> dict[str, Any]:
    data = summaries.current().data
    return data["agencies"][str(Agency.objects.get(code=code).pk)]


def test_per_agency_figures_match_the_hand_count(story: Story, now: Any) -> None:
    summaries.refresh()
    pupr, dlh = agency_figures("dpupr"), agency_figures("dlh")
    assert pupr["complaints"] == 2  # A and B; E is a duplicate
    assert (pupr["open"], pupr["overdue"]) == (1, 1)
    assert (pupr["eligible"], pupr["on_time"], pupr["on_time_share"]) == (2, 1, 0.5)
    assert pupr["median_followup_days"] == 5.0  # 2 (A) and 8 (B)
    assert pupr["median_resolve_days"] == 4.0  # A: Mon 2 to Fri 6 Nov
    assert (pupr["rated"], pupr["mean_rating"]) == (1, 5.0)
    assert (dlh["complaints"], dlh["open"], dlh["overdue"]) == (2, 1, 1)
    assert (dlh["on_time_share"], dlh["median_followup_days"], dlh["mean_rating"]) == (
        0.5,
        0.0,
        3.0,
    )


def test_per_kecamatan_and_volumes_match_the_hand_count(story: Story, now: Any) -> None:
    data = summaries.refresh().data
    klojen = Region.objects.get(level="district", name__iexact="Klojen")
    assert data["districts"][str(klojen.pk)]["complaints"] == 2  # B and C
    assert data["districts"][str(klojen.pk)]["overdue"] == 2
    assert data["volumes"]["channel"]["web"] == {"2026-10": 1, "2026-11": 3}
    assert data["city"]["complaints"] == 4
    assert data["ratings"] == [0, 0, 1, 0, 1]


def test_the_page_ranks_agencies_and_states_its_definitions(
    story: Story, now: Any, client: Client
) -> None:
    summaries.refresh()
    page = client.get("/dasbor").content.decode()
    agencies = page.split('id="figure-agencies"')[1].split("</section>")[0]
    # DLH and DPUPR both handled half within the deadline; DLH followed up faster.
    assert agencies.index("DLH") < agencies.index("DPUPR")
    assert "50 %" in agencies
    assert "followed_up_at on or before followup_due" in page
    assert 'id="performance-panels"' in page


def test_every_channel_is_named_from_the_channel_choices(
    story: Story, now: Any, client: Client
) -> None:
    summaries.refresh()
    page = client.get("/dasbor").content.decode()
    assert str(Channel.WEB.label) in page.split('id="figure-volume-channel"')[1]


def test_quarters_group_the_months(story: Story, now: Any, client: Client) -> None:
    summaries.refresh()
    page = client.get("/dasbor?periode=triwulan").content.decode()
    category = page.split('id="figure-volume-category"')[1].split("</section>")[0]
    assert "2026-Q4" in category
    assert "2026-11" not in category


def test_csv_downloads_hold_the_figures_and_no_personal_data(
    story: Story, now: Any, client: Client
) -> None:
    summaries.refresh()
    response = client.get("/dasbor/agencies.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Rank", "Agency", "Complaints"]
    by_agency = {row[1]: row for row in rows[1:]}
    assert by_agency["DPUPR"][2:6] == ["2", "1", "1", "0.5"]
    volume = client.get("/dasbor/volume-category.csv?periode=triwulan").content.decode()
    assert volume.splitlines()[0] == "Category,2026-Q4,Total"
    for name in ("Warga", "0812", "@example"):
        assert name not in response.content.decode() + volume
    assert client.get("/dasbor/nothing.csv").status_code == 404


def test_the_first_visit_asks_the_worker_instead_of_waiting(
    story: Story, now: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    # given figures never computed (a million complaints take half a minute)
    assert not Summary.objects.exists()
    # when the first visitor comes
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get("/dasbor").content.decode()
    # then the page says so at once, and the worker computes them (at once, in tests)
    assert 'id="computing"' in first
    assert Summary.objects.get().data["city"]["complaints"] == 4
    assert 'id="figure-agencies"' in client.get("/dasbor").content.decode()
    assert client.get("/dasbor/agencies.csv").status_code == 200


def test_a_csv_asked_for_before_the_first_computation_says_when_to_retry(
    story: Story, client: Client
) -> None:
    response = client.get("/dasbor/agencies.csv")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"


def test_the_worker_refreshes_the_figures(story: Story, now: Any) -> None:
    assert not Summary.objects.exists()
    tasks.refresh_dashboard.call_local()
    summary = Summary.objects.get()
    assert summary.data["city"]["complaints"] == 4


def test_the_page_reads_the_precomputed_figures_in_few_queries(
    story: Story,
    now: Any,
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    summaries.refresh()
    # The summary, names of categories, agencies and kecamatan, and the session.
    with django_assert_max_num_queries(8):
        assert client.get("/dasbor").status_code == 200


def test_the_city_headline_figures_download_too(story: Story, now: Any, client: Client) -> None:
    summaries.refresh()
    rows = dict(csv.reader(io.StringIO(client.get("/dasbor/city.csv").content.decode())))
    assert rows["Complaints"] == "4"
    assert rows["Overdue now"] == "2"
    assert rows["Handled within the deadline"] == "0.5"  # A and D on time; B and C late

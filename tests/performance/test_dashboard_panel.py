"""The performance auction on the public city dashboard (/dasbor): agencies ranked by
verified achievement with their band, a table, a CSV, few queries, a light page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from balaikota.core.models import User
from balaikota.dashboards import summaries
from balaikota.performance import monitoring, services
from balaikota.performance.models import CheckIn, Commitment, Offer
from tests.dashboards.test_page_weight import BUDGET, weight
from tests.performance.conftest import PLAN, World, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def head(world: World, code: str) -> User:
    return {"dpupr": world.pupr_head, "dinkes": world.dinkes_head, "dinsos": world.dinsos_head}[
        code
    ]


def sign(world: World, offers: dict[str, Offer], code: str) -> None:
    services.commit(head(world, code), offers[code], action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offers[code])


def report(world: World, code: str, quarter: int, actual: float) -> CheckIn:
    commitment = Commitment.objects.filter(agency__code=code).earliest("pk")
    data = monitoring.CheckInInput(quarter=quarter, actual=actual, confidence="high")
    return monitoring.submit_check_in(head(world, code), commitment, data)


def roads_verified(world: World) -> dict[str, Offer]:
    """PUPR reported 9 km of 10 in TW I, verified: 90 %, tinggi."""
    offers = open_round(world)
    sign(world, offers, "dpupr")
    monitoring.verify_check_in(world.verifier, report(world, "dpupr", 1, 9))
    return offers


def dashboard(client: Client) -> str:
    response = client.get("/dasbor")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_ranks_agencies_by_verified_achievement_with_their_band(
    world: World, client: Client
) -> None:
    # given
    roads_verified(world)
    # when
    html = dashboard(client)
    # then
    assert 'id="performance-ranking"' in html
    row = html.split('data-agency="dpupr"')[1].split("</tr>")[0]
    assert "90.00%" in row
    assert 'data-band="high"' in row
    assert "<svg" in html.split('id="performance-ranking"')[1]
    assert 'href="/kinerja?tahun=2026"' in html


def test_unverified_figures_stay_off_the_public_dashboard(world: World, client: Client) -> None:
    # given Dinkes's only report waits for verification
    sign(world, open_round(world), "dinkes")
    report(world, "dinkes", 1, 3)
    # when
    row = dashboard(client).split('data-agency="dinkes"')[1].split("</tr>")[0]
    # then
    assert "%" not in row
    assert "data-band" not in row


def test_the_ranking_downloads_as_csv(world: World, client: Client) -> None:
    # given
    roads_verified(world)
    # when
    response = client.get("/kinerja/peringkat.csv?tahun=2026")
    # then
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert rows[1][:5] == ["1", "dpupr", "DPUPR", "90.0", rows[1][4]]
    assert rows[1][4]  # the band's name


def test_the_panel_costs_the_same_queries_however_many_agencies(
    world: World, client: Client
) -> None:
    # given
    summaries.refresh()
    offers = roads_verified(world)
    with CaptureQueriesContext(connection) as one:
        dashboard(client)
    # when two more agencies sign (Dinsos with two targets) and report
    sign(world, offers, "dinkes")
    sign(world, offers, "dinsos")
    monitoring.verify_check_in(world.verifier, report(world, "dinkes", 1, 2))
    monitoring.verify_check_in(world.verifier, report(world, "dinsos", 1, 4.0))
    with CaptureQueriesContext(connection) as three:
        html = dashboard(client)
    # then
    assert html.count("data-agency=") == 3
    assert len(three) == len(one)
    # the summary and the names of agencies, kecamatan, categories and kelurahan it refers
    # to; the panel's commitments, their check-ins and last year's quarters (two more when
    # some agreements amend others: those and their check-ins); the hotspots section's
    # current build and its hotspots
    assert len(three) == 10, "\n".join(q["sql"][:50] for q in three.captured_queries)


def test_the_dashboard_with_the_panel_stays_under_300_kb(world: World, client: Client) -> None:
    summaries.refresh()
    roads_verified(world)
    assert weight(client, "/dasbor") < BUDGET

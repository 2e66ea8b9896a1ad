"""Each hotspot can be recomputed from the open-data export alone: the CSV's columns, the
window and thresholds the page states, and the algorithm of docs/hotspots.md (the
`clustering` module, which needs nothing but Python) give the same hotspots."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict

import pytest
import time_machine
from django.test import Client

from balaikota.complaints import services
from balaikota.hotspots import build
from balaikota.hotspots.clustering import Point, clusters
from balaikota.hotspots.models import Member
from tests.conftest import KLOJEN, SUMBERSARI, Cast
from tests.hotspots.conftest import NOW, report

pytestmark = pytest.mark.django_db


def export(client: Client) -> list[dict[str, str]]:
    response = client.get("/data-terbuka/aduan.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def recompute(
    rows: list[dict[str, str]], start: dt.datetime, end: dt.datetime, radius: int, minimum: int
) -> set[frozenset[str]]:
    """What a community developer writes: the rules of docs/hotspots.md on the CSV."""
    by_category: dict[str, list[Point]] = defaultdict(list)
    for row in rows:
        if row["status"] in {"rejected", "duplicate"} or not row["category"]:
            continue
        if not row["lat"] or not row["lon"]:
            continue
        if not start <= dt.datetime.fromisoformat(row["created_at"]) < end:
            continue
        by_category[row["category"]].append(
            Point(row["created_at"], row["ticket"], float(row["lat"]), float(row["lon"]))
        )
    return {
        frozenset(p.key for p in cluster)
        for points in by_category.values()
        for cluster in clusters(points, radius, minimum)
    }


def test_the_hotspots_are_recomputed_from_the_csv_export_alone(cast: Cast, client: Client) -> None:
    # given: complaints around a few places, of three categories, over four months, some
    # rejected, duplicated or confidential, and one exactly 50 m from another
    rng = random.Random(12)
    made = []
    for base in (SUMBERSARI, KLOJEN):
        for _ in range(22):
            made.append(
                report(
                    rng.uniform(0, 120),
                    rng.uniform(-70, 70),
                    rng.uniform(-70, 70),
                    category=rng.choice(["jalan-rusak", "sampah", "penerangan-jalan"]),
                    base=base,
                    privacy=rng.choice(["public"] * 8 + ["anonymous", "confidential"]),
                )
            )
    report(2, 0, 400)
    report(2, 0, 450)
    report(2, 0, 500)  # three in a line, 50 m apart each (the radius's edge)
    services.mark_duplicate(made[1], cast.operator, made[0])
    rejected = report(3, 5, 5)
    services.return_to_operator(rejected, cast.pupr_staff, "Lahan milik pribadi.")
    services.reject_complaint(rejected, cast.operator, "Bukan fasilitas umum.")

    # when: the worker computes them, and the export is read at the same moment
    computed = build.rebuild(NOW)
    with time_machine.travel(NOW, tick=False):
        rows = export(client)

    # then
    stored: dict[int, set[str]] = defaultdict(set)
    for hotspot_id, ticket in Member.objects.filter(current=True, hotspot__active=True).values_list(
        "hotspot_id", "complaint__ticket"
    ):
        stored[hotspot_id].add(ticket)
    expected = {frozenset(tickets) for tickets in stored.values()}
    assert len(expected) >= 3  # the data makes several hotspots: the test means something
    again = recompute(
        rows,
        computed.window_start,
        computed.window_end,
        computed.radius_m,
        computed.min_complaints,
    )
    assert again == expected

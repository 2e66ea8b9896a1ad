"""Every public figure can be recomputed from the open-data export: the dashboard's
per-agency table, recomputed here from the CSV by its stated definitions, matches; so does
its overdue figure while a complaint's deadline clock stands still, and after it runs again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import defaultdict
from typing import Any

import time_machine
from django.test import Client

from balaikota.agencies.models import Agency
from balaikota.complaints import intake, services
from balaikota.complaints.models import Complaint
from balaikota.dashboards import summaries
from balaikota.performance import complaint_metrics
from tests.conftest import KLOJEN, Cast, jpeg, submit

MONDAY = dt.datetime(2026, 10, 5, 2, 0, tzinfo=dt.UTC)  # 09:00 in Malang


def at(days: float) -> Any:
    return time_machine.travel(MONDAY + dt.timedelta(days=days), tick=False)


def export_rows(client: Client) -> list[dict[str, str]]:
    response = client.get("/data-terbuka/aduan.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


OPEN = {"submitted", "verified", "assigned", "in_progress", "waiting", "reopened"}


def overdue_from_export(rows: list[dict[str, str]], now: dt.datetime) -> int:
    """The dashboard's "overdue now" by its definition, on the export's columns."""

    def passed(value: str) -> bool:
        return bool(value) and dt.datetime.fromisoformat(value) < now

    return sum(
        1
        for r in rows
        if r["status"] in OPEN
        and r["clock_paused"] != "true"
        and (
            passed(r["followup_due"])
            if not r["followed_up_at"]
            else not r["resolved_at"] and passed(r["resolve_due"])
        )
    )


def recompute(rows: list[dict[str, str]], now: dt.datetime) -> dict[str, dict[str, Any]]:
    """The dashboard's definitions, applied to the export's columns."""
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["status"] != "duplicate" and row["agency"]:
            groups[row["agency"]].append(row)
    result = {}
    for agency, members in groups.items():
        eligible = [
            r
            for r in members
            if r["followup_due"]
            and (r["followed_up_at"] or dt.datetime.fromisoformat(r["followup_due"]) < now)
        ]
        on_time = [r for r in eligible if r["followed_up_within_deadline"] == "true"]
        follow = [
            int(r["working_days_to_follow_up"]) for r in members if r["working_days_to_follow_up"]
        ]
        resolve = [
            int(r["working_days_to_resolve"]) for r in members if r["working_days_to_resolve"]
        ]
        ratings = [int(r["rating"]) for r in members if r["rating"]]
        result[agency] = {
            "complaints": len(members),
            "share": round(len(on_time) / len(eligible), 4) if eligible else None,
            "median_follow": float(statistics.median(follow)) if follow else None,
            "median_resolve": float(statistics.median(resolve)) if resolve else None,
            "mean_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        }
    return result


def test_the_agency_table_matches_a_recomputation_from_the_export(
    client: Client, cast: Cast
) -> None:
    # given: complaints handled on time (and rated), late, not at all
    with at(0):
        quick = submit()
        late = submit("Trotoar ambles di depan sekolah, membahayakan anak-anak.")
        submit("Jembatan kecil retak di gang tujuh, mohon dicek.")
        submit("Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah", at=KLOJEN)
    with at(1):
        services.accept_complaint(quick, cast.pupr_staff)
    with at(3):
        services.resolve_complaint(quick, cast.pupr_staff, "Sudah ditambal.", jpeg())
    with at(4):
        services.confirm_resolution(quick, rating=4, comment="")
    with at(12):
        services.accept_complaint(late, cast.pupr_staff)
    now = MONDAY + dt.timedelta(days=20)

    # when: the worker computes the figures, and someone downloads the export
    with at(20):
        summaries.refresh(now)
        dashboard = list(
            csv.reader(io.StringIO(client.get("/dasbor/agencies.csv").content.decode()))
        )
        expected = recompute(export_rows(client), now)

    # then: the same figures, agency by agency
    header, body = dashboard[0], dashboard[1:]
    names = dict(Agency.objects.values_list("short_name", "code"))
    by_code = {names[row[1]]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_code) == set(expected)
    for code, figures in expected.items():
        shown = list(by_code[code].values())
        assert int(shown[2]) == figures["complaints"], code
        assert (float(shown[5]) if shown[5] else None) == figures["share"], code
        assert (float(shown[7]) if shown[7] else None) == figures["median_follow"], code
        assert (float(shown[8]) if shown[8] else None) == figures["median_resolve"], code
        assert (float(shown[10]) if shown[10] else None) == figures["mean_rating"], code
    # and by hand: PUPR followed up one of three in time; after 1 and 9 working days
    assert expected["dpupr"]["share"] == round(1 / 3, 4)
    assert expected["dpupr"]["median_follow"] == 5.0
    assert expected["dpupr"]["mean_rating"] == 4.0


def test_a_paused_complaint_is_overdue_nowhere_until_its_moved_deadline_passes(
    client: Client, cast: Cast
) -> None:
    # given: two complaints in progress at PUPR with the same deadline to resolve; the
    # agency asks the reporter of one of them for information the next day
    with at(0):
        asked, other = (
            submit(text, contact=intake.Contact(name="Budi Santoso", email="budi@example.test"))
            for text in (
                "Jalan berlubang besar di depan sekolah, motor sering jatuh.",
                "Trotoar ambles di depan pasar, pejalan kaki terperosok.",
            )
        )
    with at(0.1):
        for complaint in (asked, other):
            services.accept_complaint(complaint, cast.pupr_staff)
    with at(1):
        services.ask_reporter(asked, cast.pupr_staff, "Di sisi mana lubangnya?")
    asked.refresh_from_db()
    original_due = asked.resolve_due
    assert original_due is not None
    assert asked.clock_paused_at is not None
    pupr = Agency.objects.get(code="dpupr")

    def overdue_everywhere(now: dt.datetime) -> tuple[int, int, int, int]:
        with time_machine.travel(now, tick=False):
            data = summaries.refresh(now).data
            metrics = complaint_metrics.for_agency(pupr, 2026, 4)
            from_export = overdue_from_export(export_rows(client), now)
        return (
            data["city"]["overdue"],
            data["agencies"][str(pupr.pk)]["overdue"],
            metrics.overdue,
            from_export,
        )

    # when: the original deadline has passed, the reporter has not answered yet
    paused_now = original_due + dt.timedelta(days=1)
    # then: only the other one is overdue, on the dashboard, in the metrics and in the export
    assert overdue_everywhere(paused_now) == (1, 1, 1, 1)
    row = next(r for r in export_rows(client) if r["ticket"] == asked.ticket)
    assert (row["status"], row["clock_paused"]) == ("waiting", "true")
    assert row["clock_paused_since"]

    # when: the reporter answers; the deadline moves by the working days the clock stood still
    with time_machine.travel(paused_now, tick=False):
        services.answer_question(asked, text="Dekat gerbang sekolah.")
    asked.refresh_from_db()
    assert asked.clock_paused_at is None
    assert asked.resolve_due is not None
    assert asked.resolve_due > paused_now
    row = next(r for r in export_rows(client) if r["ticket"] == asked.ticket)
    assert row["clock_paused"] == "false"
    assert dt.datetime.fromisoformat(row["resolve_due"]) == asked.resolve_due

    # then: not overdue before the moved deadline, overdue everywhere after it
    assert overdue_everywhere(asked.resolve_due - dt.timedelta(hours=1)) == (1, 1, 1, 1)
    assert overdue_everywhere(asked.resolve_due + dt.timedelta(hours=1)) == (2, 2, 2, 2)
    assert Complaint.objects.get(pk=asked.pk).is_overdue(asked.resolve_due + dt.timedelta(hours=1))

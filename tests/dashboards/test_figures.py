"""The dashboard's definitions, on rows counted by hand (no database)."""

from __future__ import annotations

import datetime as dt

from balaikota.core.workdays import JAKARTA
from balaikota.dashboards import figures
from balaikota.dashboards.figures import Row, WorkdayCounter


def t(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=JAKARTA)


NOW = t(11, 30, 10)


def row(**values: object) -> Row:
    base: dict[str, object] = {
        "created_at": t(11, 2),
        "category": 1,
        "agency": 7,
        "district": 3,
        "channel": "web",
        "status": "assigned",
        "assigned_at": t(11, 2),
        "followed_up_at": None,
        "resolved_at": None,
        "followup_due": t(11, 9, 23),
        "resolve_due": None,
        "rating": None,
    }
    return Row(**(base | values))  # type: ignore[arg-type]


def test_working_days_skip_weekends_and_days_off() -> None:
    counter = WorkdayCounter(days_off=[dt.date(2026, 11, 5)])
    # Mon 2 Nov -> Mon 9 Nov: 3, 4, (5 off), 6, (weekend), 9.
    assert counter.between(t(11, 2), t(11, 9)) == 4
    assert counter.between(t(11, 2), t(11, 2, 17)) == 0


def test_handled_within_the_deadline_counts_met_and_passed_deadlines_only() -> None:
    rows = [
        row(status="in_progress", followed_up_at=t(11, 4)),  # on time
        row(status="in_progress", followed_up_at=t(11, 12)),  # late
        row(followup_due=t(11, 9, 23)),  # not followed up, deadline passed: late
        row(followup_due=t(12, 4, 23)),  # not followed up, deadline ahead: not counted
    ]
    city = figures.summarise(rows, now=NOW)["city"]
    assert (city["eligible"], city["on_time"], city["on_time_share"]) == (3, 1, 0.3333)


def test_medians_are_in_working_days_from_assignment() -> None:
    rows = [
        row(status="closed", followed_up_at=t(11, 4), resolved_at=t(11, 6)),  # 2 and 4
        row(status="in_progress", followed_up_at=t(11, 12)),  # 8
        row(status="in_progress", followed_up_at=t(11, 3)),  # 1
    ]
    city = figures.summarise(rows, now=NOW)["city"]
    assert city["median_followup_days"] == 2.0
    assert city["median_resolve_days"] == 4.0


def test_overdue_now_looks_at_the_deadline_of_the_current_stage() -> None:
    rows = [
        row(),  # follow-up deadline 9 Nov passed
        row(status="in_progress", followed_up_at=t(11, 4), resolve_due=t(11, 26, 23)),
        row(status="in_progress", followed_up_at=t(11, 4), resolve_due=t(12, 10, 23)),
        row(status="closed", followed_up_at=t(11, 4), resolved_at=t(11, 5)),
    ]
    assert figures.summarise(rows, now=NOW)["city"]["overdue"] == 2


def test_a_complaint_whose_clock_stands_still_is_open_but_not_overdue() -> None:
    rows = [
        row(status="waiting", clock_paused_at=t(11, 5)),  # asked before 9 Nov: paused
        row(status="assigned", clock_paused_at=t(11, 5)),  # forwarded elsewhere: paused
        row(status="waiting"),  # resumed (moved deadline 9 Nov passed): overdue
    ]
    city = figures.summarise(rows, now=NOW)["city"]
    assert (city["open"], city["overdue"]) == (3, 1)


def test_volumes_leave_duplicates_out_and_regroup_by_quarter() -> None:
    rows = [row(created_at=t(9, 30)), row(created_at=t(10, 1)), row(status="duplicate")]
    data = figures.summarise(rows, now=NOW)
    assert data["volumes"]["category"]["1"] == {"2026-09": 1, "2026-10": 1}
    assert figures.by_period(data["volumes"]["category"]["1"], "quarter") == {
        "2026-Q3": 1,
        "2026-Q4": 1,
    }


def test_a_month_is_counted_in_jakarta_time() -> None:
    # 31 Oct 20:00 UTC is already 1 November in Malang.
    late_evening = dt.datetime(2026, 10, 31, 20, tzinfo=dt.UTC)
    data = figures.summarise([row(created_at=late_evening)], now=NOW)
    assert data["months"] == ["2026-11"]


def test_ranking_puts_the_best_share_first_and_groups_without_deadlines_last() -> None:
    stats = {
        "slow": {"on_time_share": 0.5, "median_followup_days": 5.0},
        "new": {"on_time_share": None, "median_followup_days": None},
        "best": {"on_time_share": 0.9, "median_followup_days": 3.0},
        "fast": {"on_time_share": 0.5, "median_followup_days": 1.0},
    }
    assert [key for key, _ in figures.ranked(stats)] == ["best", "fast", "slow", "new"]


def test_ratings_count_and_mean() -> None:
    rows = [row(status="closed", rating=5), row(status="closed", rating=2), row()]
    data = figures.summarise(rows, now=NOW)
    assert data["ratings"] == [0, 1, 0, 0, 1]
    assert (data["city"]["rated"], data["city"]["mean_rating"]) == (2, 3.5)


def test_charts_escape_labels_and_name_every_series() -> None:
    from balaikota.dashboards import svg

    chart = svg.columns(
        ["2026-10", "2026-11"],
        [(f"<b>{n}</b>", [n, n + 1]) for n in range(6)],
        title="Aduan",
    )
    assert "<b>" not in chart
    assert chart.count("&lt;b&gt;") == 6  # a legend entry for each of the six series
    assert chart.startswith("<svg")
    assert 'aria-hidden="true"' in chart

"""The dashboard's figures as tables (for the page, screen readers and CSV) and charts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, Channel
from balaikota.dashboards import figures, svg
from balaikota.regions.models import Level, Region

Cell = str | int | float | None
SERIES_IN_CHART = 5
PERIODS_ON_PAGE = 12


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    chart: SafeString | None = None
    # Indices of columns holding a share (0-1), shown as a percentage.
    percent_columns: frozenset[int] = field(default_factory=frozenset)
    label_column: int = 0  # the column naming the row (a row header for screen readers)


def _labels(dimension: str) -> dict[str, str]:
    if dimension == "category":
        return {str(c.pk): c.display_name for c in Category.objects.all()}
    if dimension == "district":
        return {
            str(pk): name
            for pk, name in Region.objects.filter(level=Level.DISTRICT).values_list("pk", "name")
        }
    return {str(value): str(label) for value, label in Channel.choices}


def volume(
    data: dict[str, Any], dimension: str, period: str, *, last: int | None = PERIODS_ON_PAGE
) -> Table:
    titles = {
        "category": _("Complaints by category"),
        "district": _("Complaints by kecamatan"),
        "channel": _("Complaints by channel"),
    }
    headers_first = {
        "category": _("Category"),
        "district": _("Kecamatan"),
        "channel": _("Channel"),
    }
    labels = _labels(dimension)
    per_key = {
        key: figures.by_period(months, period) for key, months in data["volumes"][dimension].items()
    }
    periods = sorted({p for counts in per_key.values() for p in counts})
    if last is not None:
        periods = periods[-last:]
    rows: list[list[Cell]] = []
    for key, counts in sorted(per_key.items(), key=lambda item: -sum(item[1].values())):
        values = [counts.get(p, 0) for p in periods]
        rows.append([labels.get(key, key) or _("(none)"), *values, sum(values)])
    top = rows[:SERIES_IN_CHART]
    series: list[tuple[str, Sequence[int]]] = [
        (str(row[0]), [int(v or 0) for v in row[1:-1]]) for row in top
    ]
    if len(rows) > SERIES_IN_CHART:
        rest = [
            sum(int(row[i + 1] or 0) for row in rows[SERIES_IN_CHART:]) for i in range(len(periods))
        ]
        series.append((_("Other"), rest))
    return Table(
        slug=f"volume-{dimension}",
        title=titles[dimension],
        headers=[headers_first[dimension], *periods, _("Total")],
        rows=rows,
        chart=svg.columns(periods, series, title=titles[dimension]),
    )


def _group_headers(first: str) -> list[str]:
    return [
        _("Rank"),
        first,
        _("Complaints"),
        _("Open"),
        _("Overdue now"),
        _("Within the deadline"),
        _("Deadlines counted"),
        _("Median working days to follow up"),
        _("Median working days to resolve"),
        _("Ratings"),
        _("Mean rating"),
    ]


def _group_rows(stats: dict[str, dict[str, Any]], labels: dict[str, str]) -> list[list[Cell]]:
    return [
        [
            rank,
            labels.get(key, key) or _("(none)"),
            figures_["complaints"],
            figures_["open"],
            figures_["overdue"],
            figures_["on_time_share"],
            figures_["eligible"],
            figures_["median_followup_days"],
            figures_["median_resolve_days"],
            figures_["rated"],
            figures_["mean_rating"],
        ]
        for rank, (key, figures_) in enumerate(figures.ranked(stats), start=1)
    ]


def _share_chart(rows: list[list[Cell]], title: str) -> SafeString:
    return svg.bars(
        [
            (
                str(row[1]),
                float(row[5]) * 100 if row[5] is not None else None,
                f"{float(row[5]) * 100:.0f} %" if row[5] is not None else "–",
            )
            for row in rows
        ],
        title=title,
        maximum=100,
    )


def agencies(data: dict[str, Any]) -> Table:
    labels = {str(pk): name for pk, name in Agency.objects.values_list("pk", "short_name")}
    rows = _group_rows(data["agencies"], labels)
    title = _("Agencies, ranked by the share handled within the deadline")
    return Table(
        "agencies",
        title,
        _group_headers(_("Agency")),
        rows,
        _share_chart(rows, title),
        frozenset({5}),
        1,
    )


def districts(data: dict[str, Any]) -> Table:
    labels = _labels("district")
    rows = _group_rows(data["districts"], labels)
    title = _("Kecamatan, ranked by the share handled within the deadline")
    return Table(
        "districts",
        title,
        _group_headers(_("Kecamatan")),
        rows,
        _share_chart(rows, title),
        frozenset({5}),
        1,
    )


def ratings(data: dict[str, Any]) -> Table:
    counts: list[int] = data["ratings"]
    title = _("Citizens' ratings of resolved complaints")
    rows: list[list[Cell]] = [[stars, counts[stars - 1]] for stars in range(5, 0, -1)]
    chart = svg.bars(
        [(f"{row[0]} ★", float(row[1] or 0), str(row[1])) for row in rows], title=title
    )
    return Table("ratings", title, [_("Rating"), _("Complaints")], rows, chart)


def city(data: dict[str, Any]) -> Table:
    """The headline figures of the whole city, for the CSV beside them."""
    figures_ = data["city"]
    rows: list[list[Cell]] = [
        [_("Complaints"), figures_["complaints"]],
        [_("Open"), figures_["open"]],
        [_("Overdue now"), figures_["overdue"]],
        [_("Handled within the deadline"), figures_["on_time_share"]],
        [_("Deadlines counted"), figures_["eligible"]],
        [_("Median working days to follow up"), figures_["median_followup_days"]],
        [_("Median working days to resolve"), figures_["median_resolve_days"]],
        [_("Ratings"), figures_["rated"]],
        [_("Mean rating"), figures_["mean_rating"]],
    ]
    return Table("city", _("The whole city"), [_("Figure"), _("Value")], rows)


def all_tables(data: dict[str, Any], period: str) -> list[Table]:
    return [
        agencies(data),
        districts(data),
        volume(data, "category", period),
        volume(data, "district", period),
        volume(data, "channel", period),
        ratings(data),
    ]


def for_csv(data: dict[str, Any], slug: str, period: str) -> Table | None:
    """The full table behind a figure (every period, not only the last ones shown)."""
    if slug.startswith("volume-") and slug.removeprefix("volume-") in figures.DIMENSIONS:
        return volume(data, slug.removeprefix("volume-"), period, last=None)
    builders = {"city": city, "agencies": agencies, "districts": districts, "ratings": ratings}
    builder = builders.get(slug)
    return builder(data) if builder else None

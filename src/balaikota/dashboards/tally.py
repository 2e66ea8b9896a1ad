"""The map's filtered views at a million complaints: counts the worker keeps per grid cell,
month, status, category, agency and kelurahan (`MapTally`), summed when a view asks.

Counting a million complaints live takes 100-200 ms per filtered view; summing the
worker's rows takes a few. What the worker has not counted yet is counted live and added:
- complaints made since its last build (ids above the build's watermark), so a new report
  is on every filtered view at once;
- the days of a period's first and last month when the period does not start or end on a
  month's edge (the rows are per month).
A change to an older complaint (its status, its supporters, it being withheld) reaches the
filtered views at the next build, every five minutes with the unfiltered grid.

The build reads the complaints into a temporary table (no lock on the database's writers,
on SQLite too), then copies it in short transactions under a new generation, names that
generation current and deletes the old one: readers never see half a build. Its SQL is
written here because it runs on the database, not through Python; only this module's
constants are formatted into it, every value goes as a parameter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Max, Q, Sum, When
from django.db.models.expressions import Func
from django.utils import timezone

from balaikota.complaints import publication
from balaikota.complaints.models import OPEN_STATUSES
from balaikota.dashboards.filters import HIDDEN_STATUSES, MapFilter, Viewport, cell_degrees
from balaikota.dashboards.models import MapTally, Summary

KEY = "map:tally"
REGION_LEVEL = 0  # one cell for the city: complaints per kelurahan, and the list's count
# Finest first: each level is built from the one below. Finer cells would multiply the rows
# (a cell of zoom 15 holds about 150 of a million complaints: nearly a row each per month),
# so a filtered view zoomed in further shows the cells of zoom 13, and of zoom 12 when it
# names a period; the unfiltered grid, one row a cell, goes on to zoom 15.
CELL_LEVELS = (13, 12, 11, 10)
LAST_MONTH_LEVEL = 12
GRID_ONLY_LEVELS = (15, 14)
COPY_CHUNK = 20_000
LIVE_IDS = 5000  # complaints since the build, looked up by id; beyond, by a range
BUILD_TABLE = "map_tally_build"
COLUMNS = (
    "level, month, cell_y, cell_x, detailed, category_id, agency_id, region_id, status, "
    "count, sum_lat, sum_lon, supporters"
)
WHAT = "category_id, agency_id, region_id"


class CellIndex(Func):
    """The grid cell of a coordinate already shifted to be positive: floor of the quotient.
    (PostgreSQL's cast of a float to an integer rounds; SQLite's truncates, which is the
    floor for a positive number.)"""

    template = "CAST(%(expressions)s AS INTEGER)"
    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, conn: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, conn, template="CAST(FLOOR(%(expressions)s) AS INTEGER)")


def month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(number: int) -> dt.date:
    return dt.date(number // 12, number % 12 + 1, 1)


def _month_end(number: int) -> dt.date:
    start = _month_start(number)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


# -- the build ---------------------------------------------------------------------------


def _sql_cell(column: str, offset: float) -> str:
    shifted = f"({column} + {offset}) / %s"
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR({shifted}) AS INTEGER)"
    return f"CAST({shifted} AS INTEGER)"


def _sql_month() -> str:
    """The complaint's month in the city's time (UTC+7 all year, no daylight saving)."""
    if connection.vendor == "postgresql":
        local = "(created_at AT TIME ZONE 'Asia/Jakarta')"
        return f"CAST(EXTRACT(YEAR FROM {local}) * 12 + EXTRACT(MONTH FROM {local}) - 1 AS INTEGER)"
    return (
        "(CAST(strftime('%%Y', created_at, '+7 hours') AS INTEGER) * 12"
        " + CAST(strftime('%%m', created_at, '+7 hours') AS INTEGER) - 1)"
    )


def _create_build_table(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {BUILD_TABLE}")
    key = "n SERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "n INTEGER PRIMARY KEY"
    cursor.execute(
        f"CREATE TEMPORARY TABLE {BUILD_TABLE} ({key}, level INTEGER, month INTEGER,"
        " cell_y INTEGER, cell_x INTEGER, detailed INTEGER, category_id BIGINT,"
        " agency_id BIGINT, region_id BIGINT, status VARCHAR(20), count INTEGER,"
        " sum_lat DOUBLE PRECISION, sum_lon DOUBLE PRECISION, supporters INTEGER)"
    )


def _count_complaints(cursor: Any, last_id: int) -> None:
    """The finest cells (by month, with everything) and the kelurahan level, from the
    complaints: published, not rejected, not a duplicate, made up to the watermark."""
    table = publication.published().model._meta.db_table
    month = _sql_month()
    where = f"FROM {table} WHERE published = %s AND status NOT IN (%s, %s) AND id <= %s"
    hidden = [str(status) for status in HIDDEN_STATUSES]
    sums = "COUNT(*), COALESCE(SUM(lat), 0), COALESCE(SUM(lon), 0), SUM(supporters)"
    finest = cell_degrees(CELL_LEVELS[0])
    cell_y, cell_x = _sql_cell("lat", 90.0), _sql_cell("lon", 180.0)
    cursor.execute(
        f"INSERT INTO {BUILD_TABLE} ({COLUMNS}) SELECT {CELL_LEVELS[0]}, {month}, {cell_y},"
        f" {cell_x}, %s, {WHAT}, status, {sums} {where} AND lat IS NOT NULL"
        f" AND lon IS NOT NULL GROUP BY {month}, {cell_y}, {cell_x}, {WHAT}, status",
        [finest, finest, 1, True, *hidden, last_id, finest, finest],
    )
    finest = cell_degrees(GRID_ONLY_LEVELS[0])
    cursor.execute(
        f"INSERT INTO {BUILD_TABLE} ({COLUMNS}) SELECT {GRID_ONLY_LEVELS[0]}, NULL, {cell_y},"
        f" {cell_x}, %s, NULL, NULL, NULL, status, {sums} {where} AND lat IS NOT NULL"
        f" AND lon IS NOT NULL GROUP BY {cell_y}, {cell_x}, status",
        [finest, finest, 0, True, *hidden, last_id, finest, finest],
    )
    cursor.execute(
        f"INSERT INTO {BUILD_TABLE} ({COLUMNS}) SELECT {REGION_LEVEL}, {month}, 0, 0, %s,"
        f" {WHAT}, status, {sums} {where} GROUP BY {month}, {WHAT}, status",
        [1, True, *hidden, last_id],
    )


def _sum_into_build(cursor: Any, select: str, where: str, group: str, params: list[Any]) -> None:
    sums = "SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(supporters)"
    cursor.execute(
        f"INSERT INTO {BUILD_TABLE} ({COLUMNS}) SELECT {select}, {sums} FROM {BUILD_TABLE}"  # noqa: S608
        f" WHERE {where} GROUP BY {group}",
        params,
    )


def _derive_levels(cursor: Any) -> None:
    """Coarser cells from finer ones (a cell of zoom z is four of zoom z + 1: the grid
    halves at each zoom), then the all-time rows, then the rows without category, agency
    and kelurahan."""
    for level in GRID_ONLY_LEVELS[1:]:
        _sum_into_build(
            cursor,
            f"{level}, NULL, cell_y / 2, cell_x / 2, detailed, {WHAT}, status",
            "level = %s",
            f"cell_y / 2, cell_x / 2, detailed, {WHAT}, status",
            [level + 1],
        )
    for level in CELL_LEVELS[1:]:
        _sum_into_build(
            cursor,
            f"{level}, month, cell_y / 2, cell_x / 2, detailed, {WHAT}, status",
            "level = %s AND month IS NOT NULL",
            f"month, cell_y / 2, cell_x / 2, detailed, {WHAT}, status",
            [level + 1],
        )
    _sum_into_build(
        cursor,
        f"level, NULL, cell_y, cell_x, detailed, {WHAT}, status",
        "month IS NOT NULL",
        f"level, cell_y, cell_x, detailed, {WHAT}, status",
        [],
    )
    _sum_into_build(
        cursor,
        "level, month, cell_y, cell_x, %s, NULL, NULL, NULL, status",
        "detailed = %s",
        "level, month, cell_y, cell_x, status",
        [0, 1],
    )


def _copy_build(cursor: Any, generation: int) -> int:
    """Copy the build into the shared table in short transactions (on SQLite each one
    holds the single writer's lock)."""
    cursor.execute(f"SELECT COALESCE(MAX(n), 0) FROM {BUILD_TABLE}")  # noqa: S608
    (last,) = cursor.fetchone()
    table = MapTally._meta.db_table
    copied = 0
    for start in range(0, last, COPY_CHUNK):
        with transaction.atomic():
            cursor.execute(
                f"INSERT INTO {table} (generation, {COLUMNS}) SELECT %s, {COLUMNS}"  # noqa: S608
                f" FROM {BUILD_TABLE} WHERE n > %s AND n <= %s AND level <= %s"
                " AND (month IS NULL OR level <= %s)",
                [generation, start, start + COPY_CHUNK, CELL_LEVELS[0], LAST_MONTH_LEVEL],
            )
            copied += max(cursor.rowcount, 0)
    return copied


def _delete_generations_but(generation: int) -> None:
    while True:
        with transaction.atomic():
            old = list(
                MapTally.objects.exclude(generation=generation).values_list("pk", flat=True)[
                    :COPY_CHUNK
                ]
            )
            if not old:
                return
            MapTally.objects.filter(pk__in=old).delete()


@dataclass(frozen=True)
class Build:
    generation: int
    last_id: int
    rows: int


def rebuild(grid: Any = None) -> Build:
    """Count every published complaint afresh into a new generation and make it current.
    `grid(cursor)`, if given, runs while the temporary table still holds the build."""
    last_id = publication.published().model.objects.aggregate(last=Max("id"))["last"] or 0
    generation = (MapTally.objects.aggregate(last=Max("generation"))["last"] or 0) + 1
    with connection.cursor() as cursor:
        _create_build_table(cursor)
        try:
            _count_complaints(cursor, last_id)
            _derive_levels(cursor)
            if grid is not None:
                grid(cursor)
            rows = _copy_build(cursor, generation)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {BUILD_TABLE}")
    Summary.objects.update_or_create(
        key=KEY,
        defaults={
            "data": {"generation": generation, "last_id": last_id},
            "computed_at": timezone.now(),
        },
    )
    _delete_generations_but(generation)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # statistics for the new generation's rows
            cursor.execute(f"ANALYZE {MapTally._meta.db_table}")
    return Build(generation, last_id, rows)


def build_cells(cursor: Any, level: int) -> list[tuple[int, int, int, int, float, float, int]]:
    """(cell_y, cell_x, count, open, sum_lat, sum_lon, supporters) of every cell at this
    level, all time, from the build table: the unfiltered grid."""
    open_list = ", ".join("%s" for _ in OPEN_STATUSES)
    cursor.execute(
        f"SELECT cell_y, cell_x, SUM(count), SUM(CASE WHEN status IN ({open_list})"  # noqa: S608
        " THEN count ELSE 0 END), SUM(sum_lat), SUM(sum_lon), SUM(supporters)"
        f" FROM {BUILD_TABLE} WHERE level = %s AND month IS NULL AND detailed = %s"
        " GROUP BY cell_y, cell_x ORDER BY cell_y, cell_x",
        [*sorted(str(s) for s in OPEN_STATUSES), level, 0],
    )
    return list(cursor.fetchall())


def build_village_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        f"SELECT region_id, SUM(count) FROM {BUILD_TABLE} WHERE level = %s AND month IS NULL"  # noqa: S608
        " AND detailed = %s AND region_id IS NOT NULL GROUP BY region_id",
        [REGION_LEVEL, 1],
    )
    return {str(region): int(count) for region, count in cursor.fetchall()}


# -- the reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    generation: int
    last_id: int


def current() -> Current | None:
    """The build the views read, or None before the worker's first (then they count live)."""
    summary = Summary.objects.filter(key=KEY).only("data").first()
    if summary is None:
        return None
    return Current(summary.data["generation"], summary.data["last_id"])


@dataclass(frozen=True)
class Plan:
    """How a filter's complaints are counted: `rows` selects the worker's rows (None: none
    of them), `live` the filters counted now (partial months, complaints since the build)."""

    rows: Q | None
    live: list[tuple[MapFilter, int]]  # (filter, count only ids above this; 0 for all)
    detailed: bool


def plan(
    flt: MapFilter, ids: dict[str, Any], built: Current, level: int, *, detailed: bool
) -> Plan:
    """`ids`: the filter's category, agency and kelurahan ids (a list for a kecamatan);
    `detailed`: read the rows with them (needed for those filters and per kelurahan)."""
    rows = Q(generation=built.generation, level=level, detailed=int(detailed))
    for column, value in ids.items():
        rows &= Q(**{f"{column}__in" if isinstance(value, list) else column: value})
    if flt.status:
        rows &= Q(status=flt.status)
    if not (flt.dari or flt.sampai):
        return Plan(rows & Q(month__isnull=True), [(flt, built.last_id)], detailed)
    first = month_number(flt.dari) + (flt.dari.day != 1) if flt.dari else None
    last = month_number(flt.sampai) if flt.sampai else None
    if flt.sampai and flt.sampai != _month_end(month_number(flt.sampai)):
        last = month_number(flt.sampai) - 1
    if first is not None and last is not None and first > last:
        return Plan(None, [(flt, 0)], detailed)  # within one month: all of it live
    live: list[tuple[MapFilter, int]] = []
    if first is not None and flt.dari and flt.dari.day != 1:
        live.append((replace(flt, sampai=_month_start(first) - dt.timedelta(days=1)), 0))
        rows &= Q(month__gte=first)
    elif first is not None:
        rows &= Q(month__gte=first)
    else:
        rows &= Q(month__isnull=False)
    if last is not None:
        rows &= Q(month__lte=last)
        if flt.sampai and flt.sampai != _month_end(last):
            live.append((replace(flt, dari=_month_end(last) + dt.timedelta(days=1)), 0))
    months = replace(
        flt,
        dari=_month_start(first) if first is not None else None,
        sampai=_month_end(last) if last is not None else None,
    )
    live.append((months, built.last_id))
    return Plan(rows, live, detailed)


def level_for(zoom: int, flt: MapFilter) -> int:
    """The level of the worker's cells a filtered view at this zoom reads."""
    finest = LAST_MONTH_LEVEL if (flt.dari or flt.sampai) else CELL_LEVELS[0]
    return min(max(zoom, CELL_LEVELS[-1]), finest)


def cell_rows(rows: Q, view: Viewport, level: int) -> Iterable[Mapping[str, Any]]:
    """The rows' sums per cell, for the cells the viewport touches."""
    cell = cell_degrees(level)
    in_view = Q(
        cell_y__gte=int((view.south + 90.0) // cell),
        cell_y__lte=int((view.north + 90.0) // cell),
        cell_x__gte=int((view.west + 180.0) // cell),
        cell_x__lte=int((view.east + 180.0) // cell),
    )
    return (
        MapTally.objects.filter(rows & in_view)
        .values("cell_y", "cell_x")
        .annotate(**_sums())
        .order_by()
    )


def _sums() -> dict[str, Any]:
    return {
        "n": Sum("count"),
        "n_open": Sum(
            Case(When(status__in=list(OPEN_STATUSES), then=F("count")), default=0),
            output_field=IntegerField(),
        ),
        "lat_sum": Sum("sum_lat"),
        "lon_sum": Sum("sum_lon"),
        "support": Sum("supporters"),
    }


def region_counts(rows: Q) -> Iterable[tuple[int, int]]:
    return (
        MapTally.objects.filter(rows & Q(region_id__isnull=False))
        .values_list("region_id")
        .annotate(n=Sum("count"))
        .order_by()
    )


def total(rows: Q) -> int:
    return int(MapTally.objects.filter(rows).aggregate(n=Sum("count"))["n"] or 0)

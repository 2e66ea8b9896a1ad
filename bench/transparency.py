"""The public map and the dashboard at a million complaints.

    .venv/bin/python bench/transparency.py generate --count 1000000   # make bench-data
    .venv/bin/python bench/transparency.py measure                    # make bench-dashboards

Both work on their own database, never the development one: a SQLite file in
/tmp/balaikota-bench (or --var-dir), or the PostgreSQL database named by --database-url
(127.0.0.1 only). `generate` migrates it, loads the city (kelurahan, agencies, categories,
routing rules) and bulk-inserts complaints spread over the kelurahan in proportion to their
area, over three years, at every stage of their life, with deadlines, ratings and
supporters. They have no events or audit entries (so `audit-verify` fails there, as it
should: nothing recorded them). `measure` times, in-process, the map's cluster and point
queries, the density and the list under every filter the map offers, counted live and then
from the worker's counts (`dashboards/tally.py`), the worker's build of those counts, and the
pages; with --dashboard also the dashboard's figures and page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
BATCH = 10_000
DAYS = 3 * 365


def setup(args: argparse.Namespace) -> None:
    """Point Django at the benchmark's own database before anything imports the settings."""
    os.environ["VAR_DIR"] = str(args.var_dir)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOW_INSECURE_HTTP", "true")  # loopback, no TLS
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.database_url:
        host = urlsplit(args.database_url).hostname or ""
        if host not in LOCAL_HOSTS:
            sys.exit(f"the benchmark only talks to 127.0.0.1, not to {host!r}")
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "balaikota.settings"
    import django

    django.setup()


def _points_per_village(rng: np.random.Generator, per_village: int) -> dict[int, np.ndarray]:
    """A pool of random points inside each kelurahan polygon (vectorised rejection)."""
    import shapely

    from balaikota.regions.lookup import parse_geometry
    from balaikota.regions.models import Level, Region

    pools: dict[int, np.ndarray] = {}
    for region in Region.objects.filter(level=Level.VILLAGE, geometry__isnull=False):
        geometry = parse_geometry(region.geometry)
        minx, miny, maxx, maxy = geometry.bounds
        found = np.empty((0, 2))
        while len(found) < per_village:
            lons = rng.uniform(minx, maxx, per_village * 3)
            lats = rng.uniform(miny, maxy, per_village * 3)
            inside = shapely.contains_xy(geometry, lons, lats)
            found = np.vstack([found, np.column_stack([lats[inside], lons[inside]])])
        pools[region.pk] = found[:per_village]
    return pools


def generate(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from balaikota.complaints.models import Category, Channel, Complaint, RoutingRule
    from balaikota.core.workdays import add_working_days
    from balaikota.demo import loader
    from balaikota.regions.models import Level, Region

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    loader.load_regions(BOUNDARIES if BOUNDARIES.exists() else None)
    loader.load_agencies()
    loader.load_categories()
    if Complaint.objects.exists():
        if not args.replace:
            sys.exit("the benchmark database already holds complaints (use --replace)")
        Complaint.objects.all().delete()
    rng = np.random.default_rng(args.seed)
    villages = list(
        Region.objects.filter(level=Level.VILLAGE).values("pk", "parent_id", "area_km2")
    )
    weights = np.array([v["area_km2"] or 1.0 for v in villages])
    weights /= weights.sum()
    pools = _points_per_village(rng, 4000)
    categories = list(Category.objects.values_list("pk", flat=True))
    citywide = dict(
        RoutingRule.objects.filter(region__isnull=True).values_list("category_id", "agency_id")
    )
    by_district = {
        (rule.category_id, rule.region_id): rule.agency_id
        for rule in RoutingRule.objects.filter(region__isnull=False)
    }
    channels = list(Channel.values)
    now = timezone.now()
    # Workday arithmetic per distinct day is cached: a million calls would take minutes.
    due_cache: dict[tuple[dt.date, int], dt.datetime] = {}

    def due(moment: dt.datetime, days: int) -> dt.datetime:
        key = (moment.date(), days)
        if key not in due_cache:
            due_cache[key] = add_working_days(moment, days)
        return due_cache[key]

    statuses = [
        "closed",
        "resolved",
        "in_progress",
        "assigned",
        "submitted",
        "rejected",
        "duplicate",
    ]
    status_weights = [0.62, 0.06, 0.12, 0.1, 0.04, 0.04, 0.02]
    made = 0
    while made < args.count:
        size = min(BATCH, args.count - made)
        village_index = rng.choice(len(villages), size=size, p=weights)
        ages = rng.uniform(0, DAYS, size)
        status_draw = rng.choice(len(statuses), size=size, p=status_weights)
        rows = []
        for i in range(size):
            village = villages[village_index[i]]
            lat, lon = pools[village["pk"]][rng.integers(0, 4000)]
            created = now - dt.timedelta(days=float(ages[i]))
            status = statuses[status_draw[i]]
            category = categories[rng.integers(0, len(categories))]
            agency = citywide.get(category) or by_district.get((category, village["parent_id"]))
            row = Complaint(
                ticket=f"BEN-{made + i:08X}",
                text="Keluhan untuk uji beban peta dan dasbor.",
                category_id=category,
                agency_id=agency if status not in {"submitted", "rejected"} else None,
                region_id=village["pk"],
                lat=float(lat),
                lon=float(lon),
                location_source="device",
                status=status,
                channel=channels[rng.integers(0, len(channels))],
                created_at=created,
                supporters=int(rng.poisson(0.6)),
            )
            if row.agency_id is not None:
                row.assigned_at = created + dt.timedelta(hours=float(rng.uniform(0.01, 30)))
                row.followup_due = due(row.assigned_at, 5)
                row.due_at = row.followup_due
                if status in {"in_progress", "resolved", "closed"}:
                    row.followed_up_at = row.assigned_at + dt.timedelta(days=float(rng.gamma(2, 2)))
                    row.resolve_due = due(row.followed_up_at, 10)
                    row.due_at = row.resolve_due
                if status in {"resolved", "closed"}:
                    row.resolved_at = row.followed_up_at + dt.timedelta(days=float(rng.gamma(2, 4)))
                    row.due_at = None
                if status == "closed":
                    row.closed_at = row.resolved_at + dt.timedelta(days=float(rng.uniform(0, 7)))
                    if rng.random() < 0.6:
                        row.rating = int(rng.choice([5, 4, 3, 2, 1], p=[0.4, 0.3, 0.15, 0.1, 0.05]))
            rows.append(row)
        Complaint.objects.bulk_create(rows, batch_size=2000)
        made += size
        if made % 100_000 == 0 or made == args.count:
            print(f"{made:>9} complaints, {time.perf_counter() - started:6.1f} s", flush=True)
    if connection.vendor == "postgresql":
        # A live table is analysed by autovacuum as it grows; a bulk load outruns it, and
        # without statistics the planner walks the map's index into the heap (2-3 s).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE complaints_complaint")
    print(f"generated {made} complaints in {time.perf_counter() - started:.1f} s")


def _timed(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and worst wall time in milliseconds over `repeat` runs (after one warm-up)."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


CITY = "112.55,-8.06,112.72,-7.90"
KECAMATAN_BOX = "112.62,-7.99,112.65,-7.96"


def _filtered_cases() -> list[tuple[str, Callable[[], Any]]]:
    """Every filter the public map offers, alone and combined, on the clusters, the density
    layer and the list: timed counted live, then from the worker's counts."""
    from balaikota.dashboards import filters, selectors

    def flt(query: str) -> filters.MapFilter:
        return filters.parse(dict(part.split("=") for part in query.split("&") if part))

    def clusters(query: str, bbox: str = CITY, zoom: int = 13) -> Callable[[], Any]:
        return lambda: selectors.map_answer(flt(query), filters.parse_viewport(bbox, str(zoom)))

    today = dt.date.today()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    whole_months = f"dari={_months_before(today, 3).isoformat()}&sampai={last_month.isoformat()}"
    year = f"dari={_days_ago(365)}"
    return [
        ("clusters z13, kategori=sampah", clusters("kategori=sampah")),
        ("clusters z10, kategori=sampah", clusters("kategori=sampah", zoom=10)),
        (
            "clusters z15, a kecamatan's box, kategori=sampah",
            clusters("kategori=sampah", KECAMATAN_BOX, 15),
        ),
        ("clusters z13, status=in_progress", clusters("status=in_progress")),
        ("clusters z13, opd=dlh", clusters("opd=dlh")),
        ("clusters z13, kecamatan=35.73.02", clusters("kecamatan=35.73.02")),
        ("clusters z13, kelurahan=35.73.05.1005", clusters("kelurahan=35.73.05.1005")),
        ("clusters z13, last 90 days", clusters(f"dari={_days_ago(90)}")),
        ("clusters z13, three whole months", clusters(whole_months)),
        (
            "clusters z13, in progress + last 90 days",
            clusters(f"status=in_progress&dari={_days_ago(90)}"),
        ),
        (
            "clusters z13, sampah + closed + last year",
            clusters(f"kategori=sampah&status=closed&{year}"),
        ),
        (
            "clusters z13, opd=dlh + kecamatan + last 90 days",
            clusters(f"opd=dlh&kecamatan=35.73.02&dari={_days_ago(90)}"),
        ),
        (
            "points z17, a street, kategori=sampah (always live)",
            clusters("kategori=sampah", "112.630,-7.975,112.636,-7.970", 17),
        ),
        ("per kelurahan, kategori=sampah", lambda: selectors.densities(flt("kategori=sampah"))),
        (
            "per kelurahan, status=in_progress",
            lambda: selectors.densities(flt("status=in_progress")),
        ),
        ("per kelurahan, last 90 days", lambda: selectors.densities(flt(f"dari={_days_ago(90)}"))),
        ("list page 1 with its count, unfiltered", lambda: _list_page("")),
        ("list page 1 with its count, kategori=sampah", lambda: _list_page("kategori=sampah")),
        ("list page 1 with its count, status=submitted", lambda: _list_page("status=submitted")),
        (
            "list page 1 with its count, kecamatan + last 90 days",
            lambda: _list_page(f"kecamatan=35.73.02&dari={_days_ago(90)}"),
        ),
        ("list page 40 with its count, kategori=sampah", lambda: _list_page("kategori=sampah", 40)),
    ]


def _table(title: str, cases: list[tuple[str, Callable[[], Any]]], repeat: int) -> dict[str, float]:
    print(f"\n| {title} | median ms | max ms |\n|---|--:|--:|")
    medians = {}
    for name, run in cases:
        median, worst = _timed(run, repeat)
        medians[name] = median
        print(f"| {name} | {median:.1f} | {worst:.1f} |", flush=True)
    return medians


def measure(args: argparse.Namespace) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from balaikota.complaints.models import Complaint
    from balaikota.dashboards import filters, selectors, summaries
    from balaikota.dashboards.models import MapTally, Summary

    _plain_static_files()
    # The first tables count live: without the worker's grid and counts.
    Summary.objects.filter(key__startswith="map:").delete()
    total = Complaint.objects.count()
    print(f"database: {connection.vendor}, {total} complaints, load {_load()}")

    def clusters(bbox: str, zoom: int) -> Callable[[], Any]:
        return lambda: selectors.map_answer(
            filters.MapFilter(), filters.parse_viewport(bbox, str(zoom))
        )

    _table(
        "unfiltered, counted live",
        [
            ("clusters, whole city, zoom 12", clusters(CITY, 12)),
            ("clusters, one kecamatan's box, zoom 15", clusters(KECAMATAN_BOX, 15)),
            ("points, a street, zoom 17", clusters("112.630,-7.975,112.636,-7.970", 17)),
            ("density per kelurahan", lambda: selectors.densities(filters.MapFilter())),
        ],
        args.repeat,
    )
    cases = _filtered_cases()
    live = _table("filtered, counted live (before the worker's counts)", cases, args.repeat)

    start = time.perf_counter()
    build = summaries.refresh_map()
    grid_ms = (time.perf_counter() - start) * 1000
    print(
        f"\nworker: map counts, grid and kelurahan counts {grid_ms:.0f} ms"
        f" ({build.rows} rows, {MapTally.objects.count()} kept); load {_load()}"
    )
    counted = _table("filtered, from the worker's counts", cases, args.repeat)
    print("\n| filtered view | live ÷ counted |\n|---|--:|")
    for name, median in counted.items():
        print(f"| {name} | {live[name] / median:.1f} |")

    client = Client()

    def uncached(url: str) -> Callable[[], Any]:
        return lambda: (cache.clear(), client.get(url))

    pages: list[tuple[str, Callable[[], Any]]] = []
    if args.dashboard:
        start = time.perf_counter()
        summaries.refresh()
        print(f"worker: dashboard figures {(time.perf_counter() - start) * 1000:.0f} ms")
        size = len(client.get("/dasbor").content)
        pages.append((f"GET /dasbor ({size} bytes)", lambda: client.get("/dasbor")))
    for url in [
        f"/peta/data?bbox={CITY}&zoom=13",
        f"/peta/data?bbox={CITY}&zoom=13&kategori=sampah",
        f"/peta/data?bbox={CITY}&zoom=13&status=in_progress&dari={_days_ago(90)}",
        f"/peta/data?bbox={KECAMATAN_BOX}&zoom=15&kategori=sampah",
        "/peta/wilayah",
        "/peta/wilayah?kategori=sampah",
        "/peta/daftar",
        "/peta/daftar?kategori=sampah",
        f"/peta/daftar?kecamatan=35.73.02&dari={_days_ago(90)}",
    ]:
        pages.append((f"GET {url}, cache cleared", uncached(url)))
    _table("pages, through Django's test client", pages, args.repeat)
    print(f"\nload {_load()}")


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _months_before(day: dt.date, months: int) -> dt.date:
    number = day.year * 12 + day.month - 1 - months
    return dt.date(number // 12, number % 12 + 1, 1)


def _plain_static_files() -> None:
    """Pages name their static files without the manifest that `collectstatic` writes:
    the benchmark measures the view, not the static files."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.utils.functional import empty

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    staticfiles_storage._wrapped = empty


def _days_ago(days: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days)).isoformat()


def _list_page(query: str, number: int = 1) -> Any:
    from balaikota.dashboards import filters, selectors

    flt = filters.parse(dict(part.split("=") for part in query.split("&") if part))
    page = selectors.list_page(flt, number, 25)
    return page.paginator.count, list(page)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "measure"])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--replace", action="store_true", help="delete complaints already there")
    parser.add_argument(
        "--dashboard", action="store_true", help="also the dashboard's figures (a minute or more)"
    )
    parser.add_argument(
        "--var-dir", type=Path, default=Path(tempfile.gettempdir()) / "balaikota-bench"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args(argv)
    setup(args)
    if args.command == "generate":
        generate(args)
    else:
        measure(args)


if __name__ == "__main__":
    main()

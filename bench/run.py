"""Balaikota benchmarks: `make bench` (or `.venv/bin/python bench/run.py --help`).

1. Intake: POST /api/v1/complaints (text only, and with a 3000x2000 JPEG carrying GPS EXIF)
   at each concurrency, against `balaikota serve` with production settings (DEBUG off) in
   a temporary VAR_DIR; then checks that every acknowledged complaint is stored and that
   the worker re-encodes the photos afterwards.
2. Lookup: points per second of RegionIndex over the real kelurahan polygons.
3. Photo: a 12-megapixel JPEG's check at intake (ms) and the worker's re-encode (CPU ms).
4. Reads: /healthz, services.json, requests.json/.xml (100 rows) and the /api/v1 agency list,
   each as a ratio to /healthz in the same run, and the first requests after a start.

Only 127.0.0.1 is contacted; every phase is bounded in requests and time; the server is
stopped (its whole process group) at the end, also on Ctrl+C or on the overall time limit.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import cpu
from intake import WARMUP_REQUESTS, Plan, run_scenarios, verify
from lookup_bench import run_lookup
from machine import describe
from photo_bench import run_photo
from reads import run_reads
from report import render
from samples import base_photo, boundaries_or_approximate, inside_points, load_areas
from server import (
    AppServer,
    check_local_database,
    create_api_key,
    load_demo,
    new_server,
    start,
    stop,
)

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"
RESULTS = ROOT / "bench" / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help="postgres://postgres@127.0.0.1:5432/bench (default: SQLite)",
    )
    parser.add_argument(
        "--requests", type=int, default=400, help="text-only requests per concurrency level"
    )
    parser.add_argument(
        "--photo-requests",
        type=int,
        default=200,
        help="requests with a photo per concurrency level",
    )
    parser.add_argument(
        "--concurrency", default="1,8,32", help="comma-separated levels (1: service time)"
    )
    parser.add_argument(
        "--scenario-seconds",
        type=float,
        default=60.0,
        help="stop a scenario after this long even if requests remain",
    )
    parser.add_argument(
        "--photo-wait",
        type=float,
        default=180.0,
        help="seconds to wait for the worker to finish the photos",
    )
    parser.add_argument("--lookup-points", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument(
        "--recreate-database",
        action="store_true",
        help="drop and create the --database-url database first (a fresh schema)",
    )
    parser.add_argument(
        "--endpoint",
        choices=["api", "open311"],
        default="api",
        help="intake through /api/v1 (text and photo) or Open311 POST requests.json (text)",
    )
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-lookup", action="store_true")
    parser.add_argument("--skip-photo", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument(
        "--reads-seconds", type=float, default=10.0, help="seconds per read endpoint"
    )
    parser.add_argument("--reads-concurrency", type=int, default=8)
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES)
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON results (default bench/results/<database>.json)",
    )
    parser.add_argument("--keep-var", action="store_true", help="keep the temporary VAR_DIR")
    parser.add_argument(
        "--time-limit",
        type=int,
        default=600,
        help="abort everything (and stop the server) after this many seconds",
    )
    return parser.parse_args(argv)


def _abort(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"benchmark stopped by signal {signal.Signals(signum).name}")


def _pg_command(program: str, database_url: str) -> list[str]:
    parts = urlsplit(database_url)
    return [
        program,
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        parts.path.lstrip("/"),
    ]


def recreate_postgres_database(database_url: str) -> None:
    """Drop and create the benchmark database, so that it starts from a fresh schema."""
    name = urlsplit(database_url).path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to recreate the database {name!r}")
    check_local_database(database_url)
    drop = _pg_command("dropdb", database_url)
    subprocess.run([*drop[:-1], "--if-exists", drop[-1]], check=True, timeout=60)
    subprocess.run(_pg_command("createdb", database_url), check=True, timeout=60)


def ensure_postgres_database(database_url: str) -> None:
    """Create the benchmark database with `createdb` if it does not exist yet."""
    import psycopg

    check_local_database(database_url)
    try:
        psycopg.connect(database_url, connect_timeout=10).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    subprocess.run(_pg_command("createdb", database_url), check=True, timeout=60)


def plan_from(args: argparse.Namespace) -> Plan:
    levels = tuple(int(level) for level in args.concurrency.split(",") if level.strip())
    return Plan(
        levels,
        args.requests,
        args.photo_requests,
        args.scenario_seconds,
        args.photo_wait,
        endpoint=args.endpoint,
    )


def intake_benchmark(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    plan = plan_from(args)
    needed = WARMUP_REQUESTS + len(plan.concurrencies) * (plan.text_requests + plan.photo_requests)
    areas = load_areas(boundaries_or_approximate(args.boundaries, var_dir))
    points = inside_points(areas, needed, args.seed)
    photo = base_photo(args.seed)
    server: AppServer = new_server(ROOT, var_dir, args.database_url)
    print(
        f"intake: demo data, then the server on 127.0.0.1:{server.port} (log "
        f"{server.log_path}); photo {len(photo) / 1e6:.2f} MB",
        flush=True,
    )
    # A missing file: the demo lays out the same approximate areas, marked as approximate.
    load_demo(server, args.boundaries)
    if plan.endpoint == "open311":
        plan = dataclasses.replace(plan, api_key=create_api_key(server))
    try:
        start(server)
        results, warmup_tickets = run_scenarios(server, plan, points, photo)
        print("  checking storage and waiting for the photo worker ...", flush=True)
        check = verify(server, args.database_url, results, warmup_tickets, plan.photo_wait_seconds)
    finally:
        stop(server)
    return {
        "database": "postgresql" if args.database_url else "sqlite",
        "launcher": server.launcher,
        "serve_error": server.serve_error,
        "photo_bytes": len(photo),
        "scenarios": [result.summary() for result in results],
        "verification": check,
    }


def code_version() -> str:
    """The commit measured, and whether src/ had uncommitted changes at the time."""

    def git(*words: str) -> str:
        done = subprocess.run(["git", *words], cwd=ROOT, capture_output=True, text=True, timeout=30)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = len(git("status", "--porcelain", "--", "src").splitlines())
    return f"{commit} (+{changed} uncommitted files in src)" if changed else commit


def output_path(args: argparse.Namespace) -> Path:
    if args.output:
        return Path(args.output)
    if args.skip_intake and args.skip_reads:
        return RESULTS / "lookup.json"
    database = "postgresql" if args.database_url else "sqlite"
    if args.skip_intake:  # reads alone: the intake results stay
        return RESULTS / f"reads-{database}.json"
    suffix = "-open311" if args.endpoint == "open311" else ""
    return RESULTS / f"{database}{suffix}.json"


def run(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    if args.database_url and args.recreate_database:
        recreate_postgres_database(args.database_url)
    elif args.database_url:
        ensure_postgres_database(args.database_url)
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "code": code_version(),
        "machine": describe(var_dir, args.database_url),
    }
    if not args.skip_lookup:
        print(f"lookup: {args.lookup_points} points ...", flush=True)
        before = cpu.snapshot(None)
        boundaries = boundaries_or_approximate(args.boundaries, var_dir)
        results["lookup"] = run_lookup(boundaries, args.lookup_points, args.seed)
        results["lookup"]["approximate_boundaries"] = not args.boundaries.exists()
        results["lookup"]["cpu"] = cpu.shares(before, cpu.snapshot(None))
    if not args.skip_photo:
        print("photo: a 12-megapixel JPEG at intake and in the worker ...", flush=True)
        results["photo"] = run_photo()
    if not args.skip_intake:
        results["intake"] = intake_benchmark(args, var_dir)
    if not args.skip_reads:
        results["reads"] = run_reads(
            ROOT,
            var_dir / "reads",
            args.database_url,
            args.boundaries,
            concurrency=args.reads_concurrency,
            seconds=args.reads_seconds,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _abort)
    signal.signal(signal.SIGALRM, _abort)
    signal.alarm(args.time_limit)
    var_dir = Path(tempfile.mkdtemp(prefix="balaikota-bench-"))
    started = time.monotonic()
    try:
        results = run(args, var_dir)
    finally:
        signal.alarm(0)
        if args.keep_var:
            print(f"VAR_DIR kept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    output = output_path(args)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(render(results))
    print(f"results: {output} ({results['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Open311 POST over HTTP, two or more builds of the server alternating in one run: for each
variant, `balaikota serve` (production settings, the demo data copied from one template
VAR_DIR, SQLite) with /healthz as the yardstick before and after, then wrk POST requests.json
at each concurrency. Prints req/s, p50/p99, timeouts, ÷ /healthz, and the web and worker CPU
per acknowledged POST (from /proc); then checks every acknowledged POST is stored.

    .venv/bin/python bench/intake_ab.py --var-template DIR --api-key KEY \
        --variant before:/tmp/before/src --variant after: [--rounds 2] [--seconds 15]

A variant is NAME:PYTHONPATH[:KEY=VALUE,...] (an empty PYTHONPATH: this worktree's code), e.g.
`threads2::WEB_THREADS=2`. DIR and KEY as for bench/intake_cpu.py, with the demo's photos
already processed in DIR (run `balaikota worker --queue photos` on it once), so that no
run measures the worker's start-up re-encodes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cpu
import wrkrun
from intake import log_problems
from samples import inside_points, load_areas
from server import new_server, server_log, start, stop
from storecheck import open_store, stored_tickets

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"


def parse_variant(text: str) -> tuple[str, str, dict[str, str]]:
    name, _, rest = text.partition(":")
    path, _, extra = rest.partition(":")
    env = dict(pair.split("=", 1) for pair in extra.split(",") if pair)
    return name, path, env


def one(
    args: argparse.Namespace, variant: str, number: int, points: Path, out: dict[str, Any]
) -> None:
    name, pythonpath, extra = parse_variant(variant)
    var = Path(tempfile.mkdtemp(prefix=f"ab-{name}-"))
    shutil.rmtree(var)
    shutil.copytree(args.var_template, var)
    server = new_server(ROOT, var, None)
    server.env.update(extra)
    if pythonpath:
        server.env["PYTHONPATH"] = pythonpath
    ids = var / "ids"
    ids.mkdir()
    row: dict[str, Any] = {"variant": name, "round": number, "load_start": os.getloadavg()}
    try:
        start(server)
        time.sleep(args.settle)

        def healthz() -> float:
            run = wrkrun.run(
                wrkrun.Load(url=server.base_url + "/healthz", connections=8, seconds=4),
                use_wrk=True,
            )
            return run.rate

        def post(connections: int, seconds: float, tag: str) -> wrkrun.Run:
            load = wrkrun.Load(
                url=server.base_url + "/open311/v2/requests.json",
                connections=connections,
                seconds=seconds,
                post=True,
                api_key=args.api_key,
                service_code="jalan-rusak",
                points_file=points,
                ids_prefix=ids / tag,
            )
            return wrkrun.run(load, use_wrk=True)

        post(8, 3, "warm")
        time.sleep(2)
        yard = [healthz()]
        for connections in args.connections:
            before = cpu.snapshot(server.pgid)
            run = post(connections, args.seconds, f"c{connections}")
            time.sleep(args.drain)  # the worker's share of this load: chaining, deliveries
            after = cpu.snapshot(server.pgid)
            acked = max(run.acknowledged, 1)
            row[f"c{connections}"] = {
                "rate": round(run.rate, 1),
                "p50_ms": round(run.p50_ms, 1),
                "p99_ms": round(run.p99_ms, 1),
                "timeouts": run.timeouts,
                "non_2xx": run.non_2xx,
                "acknowledged": run.acknowledged,
                "web_cpu_ms": round(1000 * (after.web - before.web) / acked, 2),
                "worker_cpu_ms": round(1000 * (after.worker - before.worker) / acked, 2),
            }
        yard.append(healthz())
        row["healthz"] = round(sum(yard) / len(yard), 1)
        for connections in args.connections:
            row[f"c{connections}"]["ratio_to_healthz"] = round(
                row[f"c{connections}"]["rate"] / row["healthz"], 4
            )
    finally:
        stop(server)
        row["load_end"] = os.getloadavg()
    tickets = [
        line.strip()
        for path in sorted(ids.glob("*.txt"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    with open_store(server.var_dir, None) as store:
        stored = stored_tickets(store, tickets)
    row["acknowledged"] = len(tickets)
    row["stored"] = len(stored)
    row["log"] = log_problems(server_log(server))
    out.setdefault("runs", []).append(row)
    print(json.dumps(row), flush=True)
    shutil.rmtree(var, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-template", type=Path, required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--variant", action="append", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--connections", type=lambda s: [int(x) for x in s.split(",")], default=[8, 64]
    )
    parser.add_argument("--settle", type=float, default=5)
    parser.add_argument("--drain", type=float, default=3)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    # Stopping this run stops the server under test too (`one`'s finally).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(f"stopped by signal {signum}"))
    points = Path(tempfile.mkdtemp(prefix="ab-points-")) / "points.txt"
    pairs = inside_points(load_areas(BOUNDARIES), 40_000, 11)
    points.write_text("".join(f"{lat:.6f} {lon:.6f}\n" for lat, lon in pairs))
    out: dict[str, Any] = {"variants": args.variant}
    for number in range(1, args.rounds + 1):
        order = args.variant if number % 2 else args.variant[::-1]
        for variant in order:
            one(args, variant, number, points, out)
    if args.output:
        args.output.write_text(json.dumps(out, indent=1))
    lost = [r for r in out["runs"] if r["stored"] != r["acknowledged"]]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())

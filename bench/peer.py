"""Balaikota side by side with another GeoReport v2 server (the peer), in one run.

    .venv/bin/python bench/peer.py --peer-url http://127.0.0.1:PORT/api/georeport/v2/ \
        --peer-api-key KEY [--database-url postgres://postgres@127.0.0.1:5432/NAME]

The peer runs on its own (the bench never builds or starts it); Balaikota is started here as
bench/server.py does (`balaikota serve`, production settings, demo data). Each endpoint is
measured on both servers in turn, round after round (A B, then B A), with `wrk` (or our
Python load generator when wrk is missing), so that both see the same machine load:

- GET services.json; GET requests.json with 100 rows;
- POST requests.json (form-encoded, api_key, a distinct random point inside the city per
  request) at 8 and at 64 connections;
- each server's yardstick: Balaikota's /healthz (one `SELECT 1`), the peer's services.json.

It prints req/s, p50, p99, timeouts, socket errors and non-2xx answers per endpoint, the
ratio Balaikota ÷ peer, and each rate ÷ the same server's yardstick. Afterwards it checks
that every POST either server acknowledged is stored: Balaikota's in its database, the
peer's by asking the peer for them (`service_request_id=...`). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode, urlsplit

import wrkrun
from intake import log_problems
from machine import describe
from reads import create_key
from run import code_version, ensure_postgres_database
from samples import boundaries_or_approximate, complaint_text, inside_points, load_areas
from server import (
    LOCAL_HOSTS,
    AppServer,
    check_local_database,
    load_demo,
    new_server,
    server_log,
    start,
    stop,
)
from storecheck import open_store, queue_backlog, stored_tickets

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"
RESULTS = ROOT / "bench" / "results"
ROWS = 100
HTTP_TIMEOUT = 60
QUIET_TIMEOUT = 600.0


class PeerError(RuntimeError):
    pass


@dataclass
class Target:
    """One server: its Open311 root, what its GETs carry, its yardstick."""

    name: str
    root: str  # ends with "/"
    api_key: str
    read_query: dict[str, str]  # added to every GET (Balaikota limits anonymous reads)
    yardstick_url: str | None  # None: services.json is the yardstick
    ids_dir: Path
    runs: dict[str, list[wrkrun.Run]] = field(default_factory=dict)

    def get_url(self, path: str, **query: str) -> str:
        query = {**query, **self.read_query}
        return self.root + path + (f"?{urlencode(query)}" if query else "")


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    connections: int
    post: bool = False


def endpoints(connections: int, post_connections: list[int]) -> list[Endpoint]:
    rows = [
        Endpoint("yardstick", "yardstick (Balaikota /healthz)", connections),
        Endpoint("services", "GET services.json", connections),
        Endpoint("list", f"GET requests.json ({ROWS} rows)", connections),
    ]
    rows += [
        Endpoint(f"post-c{c}", f"POST requests.json c{c}", c, post=True) for c in post_connections
    ]
    return rows


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--peer-url",
        required=True,
        help="the peer's GeoReport v2 root, e.g. http://127.0.0.1:8000/api/georeport/v2/",
    )
    parser.add_argument("--peer-api-key", default="", help="the api_key the peer's POST needs")
    parser.add_argument(
        "--database-url", default=None, help="Balaikota on PostgreSQL (default: SQLite)"
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help="give Balaikota Redis (queue, cache, rate counters), e.g. redis://127.0.0.1:6379/3",
    )
    parser.add_argument("--service-code", default="jalan-rusak", help="on both servers")
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=2, help="A B, then B A, ...")
    parser.add_argument("--connections", type=int, default=8, help="for the GETs")
    parser.add_argument("--post-connections", default="8,64")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t")
    parser.add_argument("--timeout", type=float, default=2.0, help="wrk --timeout, seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per endpoint")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--keep-var", action="store_true", help="keep the temporary VAR_DIR")
    parser.add_argument("--time-limit", type=int, default=3600)
    return parser.parse_args(argv)


def _abort(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"benchmark stopped by signal {signal.Signals(signum).name}")


def peer_root(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or (parts.hostname or "") not in LOCAL_HOSTS:
        raise PeerError(f"the peer must be an http:// URL on 127.0.0.1, not {url!r}")
    return url if url.endswith("/") else url + "/"


# -- talking to one server outside the measured load ------------------------------------------


def fetch(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def fetch_json(url: str) -> Any:
    status, data = fetch(url)
    if status != 200:
        raise PeerError(f"GET {url} answered {status}: {data[:300]!r}")
    return json.loads(data)


def post_one(target: Target, service_code: str, point: tuple[float, float], index: int) -> str:
    """One POST requests.json; its service_request_id, or PeerError with the answer."""
    body = urlencode(
        {
            "api_key": target.api_key,
            "service_code": service_code,
            "lat": f"{point[0]:.6f}",
            "long": f"{point[1]:.6f}",
            "description": complaint_text(index),
        }
    ).encode()
    status, data = fetch(target.root + "requests.json", body)
    try:
        return str(json.loads(data)[0]["service_request_id"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise PeerError(
            f"{target.name}: POST requests.json answered {status} without a request: "
            f"{data[:300]!r} (a validation error is not a benchmark)"
        ) from None


def _processing_photos(server: AppServer) -> int:
    with open_store(server.var_dir, server.env.get("DATABASE_URL")) as store:
        cursor = store.connection.cursor()
        cursor.execute("SELECT count(*) FROM complaints_photo WHERE state = 'processing'")
        (count,) = cursor.fetchone()
        cursor.close()
    return int(count)


def wait_for_worker(server: AppServer) -> float:
    """Wait until the worker has done what the demo data queued (its photos): measuring
    while it re-encodes them would measure the start-up, not the endpoints."""
    started = time.monotonic()
    while queue_backlog(server.var_dir).get("queued", 0) or _processing_photos(server):
        if time.monotonic() - started > QUIET_TIMEOUT:
            raise PeerError(f"the worker's queue did not drain in {QUIET_TIMEOUT:.0f} s")
        time.sleep(1.0)
    return round(time.monotonic() - started, 1)


def check_services(target: Target, service_code: str) -> int:
    services = fetch_json(target.get_url("services.json"))
    codes = {service.get("service_code") for service in services}
    if service_code not in codes:
        raise PeerError(f"{target.name} has no service {service_code!r}: {sorted(codes)[:20]}")
    return len(services)


def fill_list(target: Target, service_code: str, points: list[tuple[float, float]]) -> int:
    """POST until the list answers ROWS rows (a short list would flatter the server)."""
    url = target.get_url("requests.json", page_size=str(ROWS))
    rows = len(fetch_json(url))
    with (target.ids_dir / f"{target.name}-fill.txt").open("a") as ids:
        for index in range(ROWS - rows + 1):  # at least one: intake must work
            ids.write(post_one(target, service_code, points[index], index) + "\n")
    rows = len(fetch_json(url))
    if rows != ROWS:
        raise PeerError(f"{target.name}: requests.json answers {rows} rows, not {ROWS}")
    return rows


# -- the measured load ------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    service_code: str
    var_dir: Path
    use_wrk: bool
    areas: list[Any]
    load_averages: list[str] = field(default_factory=list)

    def points_file(self, endpoint: Endpoint, number: int) -> Path:
        """Random points inside the city, a new set for each endpoint and round (both
        servers get the same set in one round)."""
        path = self.var_dir / f"points-{endpoint.key}-{number}.txt"
        if not path.exists():
            count = 40_000 if self.use_wrk else 10_000
            seed = self.args.seed + 7919 * number + endpoint.connections
            points = inside_points(self.areas, count, seed)
            path.write_text("".join(f"{lat:.6f} {lon:.6f}\n" for lat, lon in points))
        return path

    def load(self, target: Target, endpoint: Endpoint, seconds: float, number: int) -> wrkrun.Load:
        if endpoint.post:
            return wrkrun.Load(
                url=target.root + "requests.json",
                connections=endpoint.connections,
                seconds=seconds,
                post=True,
                api_key=target.api_key,
                service_code=self.service_code,
                points_file=self.points_file(endpoint, number),
                ids_prefix=target.ids_dir / f"{target.name}-{endpoint.key}-{number}",
            )
        if endpoint.key == "yardstick":
            url = target.yardstick_url or target.get_url("services.json")
        elif endpoint.key == "services":
            url = target.get_url("services.json")
        else:
            url = target.get_url("requests.json", page_size=str(ROWS))
        return wrkrun.Load(url=url, connections=endpoint.connections, seconds=seconds)

    def measure(
        self, target: Target, endpoint: Endpoint, seconds: float, number: int
    ) -> wrkrun.Run:
        load = self.load(target, endpoint, seconds, number)
        return wrkrun.run(
            load, use_wrk=self.use_wrk, threads=self.args.threads, timeout=self.args.timeout
        )


def skip(target: Target, endpoint: Endpoint) -> bool:
    """The peer's yardstick is its services.json, measured as such."""
    return endpoint.key == "yardstick" and target.yardstick_url is None


def warm_up(bench: Bench, targets: list[Target], rows: list[Endpoint]) -> None:
    for endpoint in rows:
        for target in targets:
            if not skip(target, endpoint):
                bench.measure(target, endpoint, bench.args.warmup, number=0)


def one_round(bench: Bench, targets: list[Target], rows: list[Endpoint], number: int) -> None:
    order = targets if number % 2 else targets[::-1]
    for endpoint in rows:
        for target in order:
            if skip(target, endpoint):
                continue
            run = bench.measure(target, endpoint, bench.args.seconds, number)
            target.runs.setdefault(endpoint.key, []).append(run)
            print(
                f"  round {number} {target.name:9} {endpoint.label:32} {run.rate:8.1f} req/s "
                f"p50 {run.p50_ms:7.1f} ms p99 {run.p99_ms:7.1f} ms timeouts {run.timeouts} "
                f"errors {run.socket_errors} non-2xx {run.non_2xx}",
                flush=True,
            )
    bench.load_averages.append(" ".join(f"{v:.2f}" for v in os.getloadavg()))


# -- what the runs add up to ------------------------------------------------------------------


def combined(runs: list[wrkrun.Run]) -> dict[str, Any]:
    """All rounds of one endpoint on one server: total requests over total time, the median
    of the rounds' p50, the worst of their p99."""
    seconds = sum(run.seconds for run in runs)
    requests = sum(run.requests for run in runs)
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rate": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(statistics.median(run.p50_ms for run in runs), 1),
        "p99_ms": round(max(run.p99_ms for run in runs), 1),
        "timeouts": sum(run.timeouts for run in runs),
        # wrk leaves answers slower than its timeout out of the latencies: with 1 % of them
        # late, the p99 it reports is not the p99.
        "p99_beyond_timeout": sum(run.timeouts for run in runs) * 100 >= requests > 0,
        "socket_errors": sum(run.socket_errors for run in runs),
        "non_2xx": sum(run.non_2xx for run in runs),
        "acknowledged": sum(run.acknowledged for run in runs),
        "other_codes": sorted({code for run in runs for code in run.other_codes}),
        "rounds": [round(run.rate, 1) for run in runs],
    }


def summarise(targets: list[Target], rows: list[Endpoint]) -> list[dict[str, Any]]:
    table = []
    totals = {t.name: {k: combined(runs) for k, runs in t.runs.items()} for t in targets}
    for target in targets:
        key = "yardstick" if target.yardstick_url else "services"
        totals[target.name]["yardstick"] = totals[target.name][key]
    for endpoint in rows:
        entry: dict[str, Any] = {"endpoint": endpoint.label, "connections": endpoint.connections}
        for target in targets:
            if endpoint.key == "yardstick" and not target.yardstick_url:
                continue
            figures = dict(totals[target.name][endpoint.key])
            yardstick = totals[target.name]["yardstick"]["rate"]
            figures["to_yardstick"] = round(figures["rate"] / yardstick, 3) if yardstick else 0.0
            entry[target.name] = figures
        if "peer" in entry and "balaikota" in entry and entry["peer"]["rate"]:
            entry["balaikota_to_peer"] = round(
                entry["balaikota"]["rate"] / entry["peer"]["rate"], 2
            )
        table.append(entry)
    return table


def read_ids(target: Target) -> list[str]:
    ids: list[str] = []
    for path in sorted(target.ids_dir.glob(f"{target.name}-*.txt")):
        ids += [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return ids


def stored_at_peer(target: Target, ids: list[str]) -> int:
    """How many of `ids` the peer answers when asked for them (50 at a time)."""
    found = 0
    for first in range(0, len(ids), 50):
        chunk = ids[first : first + 50]
        url = target.get_url("requests.json", service_request_id=",".join(chunk), page_size="100")
        found += len({row["service_request_id"] for row in fetch_json(url)} & set(chunk))
    return found


def verify(server: AppServer, balaikota: Target, peer: Target) -> dict[str, Any]:
    ours, theirs = read_ids(balaikota), read_ids(peer)
    with open_store(server.var_dir, server.env.get("DATABASE_URL")) as store:
        stored = stored_tickets(store, ours)
    return {
        "balaikota": {
            "acknowledged": len(ours),
            "unique": len(set(ours)),
            "stored": len(stored),
            "missing_samples": sorted(set(ours) - stored)[:5],
            "server_log": log_problems(server_log(server)),
        },
        "peer": {
            "acknowledged": len(theirs),
            "unique": len(set(theirs)),
            "stored": stored_at_peer(peer, sorted(set(theirs))),
        },
    }


# -- the report -------------------------------------------------------------------------------


def _cells(figures: dict[str, Any] | None) -> str:
    if not figures:
        return "| – | – | – | – | – "
    problems = f"{figures['timeouts']}/{figures['socket_errors']}/{figures['non_2xx']}"
    p99 = "> timeout" if figures.get("p99_beyond_timeout") else figures["p99_ms"]
    return (
        f"| {figures['rate']} | {figures['p50_ms']} | {p99} | {problems} "
        f"| {figures['to_yardstick']} "
    )


def render(result: dict[str, Any]) -> str:
    head = (
        "| endpoint | conn. | Balaikota req/s | p50 ms | p99 ms | t/o / err / non-2xx "
        "| ÷ healthz | peer req/s | p50 ms | p99 ms | t/o / err / non-2xx | ÷ services "
        "| Balaikota ÷ peer |\n" + "|---|--:" + "|--:" * 11 + "|"
    )
    lines = [
        f"| {row['endpoint']} | {row['connections']} "
        + _cells(row.get("balaikota"))
        + _cells(row.get("peer"))
        + f"| {row.get('balaikota_to_peer', '–')} |"
        for row in result["table"]
    ]
    check = result["verification"]
    ours, theirs = check["balaikota"], check["peer"]
    notes = [
        f"- Balaikota ({result['database']}): {ours['acknowledged']} POSTs acknowledged, "
        f"{ours['stored']} stored, {ours['unique']} distinct ids; log {ours['server_log']}",
        f"- peer: {theirs['acknowledged']} POSTs acknowledged, {theirs['stored']} found again",
        f"- load generator: {result['loadgen']}; {result['rounds']} rounds of "
        f"{result['seconds']:g} s per endpoint and server; load average at start "
        f"{result['machine']['load_average_at_start']}, after each round "
        f"{', '.join(result['load_averages'])}",
    ]
    return "\n".join([head, *lines, "", *notes])


def failures(result: dict[str, Any]) -> list[str]:
    """What makes the run untrustworthy: lost reports, or a server that refused its load."""
    found = []
    for name, check in result["verification"].items():
        if check["stored"] < check["unique"] or check["unique"] < check["acknowledged"]:
            found.append(f"{name}: {check['acknowledged']} acknowledged, {check['stored']} stored")
    for row in result["table"]:
        for name in ("balaikota", "peer"):
            figures = row.get(name)
            if figures and figures["requests"] and figures["non_2xx"] == figures["requests"]:
                found.append(f"{name}: every answer to {row['endpoint']} was an error")
    return found


# -- the whole run ----------------------------------------------------------------------------


def use_wrk(choice: str) -> bool:
    if choice == "python":
        return False
    if wrkrun.wrk_available():
        return True
    if choice == "wrk":
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    print("wrk is not installed: the Python load generator instead (a slower client)")
    return False


def start_balaikota(args: argparse.Namespace, var_dir: Path) -> AppServer:
    if args.database_url:
        ensure_postgres_database(args.database_url)
    server = new_server(ROOT, var_dir, args.database_url)
    if args.redis_url:
        check_local_database(args.redis_url)
        server.env["REDIS_URL"] = args.redis_url
    print(f"Balaikota: demo data, then `balaikota serve` on 127.0.0.1:{server.port}", flush=True)
    # A missing file: the demo lays out the same approximate areas, marked as approximate.
    load_demo(server, args.boundaries)
    return server


def side_by_side(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    ids_dir = var_dir / "ids"
    ids_dir.mkdir(parents=True)
    boundaries = boundaries_or_approximate(args.boundaries, var_dir)
    bench = Bench(args, args.service_code, var_dir, use_wrk(args.loadgen), load_areas(boundaries))
    peer = Target("peer", peer_root(args.peer_url), args.peer_api_key, {}, None, ids_dir)
    levels = [int(level) for level in args.post_connections.split(",") if level.strip()]
    rows = endpoints(args.connections, levels)
    machine = describe(var_dir, args.database_url)
    server = start_balaikota(args, var_dir)
    # A PostgreSQL database keeps an earlier run's keys: a new name each time.
    key = create_key(server, f"bench-peer-{uuid.uuid4().hex[:8]}", "--rate-limit", "100000000")
    balaikota = Target(
        "balaikota",
        f"{server.base_url}/open311/v2/",
        key,
        {"api_key": key},
        f"{server.base_url}/healthz",
        ids_dir,
    )
    targets = [balaikota, peer]
    try:
        start(server)
        waited = wait_for_worker(server)
        print(f"  the worker's start-up queue drained in {waited} s", flush=True)
        fill_points = inside_points(bench.areas, ROWS + 1, args.seed - 1)
        found = {t.name: check_services(t, args.service_code) for t in targets}
        rows_found = {t.name: fill_list(t, args.service_code, fill_points) for t in targets}
        print(f"services {found}, list rows {rows_found}; warming up ...", flush=True)
        warm_up(bench, targets, rows)
        for number in range(1, args.rounds + 1):
            one_round(bench, targets, rows, number)
        check = verify(server, balaikota, peer)
    finally:
        stop(server)
    return {
        "started": machine.pop("started", time.strftime("%Y-%m-%d %H:%M:%S %z")),
        "code": code_version(),
        "machine": machine,
        "database": ("postgresql" if args.database_url else "sqlite")
        + (" + redis" if args.redis_url else ""),
        "peer_url": peer.root,
        "loadgen": f"wrk -t{args.threads} --timeout {args.timeout:g}s"
        if bench.use_wrk
        else "bench/loadgen.py (Python threads)",
        "rounds": args.rounds,
        "seconds": args.seconds,
        "services": found,
        "load_averages": bench.load_averages,
        "table": summarise(targets, rows),
        "verification": check,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _abort)
    signal.signal(signal.SIGALRM, _abort)
    signal.alarm(args.time_limit)
    var_dir = Path(tempfile.mkdtemp(prefix="balaikota-peer-"))
    try:
        result = side_by_side(args, var_dir)
    except PeerError as exc:
        raise SystemExit(f"peer bench: {exc}") from None
    finally:
        signal.alarm(0)
        if args.keep_var:
            print(f"VAR_DIR kept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    output = args.output or RESULTS / f"peer-{result['database']}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print()
    print(render(result))
    print(f"results: {output}")
    problems = failures(result)
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

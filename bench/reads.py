"""The read paths: each list's rate as a ratio to /healthz (one `SELECT 1`) in the same run,
and how long the first requests to a freshly started server take.

Ratios travel between machines (and survive a busy one) where requests per second do not:
the issue's goals are ratios to the Helsinki server measured side by side.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadgen import LoadResult, Request, multipart, run_load
from samples import complaint_text
from server import HOST, AppServer, load_demo, new_server, start, stop

# A point in Kelurahan Kauman (Klojen): the first locate and the first report land there.
_LAT, _LON = -7.9826, 112.6308


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    headers: dict[str, str]


def endpoints(public_key: str, agency_key: str) -> list[Endpoint]:
    accept = {"Accept": "application/json"}
    return [
        Endpoint("healthz", "/healthz", {}),
        Endpoint("services.json", f"/open311/v2/services.json?api_key={public_key}", accept),
        Endpoint(
            "requests.json (100 rows)",
            f"/open311/v2/requests.json?page_size=100&api_key={public_key}",
            accept,
        ),
        Endpoint(
            "requests.xml (100 rows)",
            f"/open311/v2/requests.xml?page_size=100&api_key={public_key}",
            {},
        ),
        Endpoint(
            "/api/v1/agency/complaints (50 rows)",
            "/api/v1/agency/complaints?status=all",
            {**accept, "Authorization": f"Bearer {agency_key}"},
        ),
    ]


def create_key(server: AppServer, name: str, *options: str) -> str:
    """`balaikota create-api-key`: the key is the last line it prints."""
    done = subprocess.run(
        [str(server.bin / "balaikota"), "create-api-key", "--name", name, *options],
        cwd=server.root,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _send(server: AppServer, request: Request) -> tuple[int, float]:
    """One request on a new connection: status and seconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
    try:
        conn.request(request.method, request.path, body=request.body, headers=request.headers)
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    return response.status, time.perf_counter() - started


def _report(index: int) -> Request:
    body, content_type = multipart(
        {
            "text": complaint_text(index),
            "lat": f"{_LAT:.6f}",
            "lon": f"{_LON:.6f}",
            "location_source": "map",
        },
        [],
    )
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    return Request("POST", "/api/v1/complaints", body, headers)


def first_requests(server: AppServer, rows: list[Endpoint]) -> list[dict[str, Any]]:
    """Right after /healthz first answered: what a citizen's first steps cost. Each on a new
    connection, three times, so that the other web workers answer too."""
    probes: list[tuple[str, Request]] = [
        ("GET /lapor", Request("GET", "/lapor", b"", {})),
        (
            "GET locate (kelurahan index)",
            Request("GET", f"/api/v1/regions/locate?lat={_LAT}&lon={_LON}", b"", {}),
        ),
    ]
    probes += [(f"GET {row.name}", Request("GET", row.path, b"", row.headers)) for row in rows]
    found = []
    for name, request in probes:
        for attempt in range(3):
            status, seconds = _send(server, request)
            found.append(
                {
                    "request": name,
                    "attempt": attempt + 1,
                    "status": status,
                    "ms": round(seconds * 1000, 1),
                }
            )
    for attempt in range(3):
        status, seconds = _send(server, _report(attempt))
        found.append(
            {
                "request": "POST /api/v1/complaints (routing model + index)",
                "attempt": attempt + 1,
                "status": status,
                "ms": round(seconds * 1000, 1),
            }
        )
    return found


def check_rows(server: AppServer, rows: list[Endpoint]) -> dict[str, int]:
    """How many rows each list answers (so that the run measures what it says)."""
    counts = {}
    for row in rows:
        if ".json" in row.path.split("?")[0] or row.path.startswith("/api/"):
            conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
            conn.request("GET", row.path, headers=row.headers)
            data = json.loads(conn.getresponse().read())
            conn.close()
            if isinstance(data, list):
                counts[row.name] = len(data)
            elif isinstance(data, dict) and "results" in data:
                counts[row.name] = len(data["results"])
    return counts


def measure(
    server: AppServer, rows: list[Endpoint], *, concurrency: int, seconds: float
) -> list[dict[str, Any]]:
    """Each endpoint for `seconds` at `concurrency`, after a short pass over all of them (every
    worker warm); healthz first and last, their mean the yardstick (the machine's load drifts
    during a run, as other work on it comes and goes)."""

    def load(row: Endpoint, how_long: float) -> LoadResult:
        def make(index: int) -> Request:
            return Request("GET", row.path, b"", row.headers)

        return run_load(
            row.name,
            HOST,
            server.port,
            make,
            total=1_000_000,
            concurrency=concurrency,
            max_seconds=how_long,
        )

    for row in rows:
        load(row, 1.0)
    results = [load(row, seconds) for row in [*rows, rows[0]]]
    yardstick = (results[0].requests_per_second + results[-1].requests_per_second) / 2
    summary = []
    for result in results[:-1]:
        ok = sum(1 for o in result.outcomes if o.status == 200)
        summary.append(
            {
                "endpoint": result.name,
                "concurrency": concurrency,
                "sent": len(result.outcomes),
                "ok_200": ok,
                "requests_per_second": round(result.requests_per_second, 1),
                "ratio_to_healthz": round(result.requests_per_second / yardstick, 3)
                if yardstick
                else 0.0,
                "p50_ms": round(result.percentile_ms(0.50), 1),
                "p99_ms": round(result.percentile_ms(0.99), 1),
            }
        )
    return summary


def run_reads(
    root: Path,
    var_dir: Path,
    database_url: str | None,
    boundaries: Path,
    *,
    concurrency: int,
    seconds: float,
) -> dict[str, Any]:
    """The demo data, two keys (Open311 read, an agency's), then `balaikota serve`."""
    var_dir.mkdir(parents=True, exist_ok=True)
    server = new_server(root, var_dir, database_url)
    print(f"reads: demo data, then the server on 127.0.0.1:{server.port}", flush=True)
    load_demo(server, boundaries)
    unlimited = ("--rate-limit", "100000000")
    run = uuid.uuid4().hex[:8]  # a PostgreSQL database may hold an earlier run's keys
    public_key = create_key(server, f"bench-reads-{run}", "--scope", "public-read", *unlimited)
    agency_key = create_key(
        server, f"bench-agency-{run}", "--scope", "agency", "--agency", "dpupr", *unlimited
    )
    rows = endpoints(public_key, agency_key)
    try:
        started = time.monotonic()
        start(server)
        up_seconds = time.monotonic() - started
        first = first_requests(server, rows)
        counts = check_rows(server, rows)
        print(f"  rows answered: {counts}; {seconds:.0f} s per endpoint ...", flush=True)
        summary = measure(server, rows, concurrency=concurrency, seconds=seconds)
    finally:
        stop(server)
    return {
        "database": "postgresql" if database_url else "sqlite",
        "start_to_healthy_seconds": round(up_seconds, 1),
        "first_requests": first,
        "rows": counts,
        "endpoints": summary,
    }


def table(reads: dict[str, Any]) -> str:
    database = reads["database"]
    head = (
        "| database | endpoint | conc. | requests | 200 | req/s | ÷ healthz | p50 ms | p99 ms |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|--:|"
    )
    lines = [
        f"| {database} | {e['endpoint']} | {e['concurrency']} | {e['sent']} | {e['ok_200']} | "
        f"{e['requests_per_second']} | {e['ratio_to_healthz']} | {e['p50_ms']} | {e['p99_ms']} |"
        for e in reads["endpoints"]
    ]
    slowest: dict[str, float] = {}
    for probe in reads["first_requests"]:
        slowest[probe["request"]] = max(slowest.get(probe["request"], 0.0), probe["ms"])
    first = "; ".join(f"{name} {ms:.0f} ms" for name, ms in slowest.items())
    return "\n".join(
        [
            head,
            *lines,
            "",
            f"- started in {reads['start_to_healthy_seconds']} s (until /healthz answered); "
            f"the slowest of the first three of each request after that: {first}",
        ]
    )

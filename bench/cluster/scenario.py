"""The cluster bench's scenario, run by run.py on the client host (inside its namespace):
start every host, send the load, kill a web host and a worker host, check, report.

Not meant to be run by hand: run.py builds the network first and tears it down after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.append(str(Path(__file__).resolve().parent.parent))  # bench/: shared helpers

import checks
import services
import summary
import topology
from loadgen import Request, multipart
from samples import (
    base_photo,
    boundaries_or_approximate,
    complaint_text,
    inside_points,
    load_areas,
    with_gps,
)
from services import Cluster
from storecheck import open_store
from topology import BALANCER, BALANCER_PORT, CLIENT, DATA, WEB_PORT, WEBS, WORKERS
from traffic import Connection, PhaseResult, run_phase, send_with_retries

OPEN311 = "/open311/v2/requests.json"
# Both workers must have run their schedules side by side before one dies.
OVERLAP_SECONDS = 65.0


@dataclass
class Run:
    args: argparse.Namespace
    cluster: Cluster
    points: list[tuple[float, float]]
    keys: dict[str, str] = field(default_factory=dict)
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    acknowledged: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    workers_started: float = 0.0
    workers_started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def open311_post(run: Run, label: str, key: str) -> Any:
    """Request number i: a GeoReport client's report at a point inside a kelurahan."""

    def make(index: int) -> Request:
        lat, lon = run.points[(zlib.crc32(label.encode()) + index) % len(run.points)]
        body = urlencode(
            {
                "api_key": key,
                "service_code": "jalan-rusak",
                "lat": f"{lat:.6f}",
                "long": f"{lon:.6f}",
                "description": f"{complaint_text(index)} [cluster {run.tag} {label}]",
            }
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": f"cluster-{run.tag}-{label}-{index}",
        }
        return Request("POST", OPEN311, body, headers)

    return make


# Starting ------------------------------------------------------------------------------


def start_cluster(run: Run) -> None:
    cluster, args = run.cluster, run.args
    say("data host: PostgreSQL, Redis, SeaweedFS")
    services.start_postgres(cluster)
    services.start_redis(cluster)
    cluster.env = services.app_env(cluster, f"{args.report_limit}/hour")
    services.start_object_store(cluster)
    say("release: migrate, reference data, routing model, API keys")
    run.keys = services.prepare_release(cluster, args.boundaries)
    say("worker hosts: work1, work2 (default queue with the schedule, photos queue)")
    for worker in WORKERS:
        services.start_worker(cluster, worker)
    run.workers_started = time.monotonic()
    run.workers_started_at = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    say("web hosts: web1, web2, web3 (balaikota serve --no-worker), then haproxy")
    for web in WEBS:
        services.start_web(cluster, web)
    services.wait_web(cluster, WEBS)
    services.start_haproxy(cluster)
    say(f"up: haproxy sees {services.servers_up(cluster)}")


# Phases --------------------------------------------------------------------------------


def scaling(run: Run) -> None:
    """Requests per second through 1, 2 and 3 web hosts (the others in maintenance)."""
    rows = []
    concurrency = run.args.concurrency
    for count in (1, 2, 3):
        services.enable_webs(run.cluster, count)
        time.sleep(1.5)
        label = f"hosts{count}"
        # Keep-alive connections opened, each host's first requests made.
        warm_up = balancer_load(run, f"{label}-warm", seconds=3, max_requests=2 * concurrency)
        before = cpu_by_host()
        result = balancer_load(run, label, seconds=run.args.phase_seconds)
        keep(run, warm_up)
        keep(run, result)
        summary = result.summary() | {"load_average": round(os.getloadavg()[0], 1)}
        summary |= cpu_per_request(before, cpu_by_host(), len(result.tickets))
        rows.append(summary)
        say(
            f"{count} web host(s): {summary['requests_per_second']} req/s, "
            f"p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, by {summary['served_by']}"
        )
    services.enable_webs(run.cluster, 3)
    run.report["scaling"] = rows


def cpu_by_host() -> dict[str, float]:
    return {host.name: topology.cpu_seconds(host.namespace) for host in (*WEBS, DATA)}


def cpu_per_request(
    before: dict[str, float], after: dict[str, float], requests: int
) -> dict[str, float]:
    """CPU milliseconds per acknowledged report: the web hosts together, and the data host
    (PostgreSQL, Redis): what a real deployment would have to buy per report."""
    used = {name: after[name] - before[name] for name in after}
    web = sum(seconds for name, seconds in used.items() if name.startswith("web"))
    per = 1000 / max(requests, 1)
    return {"web_cpu_ms": round(web * per, 1), "data_cpu_ms": round(used["data"] * per, 1)}


def balancer_load(
    run: Run, label: str, *, seconds: float, max_requests: int = 1_000_000
) -> PhaseResult:
    """The partner's Open311 reports through haproxy from `--concurrency` clients."""
    make = open311_post(run, label, run.keys["bulk"])
    return run_phase(
        label,
        BALANCER.address,
        BALANCER_PORT,
        make,
        concurrency=run.args.concurrency,
        seconds=seconds,
        max_requests=max_requests,
    )


def keep(run: Run, result: PhaseResult) -> None:
    run.acknowledged += result.tickets
    failed = [o for o in result.outcomes if not o.acknowledged]
    run.check(not failed, f"{result.name}: {len(failed)} requests never acknowledged")


def rate_limit(run: Run) -> None:
    """One citizen (the client's second address) sends 3 x the limit of new reports through
    the balancer, one after another, so that every web host counts some of them."""
    limit = run.args.report_limit
    left = 3600 - time.time() % 3600
    if left < 30:  # the hour's window is about to end: start in the next one
        time.sleep(left + 1)
    connection = Connection(BALANCER.address, BALANCER_PORT, source=CLIENT.extra[0])
    make = open311_post(run, "limit", run.keys["app"])
    outcomes = [send_with_retries(connection, i, make(i)) for i in range(3 * limit)]
    connection.close()
    run.acknowledged += [o.ticket for o in outcomes if o.acknowledged and o.ticket]
    statuses = [o.status for o in outcomes]
    first_429 = statuses.index(429) + 1 if 429 in statuses else None
    by_host: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        counts = by_host.setdefault(outcome.served_by, {})
        counts[str(outcome.status)] = counts.get(str(outcome.status), 0) + 1
    accepted = sum(1 for o in outcomes if o.acknowledged)
    run.report["rate_limit"] = {
        "limit": f"RATE_LIMIT_REPORTS={limit}/hour per client address",
        "sent": len(outcomes),
        "accepted": accepted,
        "first_429_at_request": first_429,
        "by_host": dict(sorted(by_host.items())),
    }
    say(f"rate limit {limit}: accepted {accepted}, first 429 at #{first_429}, {by_host}")
    run.check(
        accepted == limit and first_429 == limit + 1 and statuses[limit:] == [429] * (2 * limit),
        f"rate limit: {accepted} of {3 * limit} accepted, first 429 at {first_429}",
    )
    run.check(len(by_host) == len(WEBS), f"rate limit: served by {sorted(by_host)} only")
    # Another citizen, right after: counted apart (not one bucket for everybody behind the
    # balancer).
    other = Connection(BALANCER.address, BALANCER_PORT, source=CLIENT.address)
    answer = send_with_retries(other, 0, open311_post(run, "other-citizen", run.keys["app"])(0))
    other.close()
    run.report["rate_limit"]["another_citizen_next"] = answer.status
    run.check(answer.acknowledged, f"rate limit: another citizen got HTTP {answer.status}")
    if answer.ticket:
        run.acknowledged.append(answer.ticket)


def upload_photos(run: Run) -> list[str]:
    """Complaints with a photo (12 MP-class JPEG with GPS), sent to web1 directly."""
    photo = base_photo()
    connection = Connection(WEBS[0].address, WEB_PORT)
    tickets = []
    for index in range(run.args.photos):
        lat, lon = run.points[index]
        fields = {
            "text": f"{complaint_text(index)} [cluster {run.tag} photo]",
            "category": "jalan-rusak",
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "location_source": "map",
        }
        files = [("photos", "foto.jpg", "image/jpeg", with_gps(photo, lat, lon))]
        body, content_type = multipart(fields, files)
        headers = {
            "Content-Type": content_type,
            "Accept": "application/json",
            "Idempotency-Key": f"cluster-{run.tag}-photo-{index}",
        }
        answer = connection.send(Request("POST", "/api/v1/complaints", body, headers))
        ticket = json.loads(answer.body).get("ticket") if answer.status == 201 else None
        run.check(ticket is not None, f"photo upload to web1: HTTP {answer.status}")
        if ticket:
            tickets.append(ticket)
    connection.close()
    run.acknowledged += tickets
    say(f"photos: {len(tickets)} complaints with a photo sent to web1")
    return tickets


def failure(run: Run) -> None:
    """The intake load through the balancer while web3, then work2, lose every process."""
    waited = OVERLAP_SECONDS - (time.monotonic() - run.workers_started)
    if waited > 0:
        say(f"waiting {waited:.0f} s so that both schedulers ran side by side for a minute")
        time.sleep(waited)
    args = run.args
    holder: dict[str, PhaseResult] = {}
    load = threading.Thread(
        target=lambda: holder.setdefault(
            "result", balancer_load(run, "failure", seconds=args.failure_seconds)
        )
    )
    say(
        f"intake load for {args.failure_seconds:.0f} s; web3 dies at {args.kill_web_at:.0f} s, "
        f"work2 at {args.kill_worker_at:.0f} s"
    )
    started = time.monotonic()
    load.start()
    kills = {}
    for host, at in ((WEBS[2], args.kill_web_at), (WORKERS[1], args.kill_worker_at)):
        time.sleep(max(0.0, started + at - time.monotonic()))
        killed = topology.kill_all(host.namespace)
        kills[host.name] = {"at_second": round(time.monotonic() - started, 1), "processes": killed}
        say(f"killed every process on {host.name} ({killed})")
    time.sleep(3)
    states = services.servers_up(run.cluster)
    load.join()
    result = holder["result"]
    keep(run, result)
    summary = result.summary() | {"load_average": round(os.getloadavg()[0], 1)}
    summary["kills"] = kills
    summary["haproxy_after_kill"] = states
    summary["retry_timeline"] = retry_timeline(result, started)
    run.report["failure"] = summary
    say(
        f"failure phase: {summary['acknowledged']} acknowledged, {summary['failed']} failed, "
        f"{summary['retried_requests']} retried ({summary['first_failures']}), "
        f"haproxy: {states}"
    )


def retry_timeline(result: PhaseResult, started: float) -> dict[str, int]:
    """Retried requests by the second (of the phase) in which they were first sent."""
    seconds: dict[str, int] = {}
    for outcome in result.retried:
        key = str(int(outcome.started - started))
        seconds[key] = seconds.get(key, 0) + 1
    return seconds


def served_photos(run: Run, tickets: list[str]) -> None:
    """Each photo's public copy, as web2 links it once the worker made it, fetched by a
    stranger from the object store."""
    deadline = time.monotonic() + run.args.photo_wait
    rows = []
    for ticket in tickets:
        url = None
        while url is None and time.monotonic() < deadline:
            url = photo_url(ticket)
            if url is None:
                time.sleep(1)
        row: dict[str, Any] = {"ticket": ticket, "linked_by": "web2", "url": url}
        if url:
            with urllib.request.urlopen(url, timeout=10) as response:
                row |= checks.public_copy(response.read())
        rows.append(row)
        run.check(url is not None, f"photo of {ticket}: no public copy linked by web2")
        run.check(not row.get("gps_in_public_copy", False), f"photo of {ticket}: GPS published")
    logs = {w.name: run.cluster.log(f"{w.name}-photos") for w in WORKERS}
    processed_by = {name: checks.executions(path, "process_photo") for name, path in logs.items()}
    run.report["photos"] = {"uploaded_to": "web1", "photos": rows, "processed_by": processed_by}
    served = sum(1 for row in rows if row["url"])
    say(f"photos: {served} of {len(rows)} served, processed by {processed_by}")


def photo_url(ticket: str) -> str | None:
    url = f"http://{WEBS[1].address}:{WEB_PORT}/api/v1/complaints/{ticket}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.loads(response.read())
    except (OSError, urllib.error.URLError, ValueError):
        return None
    photos = answer.get("photos") or []
    return photos[0].get("url") if photos else None


def verify(run: Run) -> None:
    cluster = run.cluster
    with open_store(Path(), cluster.database_url) as store:
        run.report["stored"] = checks.stored(store, run.acknowledged)
        logs = {w.name: cluster.log(f"{w.name}-default") for w in WORKERS}
        run.report["periodic"] = checks.periodic(
            store, run.workers_started_at, logs, cluster.log("postgres")
        )
    stored, periodic = run.report["stored"], run.report["periodic"]
    run.check(stored["lost"] == 0, f"{stored['lost']} acknowledged reports lost")
    run.check(not periodic["ran_twice"], f"periodic jobs ran twice: {periodic['ran_twice']}")
    run.check(periodic["claimed_twice"] == 0, "a periodic minute was claimed twice")
    # The host whose scheduler ticks first in the minute wins every claim; the other's
    # tries show as claims the database refused.
    run.check(
        periodic["claims_refused_by_database"] > 0,
        "no periodic claim was refused: did both worker hosts run the schedule?",
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--boundaries", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--phase-seconds", type=float, default=10.0)
    parser.add_argument("--failure-seconds", type=float, default=30.0)
    parser.add_argument("--kill-web-at", type=float, default=8.0)
    parser.add_argument("--kill-worker-at", type=float, default=14.0)
    parser.add_argument("--report-limit", type=int, default=20)
    parser.add_argument("--photos", type=int, default=2)
    parser.add_argument("--photo-wait", type=float, default=120.0)
    parser.add_argument("--json", type=Path, default=None)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    # Without ../shared, the approximate kelurahan the demo lays out (here and in the database).
    points = inside_points(
        load_areas(boundaries_or_approximate(args.boundaries, args.work)), 2000, 11
    )
    run = Run(args, Cluster(args.work), points)
    try:
        start_cluster(run)
        scaling(run)
        rate_limit(run)
        tickets = upload_photos(run)
        failure(run)
        served_photos(run, tickets)
        verify(run)
    except services.StartError as exc:
        run.failures.append(f"the cluster did not start: {exc}")
    run.report["seconds"] = round(time.monotonic() - started, 1)
    run.report["failures"] = run.failures
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(run.report, indent=2, default=str))
    print(summary.render(run.report), flush=True)
    return 1 if run.failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl+C: run.py tears the hosts down
        sys.exit(130)

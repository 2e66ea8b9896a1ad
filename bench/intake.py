"""The intake path: POST /api/v1/complaints (or GeoReport's POST requests.json with
`--endpoint open311`) under concurrent load, then what got stored."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import cpu
from loadgen import LoadResult, Request, multipart, run_load
from samples import complaint_text, with_gps
from server import HOST, AppServer, server_log
from storecheck import (
    OutboxDrain,
    OutboxWatch,
    open_store,
    outbox_counts,
    queue_backlog,
    stored_tickets,
    wait_for_photos,
)

PATH = "/api/v1/complaints"
OPEN311_PATH = "/open311/v2/requests.json"
WARMUP_REQUESTS = 24
WARMUP_CONCURRENCY = 12


class IntakeBroken(RuntimeError):
    """The server answers, but does not accept complaints: measuring it would be pointless."""


@dataclass(frozen=True)
class Plan:
    concurrencies: tuple[int, ...]
    text_requests: int
    photo_requests: int
    scenario_seconds: float
    photo_wait_seconds: float
    # "api": /api/v1 with photos; "open311": GeoReport v2 with `api_key` (text only: its
    # photos are media_url addresses, fetched by the worker).
    endpoint: str = "api"
    api_key: str = ""


def request_factory(
    label: str, points: list[tuple[float, float]], offset: int, photo: bytes | None
) -> Callable[[int], Request]:
    """Request number i: a jalan-rusak complaint at point offset+i, with a photo if given."""
    run = uuid.uuid4().hex[:12]

    def make(index: int) -> Request:
        lat, lon = points[(offset + index) % len(points)]
        fields = {
            "text": complaint_text(offset + index),
            "category": "jalan-rusak",
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "location_source": "map",
        }
        files = [("photos", "foto.jpg", "image/jpeg", with_gps(photo, lat, lon))] if photo else []
        body, content_type = multipart(fields, files)
        headers = {
            "Content-Type": content_type,
            "Idempotency-Key": f"bench-{run}-{label}-{index}",
            "Accept": "application/json",
        }
        return Request("POST", PATH, body, headers)

    return make


def open311_factory(
    label: str, points: list[tuple[float, float]], offset: int, api_key: str
) -> Callable[[int], Request]:
    """Request number i as a GeoReport client sends it: a form-encoded POST requests.json."""
    run = uuid.uuid4().hex[:12]

    def make(index: int) -> Request:
        lat, lon = points[(offset + index) % len(points)]
        body = urlencode(
            {
                "api_key": api_key,
                "service_code": "jalan-rusak",
                "lat": f"{lat:.6f}",
                "long": f"{lon:.6f}",
                "description": complaint_text(offset + index),
            }
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": f"bench-{run}-{label}-{index}",
        }
        return Request("POST", OPEN311_PATH, body, headers)

    return make


def _factory(
    plan: Plan, label: str, points: list[tuple[float, float]], offset: int, photo: bytes | None
) -> Callable[[int], Request]:
    if plan.endpoint == "open311":
        return open311_factory(label, points, offset, plan.api_key)
    return request_factory(label, points, offset, photo)


def _scenarios(plan: Plan, photo: bytes) -> list[tuple[str, bytes | None, int]]:
    if plan.endpoint == "open311":
        return [("open311", None, plan.text_requests)]
    return [("text", None, plan.text_requests), ("photo", photo, plan.photo_requests)]


def _measure(
    server: AppServer,
    name: str,
    factory: Callable[[int], Request],
    total: int,
    concurrency: int,
    max_seconds: float,
) -> LoadResult:
    """One scenario at one concurrency, with the CPU shares of server, client and others."""
    before = cpu.snapshot(server.pgid, server.database_name)
    result = run_load(
        name,
        HOST,
        server.port,
        factory,
        total=total,
        concurrency=concurrency,
        max_seconds=max_seconds,
    )
    result.cpu = cpu.shares(before, cpu.snapshot(server.pgid, server.database_name))
    result.queue_after = queue_backlog(server.var_dir)
    summary = result.summary()
    print(
        f"    {summary['requests_per_second']} req/s, p50 {summary['p50_ms']} ms, "
        f"p99 {summary['p99_ms']} ms, errors {summary['errors']}, cpu {result.cpu}, "
        f"queue {result.queue_after}",
        flush=True,
    )
    return result


def run_scenarios(
    server: AppServer, plan: Plan, points: list[tuple[float, float]], photo: bytes
) -> tuple[list[LoadResult], list[str]]:
    """Warm-up, then every scenario at every concurrency; returns results and warm-up tickets."""
    warmup = run_load(
        "warm-up",
        HOST,
        server.port,
        _factory(plan, "warmup", points, 0, None),
        total=WARMUP_REQUESTS,
        concurrency=WARMUP_CONCURRENCY,
        max_seconds=plan.scenario_seconds,
    )
    if not warmup.tickets:
        samples = warmup.summary()["error_samples"]
        raise IntakeBroken(f"no warm-up request was accepted; see {server.log_path}: {samples}")
    results: list[LoadResult] = []
    offset = WARMUP_REQUESTS
    with open_store(server.var_dir, server.env.get("DATABASE_URL")) as store:
        server.outbox_before = outbox_counts(store)
    for name, scenario_photo, total in _scenarios(plan, photo):
        for concurrency in plan.concurrencies:
            label = f"{name}-c{concurrency}"
            factory = _factory(plan, label, points, offset, scenario_photo)
            print(f"  {label}: {total} requests ...", flush=True)
            result = _measure(server, name, factory, total, concurrency, plan.scenario_seconds)
            results.append(result)
            offset += total
    return results, warmup.tickets


def log_problems(text: str) -> dict[str, int]:
    """Counts of worrying lines in the server's log (tracebacks, lock errors, 5xx answers)."""
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "database_is_locked": text.count("database is locked"),
        "http_5xx_in_access_log": len(re.findall(r'" 5\d\d ', text)),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


def verify(
    server: AppServer,
    database_url: str | None,
    results: list[LoadResult],
    warmup_tickets: list[str],
    photo_wait_seconds: float,
) -> dict[str, object]:
    """Every 201 ticket stored? Photos re-encoded by the worker after intake answered?"""
    acknowledged = warmup_tickets + [t for r in results for t in r.tickets]
    photo_tickets = [t for r in results if r.name == "photo" for t in r.tickets]
    backlog = queue_backlog(server.var_dir)
    ended = time.monotonic()
    before = cpu.snapshot(server.pgid, server.database_name)
    with open_store(server.var_dir, database_url) as store:
        outbox_at_end = outbox_counts(store)
        watch = OutboxWatch(store, ended)
        photos = wait_for_photos(store, photo_tickets, photo_wait_seconds, watch.poll)
        stored = stored_tickets(store, acknowledged)
        watch.wait(photo_wait_seconds)
    outbox_before = server.outbox_before
    outbox = OutboxDrain(
        written_during_intake=sum(outbox_at_end.values()) - sum(outbox_before.values()),
        sent_during_intake=outbox_at_end["sent"] - outbox_before["sent"],
        intake_seconds=sum(r.wall_seconds for r in results),
        pending_when_intake_ended=outbox_at_end["pending"],
        pending_at_end=watch.pending,
        drain_seconds=watch.seconds,
    )
    photo_cpu = cpu.shares(before, cpu.snapshot(server.pgid, server.database_name))
    return {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "unique_tickets": len(set(acknowledged)),
        "missing_samples": sorted(set(acknowledged) - stored)[:5],
        "photos": photos.as_dict() | {"cpu": photo_cpu},
        "outbox": outbox.as_dict(),
        "queue_when_intake_ended": backlog,
        "queue_after_wait": queue_backlog(server.var_dir),
        "server_log": log_problems(server_log(server)),
    }

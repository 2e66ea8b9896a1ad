"""A small closed-loop HTTP load generator: N threads, one keep-alive connection each.

Bounded twice: at most `total` requests and at most `max_seconds` of wall time. Only
talks to the host it is given (the benchmark passes 127.0.0.1 and nothing else).
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

REQUEST_TIMEOUT = 60.0
# A new complaint is 201; Open311 answered 200 before it answered 201 (compare old runs).
ACCEPTED = (200, 201)
# A kept-alive connection the server closed meanwhile fails before any answer; such a
# request is sent once more on a new connection (safe: each carries an Idempotency-Key).
_STALE_CONNECTION = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    status: int  # 0: no HTTP answer (connection error, timeout)
    seconds: float
    ticket: str | None = None
    error: str = ""
    retried: bool = False


@dataclass
class LoadResult:
    name: str
    concurrency: int
    planned: int
    wall_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    queue_after: dict[str, int] = field(default_factory=dict)

    @property
    def tickets(self) -> list[str]:
        return [o.ticket for o in self.outcomes if o.status in ACCEPTED and o.ticket]

    @property
    def errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status not in ACCEPTED)

    @property
    def requests_per_second(self) -> float:
        return len(self.outcomes) / self.wall_seconds if self.wall_seconds else 0.0

    def percentile_ms(self, fraction: float) -> float:
        return percentile([o.seconds for o in self.outcomes if o.status], fraction) * 1000

    def summary(self) -> dict[str, object]:
        return {
            "scenario": self.name,
            "concurrency": self.concurrency,
            "planned": self.planned,
            "sent": len(self.outcomes),
            "created_201": len(self.tickets),
            "errors": self.errors,
            "statuses": dict(Counter(str(o.status) for o in self.outcomes)),
            "retried": sum(1 for o in self.outcomes if o.retried),
            "wall_seconds": round(self.wall_seconds, 3),
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.percentile_ms(0.50), 1),
            "p90_ms": round(self.percentile_ms(0.90), 1),
            "p99_ms": round(self.percentile_ms(0.99), 1),
            "max_ms": round(self.percentile_ms(1.0), 1),
            "error_samples": sorted({o.error for o in self.outcomes if o.error})[:5],
            "cpu": self.cpu,
            "queue_after": self.queue_after,
        }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def multipart(
    fields: dict[str, str], files: list[tuple[str, str, str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type; `files`: (field, name, type, data)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, content_type, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.extend([head.encode(), content, b"\r\n"])
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _ticket(status: int, data: bytes) -> str | None:
    """The ticket of an acknowledged complaint: /api/v1's `ticket`, or GeoReport's list of
    one request with its `service_request_id`."""
    if status not in ACCEPTED:
        return None
    try:
        answer = json.loads(data)
        if isinstance(answer, list):
            return str(answer[0]["service_request_id"])
        return str(answer["ticket"])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _exchange(conn: http.client.HTTPConnection, request: Request) -> tuple[int, bytes, bool]:
    conn.request(request.method, request.path, body=request.body, headers=request.headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, data, not response.will_close


class _Client:
    """One thread's connection to the server, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None
        self.used = False

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
            self.used = False
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def send(self, request: Request) -> Outcome:
        started = time.perf_counter()
        retried = False
        while True:
            reused = self.used
            try:
                status, data, keep = _exchange(self._connection(), request)
            except _STALE_CONNECTION as exc:
                self.close()
                if reused and not retried:
                    retried = True
                    continue
                return Outcome(0, time.perf_counter() - started, error=repr(exc), retried=retried)
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                return Outcome(0, time.perf_counter() - started, error=repr(exc), retried=retried)
            self.used = True
            if not keep:
                self.close()
            elapsed = time.perf_counter() - started
            error = "" if status in ACCEPTED else f"HTTP {status}: {data[:200]!r}"
            return Outcome(status, elapsed, _ticket(status, data), error, retried)


def run_load(
    name: str,
    host: str,
    port: int,
    make_request: Callable[[int], Request],
    *,
    total: int,
    concurrency: int,
    max_seconds: float,
) -> LoadResult:
    """Send `total` requests from `concurrency` threads, stopping early at `max_seconds`."""
    counter = itertools.count()
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + max_seconds

    def next_index() -> int | None:
        with lock:
            index = next(counter)
        return index if index < total and time.monotonic() < deadline else None

    def worker() -> None:
        client = _Client(host, port)
        mine: list[Outcome] = []
        while (index := next_index()) is not None:
            mine.append(client.send(make_request(index)))
        client.close()
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max_seconds + REQUEST_TIMEOUT + 5)
    wall = time.perf_counter() - started
    return LoadResult(name, concurrency, total, wall, outcomes)

"""Open311 clients that behave like real ones: keep-alive connections, and a request that
got no answer, or a 502/503/504 from the balancer, is sent again after a short pause with
the same Idempotency-Key (so a report that was stored before its host died is not stored
twice). Retries are counted apart from first answers.

Bounded in requests and in time, and talks only to the cluster's own addresses.
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from loadgen import Request, percentile

TIMEOUT = 30.0
RETRY_STATUSES = {0, 502, 503, 504}
MAX_ATTEMPTS = 6
ACKNOWLEDGED = (200, 201)  # 201 Created; 200 is the replay of an Idempotency-Key


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no HTTP answer
    body: bytes = b""
    served_by: str = ""
    error: str = ""


@dataclass(frozen=True)
class Outcome:
    index: int
    status: int  # the last answer's
    attempts: int
    seconds: float
    started: float  # time.monotonic() of the first attempt
    served_by: str
    ticket: str | None
    first_failure: str = ""

    @property
    def acknowledged(self) -> bool:
        return self.status in ACKNOWLEDGED and self.ticket is not None


@dataclass
class PhaseResult:
    name: str
    concurrency: int
    wall_seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def tickets(self) -> list[str]:
        return [o.ticket for o in self.outcomes if o.acknowledged and o.ticket]

    @property
    def retried(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.attempts > 1]

    def summary(self) -> dict[str, object]:
        done = self.outcomes
        seconds = [o.seconds for o in done if o.acknowledged]
        return {
            "phase": self.name,
            "concurrency": self.concurrency,
            "requests": len(done),
            "acknowledged": len(self.tickets),
            "failed": sum(1 for o in done if not o.acknowledged),
            "statuses": dict(Counter(str(o.status) for o in done)),
            "retried_requests": len(self.retried),
            "retry_attempts": sum(o.attempts - 1 for o in done),
            "retried_then_acknowledged": sum(1 for o in self.retried if o.acknowledged),
            "first_failures": dict(Counter(o.first_failure for o in self.retried)),
            "served_by": dict(sorted(Counter(o.served_by for o in done).items())),
            "wall_seconds": round(self.wall_seconds, 2),
            "requests_per_second": round(len(self.tickets) / self.wall_seconds, 1)
            if self.wall_seconds
            else 0.0,
            "p50_ms": round(percentile(seconds, 0.5) * 1000, 1),
            "p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
        }


def ticket_of(status: int, body: bytes) -> str | None:
    """GeoReport's answer to a POST: a list of one request with its service_request_id."""
    if status not in ACKNOWLEDGED:
        return None
    try:
        return str(json.loads(body)[0]["service_request_id"])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


class Connection:
    """One client's keep-alive connection, reopened after any failure."""

    def __init__(self, address: str, port: int, source: str = "") -> None:
        self.address, self.port = address, port
        self.source = (source, 0) if source else None
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def send(self, request: Request) -> Answer:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                self.address, self.port, timeout=TIMEOUT, source_address=self.source
            )
        try:
            self.conn.request(request.method, request.path, request.body, request.headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return Answer(0, error=type(exc).__name__)
        if response.will_close:
            self.close()
        return Answer(response.status, body, response.getheader("X-Served-By") or "")


def send_with_retries(connection: Connection, index: int, request: Request) -> Outcome:
    started = time.monotonic()
    first_failure = ""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        answer = connection.send(request)
        if answer.status not in RETRY_STATUSES or attempt == MAX_ATTEMPTS:
            break
        first_failure = first_failure or (answer.error or f"HTTP {answer.status}")
        time.sleep(min(0.2 * 2 ** (attempt - 1), 2.0))
    return Outcome(
        index=index,
        status=answer.status,
        attempts=attempt,
        seconds=time.monotonic() - started,
        started=started,
        served_by=answer.served_by,
        ticket=ticket_of(answer.status, answer.body),
        first_failure=first_failure,
    )


def run_phase(
    name: str,
    address: str,
    port: int,
    make_request: Callable[[int], Request],
    *,
    concurrency: int,
    seconds: float,
    max_requests: int,
) -> PhaseResult:
    """`concurrency` clients in a closed loop for `seconds` (or `max_requests`)."""
    counter = itertools.count()
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = Connection(address, port)
        mine = []
        while time.monotonic() < deadline:
            with lock:
                index = next(counter)
            if index >= max_requests:
                break
            mine.append(send_with_retries(connection, index, make_request(index)))
        connection.close()
        with lock:
            outcomes.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + TIMEOUT * MAX_ATTEMPTS)
    result = PhaseResult(name, concurrency, time.monotonic() - started)
    result.outcomes = sorted(outcomes, key=lambda o: o.index)
    return result

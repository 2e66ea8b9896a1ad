"""One load run against one URL: with `wrk` (bench/open311.lua) when it is installed, with
our Python load generator (bench/loadgen.py) otherwise. Both give the same `Run`."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from loadgen import ACCEPTED, LoadResult, Request, run_load
from samples import complaint_text

LUA = Path(__file__).resolve().parent / "open311.lua"
_MARK = "WRK_JSON "


@dataclass(frozen=True)
class Load:
    """What to send: a GET of `url`, or POST requests.json bodies (`post` set)."""

    url: str
    connections: int
    seconds: float
    post: bool = False
    api_key: str = ""
    service_code: str = ""
    points_file: Path | None = None
    ids_prefix: Path | None = None  # acknowledged ids go to <prefix>-<thread>.txt


@dataclass
class Run:
    requests: int
    seconds: float
    ok_2xx: int
    non_2xx: int
    timeouts: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    acknowledged: int = 0
    other_codes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _wrk_command(load: Load, threads: int, timeout: float) -> list[str]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{load.connections}",
        f"-d{load.seconds:g}s",
        f"--timeout={timeout:g}s",
        "-s",
        str(LUA),
        load.url,
        "--",
    ]
    if not load.post:
        return [*command, "get"]
    return [
        *command,
        "post",
        str(load.points_file),
        load.api_key,
        load.service_code,
        str(load.ids_prefix),
    ]


def run_wrk(load: Load, *, threads: int, timeout: float) -> Run:
    """`wrk` with the Lua script; its done() prints one JSON line with what we need."""
    done = subprocess.run(
        _wrk_command(load, min(threads, load.connections), timeout),
        capture_output=True,
        text=True,
        timeout=load.seconds + timeout + 60,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(_MARK)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {(done.stderr or done.stdout)[-300:]}")
    data = json.loads(lines[-1][len(_MARK) :])
    return Run(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        ok_2xx=data["status_2xx"],
        non_2xx=data["status_other"],
        timeouts=data["timeout"],
        socket_errors=data["connect"] + data["read"] + data["write"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        acknowledged=data["acknowledged"],
        other_codes=sorted(set(data["other_codes"].split())),
    )


def _points(path: Path) -> list[tuple[str, str]]:
    pairs = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [(lat, lon) for lat, lon in pairs]


def _python_request(load: Load) -> tuple[str, int, Callable[[int], Request]]:
    """(host, port, make_request) for loadgen.run_load."""
    parts = urlsplit(load.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    points = _points(load.points_file) if load.post and load.points_file else []

    def make(index: int) -> Request:
        if not load.post:
            return Request("GET", target, b"", {})
        lat, lon = points[index % len(points)]
        body = urlencode(
            {
                "api_key": load.api_key,
                "service_code": load.service_code,
                "lat": lat,
                "long": lon,
                "description": complaint_text(index),
            }
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request("POST", target, body, headers)

    return parts.hostname or "127.0.0.1", parts.port or 80, make


def _from_loadgen(result: LoadResult, load: Load) -> Run:
    outcomes = result.outcomes
    if load.post and load.ids_prefix:
        with Path(f"{load.ids_prefix}-1.txt").open("a") as ids:
            ids.writelines(f"{ticket}\n" for ticket in result.tickets)
    return Run(
        requests=len(outcomes),
        seconds=result.wall_seconds,
        ok_2xx=sum(1 for o in outcomes if 200 <= o.status < 300),
        non_2xx=sum(1 for o in outcomes if o.status >= 300),
        timeouts=sum(1 for o in outcomes if o.status == 0 and "timed out" in o.error),
        socket_errors=sum(1 for o in outcomes if o.status == 0 and "timed out" not in o.error),
        p50_ms=result.percentile_ms(0.50),
        p99_ms=result.percentile_ms(0.99),
        acknowledged=len(result.tickets) if load.post else 0,
        other_codes=sorted({str(o.status) for o in outcomes if o.status not in ACCEPTED}),
    )


def run_python(load: Load) -> Run:
    """The same load from Python threads (one connection each): slower than wrk, so its
    rates are a floor, but both servers get the same client."""
    host, port, make = _python_request(load)
    result = run_load(
        "peer",
        host,
        port,
        make,
        total=10_000_000,
        concurrency=load.connections,
        max_seconds=load.seconds,
    )
    return _from_loadgen(result, load)


def run(load: Load, *, use_wrk: bool, threads: int = 1, timeout: float = 2.0) -> Run:
    if use_wrk:
        return run_wrk(load, threads=threads, timeout=timeout)
    return run_python(load)

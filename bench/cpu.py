"""Who used the CPUs during a scenario: web processes, the Huey worker, PostgreSQL, the load
generator, or someone else.

The machine may be shared (tests of other people running at the same time); these figures
say how much of the capacity the benchmark really had. Read from /proc, Linux only.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

_HZ = os.sysconf("SC_CLK_TCK")
_CPUS = len(os.sched_getaffinity(0))
_WORKER_MARK = "balaikota.cli worker"


@dataclass(frozen=True)
class Process:
    pid: int
    pgid: int
    ticks: int  # utime + stime of all its threads

    @property
    def title(self) -> str:
        try:
            return Path(f"/proc/{self.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""


@dataclass(frozen=True)
class Snapshot:
    at: float
    busy: float  # whole machine, CPU seconds
    web: float  # the server's process group without the Huey worker
    worker: float  # the Huey worker
    database: float  # PostgreSQL backends serving the benchmark's database
    bench: float  # this process (all its threads)


def _machine_busy() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / _HZ


def _processes() -> list[Process]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        found.append(Process(int(entry.name), int(fields[2]), int(fields[11]) + int(fields[12])))
    return found


def _is_backend_of(words: list[str], database: str) -> bool:
    """Backends are titled "postgres: [CLUSTER:] USER DATABASE HOST(PORT) STATE"."""
    if words[:1] != ["postgres:"]:
        return False
    words = words[1:]
    if words and words[0].endswith(":"):  # cluster name, e.g. "15/main:"
        words = words[1:]
    return len(words) > 2 and words[1] == database and "(" in words[2]


def snapshot(pgid: int | None, database: str | None = None) -> Snapshot:
    own = os.times()
    processes = _processes()
    group = [p for p in processes if pgid is not None and p.pgid == pgid]
    worker = sum(p.ticks for p in group if _WORKER_MARK in p.title)
    backends = [p for p in processes if database and _is_backend_of(p.title.split(), database)]
    return Snapshot(
        at=time.monotonic(),
        busy=_machine_busy(),
        web=(sum(p.ticks for p in group) - worker) / _HZ,
        worker=worker / _HZ,
        database=sum(p.ticks for p in backends) / _HZ,
        bench=own.user + own.system,
    )


def shares(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """Percent of the machine's capacity (all CPUs) used by each party between two snapshots."""
    capacity = max((after.at - before.at) * _CPUS, 1e-9)
    # Processes that exit in between (idle database connections closed) take their ticks
    # with them, hence the floors at zero.
    used = {
        "web": max(0.0, after.web - before.web),
        "worker": max(0.0, after.worker - before.worker),
        "postgres": max(0.0, after.database - before.database),
        "loadgen": after.bench - before.bench,
    }
    used["others"] = max(0.0, after.busy - before.busy - sum(used.values()))
    percent = {f"{name}_pct": round(100 * seconds / capacity, 1) for name, seconds in used.items()}
    return percent | {"idle_pct": round(max(0.0, 100 - sum(percent.values())), 1)}

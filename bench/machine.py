"""What the benchmark ran on: CPU, memory, disk, Python, SQLite, PostgreSQL, packages."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

PACKAGES = ("Django", "django-ninja", "gunicorn", "huey", "Pillow", "shapely", "psycopg")


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)
    return 0.0


def _filesystem(path: Path) -> str:
    """Type and device of the mount that holds `path` (fsync cost depends on it)."""
    best = ("", "unknown", "unknown")
    resolved = str(path.resolve())
    for line in Path("/proc/mounts").read_text().splitlines():
        device, mount, fstype = line.split()[:3]
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > len(best[0]):
            best = (mount, fstype, device)
    return f"{best[1]} on {best[2]}"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def postgres_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=10) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def describe(var_dir: Path, database_url: str | None) -> dict[str, str]:
    info = {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": _cpu_model(),
        "memory_gib": str(_memory_gib()),
        "kernel": platform.release(),
        "var_dir_filesystem": _filesystem(var_dir),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }
    if database_url:
        info["postgresql"] = postgres_version(database_url)
    info.update({package: _version(package) for package in PACKAGES})
    return info

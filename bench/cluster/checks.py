"""What the cluster did, read from where it happened: the database, the workers' logs,
PostgreSQL's log, the object store."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path

from PIL import Image
from storecheck import Store, stored_tickets

_EXECUTING = re.compile(r"Executing ([\w.]+):")
_ENQUEUED = re.compile(r"Enqueueing periodic task ([\w.]+):")


def stored(store: Store, acknowledged: list[str]) -> dict[str, object]:
    """Is every acknowledged ticket in the database? Complaints stored but never
    acknowledged (a host died after its commit, before its answer, and the client gave up)
    are counted too."""
    unique = sorted(set(acknowledged))
    found = stored_tickets(store, unique)
    cursor = store.connection.cursor()
    cursor.execute("SELECT count(*) FROM complaints_complaint")
    (total,) = cursor.fetchone()
    cursor.close()
    return {
        "acknowledged": len(unique),
        "stored": len(found),
        "lost": len(unique) - len(found),
        "lost_samples": sorted(set(unique) - found)[:5],
        "stored_not_acknowledged": int(total) - len(found),
    }


def periodic(store: Store, since: dt.datetime, logs: dict[str, Path], pg_log: Path) -> dict:
    """Each periodic job once per scheduled minute: the claims in core_periodicrun (one row
    per job and minute, with the host that won it), the schedulers' enqueues and the
    executions in the workers' logs, and the claims PostgreSQL refused (the other host
    asked for the same job and minute, and lost)."""
    cursor = store.connection.cursor()
    cursor.execute("SELECT task, due_at, host FROM core_periodicrun WHERE due_at >= %s", [since])
    rows = cursor.fetchall()
    cursor.close()
    per_minute = Counter((task, due_at) for task, due_at, _host in rows)
    claims = Counter(task for task, _due, _host in rows)
    text = {name: path.read_text(errors="replace") for name, path in logs.items()}
    enqueued = {name: Counter(_ENQUEUED.findall(log)) for name, log in text.items()}
    # The logs name a task by its module path, the claims by its function's name.
    executed_by = {
        name: Counter(
            t for t in (n.rsplit(".", 1)[-1] for n in _EXECUTING.findall(log)) if t in claims
        )
        for name, log in text.items()
    }
    executed = sum(executed_by.values(), Counter())
    refused = sum(
        1
        for line in pg_log.read_text(errors="replace").splitlines()
        if "duplicate key" in line and "one_run_per_periodic_minute" in line
    )
    return {
        "minutes": len({due for _task, due in per_minute}),
        "claims": sum(claims.values()),
        "claims_by_host": dict(Counter(host.split(":")[0] for _t, _d, host in rows)),
        "claimed_twice": sum(1 for n in per_minute.values() if n > 1),
        "claims_refused_by_database": refused,
        "enqueued_by_host": {name: sum(c.values()) for name, c in enqueued.items()},
        "executed_by_host": {name: sum(c.values()) for name, c in executed_by.items()},
        "executed": sum(executed.values()),
        "ran_twice": {t: executed[t] - claims[t] for t in claims if executed[t] > claims[t]},
        "not_run": {t: claims[t] - executed[t] for t in claims if executed[t] < claims[t]},
        "per_task": {t: f"{executed[t]}/{claims[t]}" for t in sorted(claims)},
    }


def executions(log: Path, task_suffix: str) -> int:
    names = _EXECUTING.findall(log.read_text(errors="replace"))
    return sum(1 for name in names if name.endswith(task_suffix))


def public_copy(data: bytes) -> dict[str, object]:
    """What a stranger who fetched a public copy got: a JPEG, and no GPS in it."""
    image = Image.open(io.BytesIO(data))
    gps = image.getexif().get_ifd(0x8825)  # the GPS IFD
    return {
        "format": image.format,
        "size": f"{image.width}x{image.height}",
        "bytes": len(data),
        "gps_in_public_copy": bool(gps),
    }

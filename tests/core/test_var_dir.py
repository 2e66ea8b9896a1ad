"""VAR_DIR exists before anything writes to it, whatever the database: with PostgreSQL and
no Redis the queue is still a SQLite file there, and the worker must be able to open it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_SETTINGS = ("DATABASE_URL", "REDIS_URL", "VAR_DIR", "DJANGO_")


def test_worker_queue_opens_with_postgres_and_no_redis(tmp_path: Path) -> None:
    # given a VAR_DIR that does not exist yet, PostgreSQL as the database and no Redis
    var_dir = tmp_path / "not" / "yet" / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SETTINGS)}
    env |= {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/never_connected",
        "VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "balaikota.settings",
        "DEBUG": "true",
    }
    # when the worker's queue is opened as `balaikota worker` opens it
    code = (
        "import django; django.setup()\n"
        "from huey.contrib.djhuey import HUEY\n"
        "print(HUEY.pending_count())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    # then it works, and the queue's file is in VAR_DIR
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
    assert (var_dir / "huey.sqlite3").exists()

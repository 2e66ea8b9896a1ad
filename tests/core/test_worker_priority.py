"""On one machine the web answers first: `balaikota serve` starts its workers below the web's
CPU priority, so that a periodic job or a backlog takes only the CPU the web leaves."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.peers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _nice(pid: int) -> int:
    # /proc/PID/stat: "pid (name) state ..."; the nice value is the 19th field.
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


def _command(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_serve_runs_its_workers_below_the_web_s_priority(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "DEBUG": "true",  # no collectstatic: only the processes are looked at
        "SECRET_KEY": secrets.token_urlsafe(48),
        "EMAIL_BACKEND_KIND": "none",
        "VAR_DIR": str(tmp_path),
        "WEB_CONCURRENCY": "1",
        "WORKER_NICE": "7",
    }
    serve = subprocess.Popen(
        [str(Path(sys.executable).parent / "balaikota"), "serve", "--port", str(free_port())],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = os.nice(0)  # a test run may itself be niced
    try:
        workers: dict[str, int] = {}
        web = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (len(workers) == 2 and web is not None):
            assert serve.poll() is None, "serve stopped"
            for child in _children(serve.pid):
                command = _command(child)
                if "worker" in command and _nice(child) == base + 7:
                    workers[command[command.index("--queue") + 1]] = child
                elif any("gunicorn" in part for part in command):
                    web = child
            time.sleep(0.2)
        # then both queues' consumers run 7 below the web, which keeps the usual priority
        assert sorted(workers) == ["default", "photos"]
        assert web is not None
        assert _nice(web) == _nice(serve.pid) == base
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)


def test_serve_refuses_a_priority_the_workers_cannot_take(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a way for e-mail to leave, and a priority beyond what `nice` allows
    settings.EMAIL_BACKEND_PROBLEM = None
    monkeypatch.setenv("WORKER_NICE", "20")

    def no_server(*args: object, **kwargs: object) -> None:
        raise AssertionError("serve started a process")

    monkeypatch.setattr(subprocess, "Popen", no_server)
    # when / then: it names the setting before starting anything
    with pytest.raises(CommandError, match="WORKER_NICE=20"):
        call_command("serve")

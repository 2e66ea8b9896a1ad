"""Start the application with production settings in a throw-away VAR_DIR, and stop it.

The app runs in its own process group (gunicorn master, its workers and the Huey worker),
so stopping it is one signal to that group. Only 127.0.0.1 is ever bound or contacted.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# collectstatic and the warm-up before the first worker answers: over a minute on a busy
# 2-core machine (load average 30).
START_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0
DEMO_TIMEOUT = 900.0  # the demo data on PostgreSQL took 4 minutes at load average 20

# Kept out of the server's environment so that nothing leaks in from the calling shell.
_CLEARED = ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "SITE_URL", "DJANGO_SETTINGS_MODULE")


class ServerError(RuntimeError):
    pass


@dataclass
class AppServer:
    root: Path
    var_dir: Path
    port: int
    env: dict[str, str]
    log_path: Path
    launcher: str = ""
    serve_error: str = ""
    log_offset: int = 0  # where the log of the running server starts
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Outbox messages by status when the measured load starts (after the warm-up).
    outbox_before: dict[str, int] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pgid(self) -> int | None:
        """The server's process group: its first process leads it."""
        return self.processes[0].pid if self.processes else None

    @property
    def database_name(self) -> str | None:
        """The PostgreSQL database's name, None for SQLite."""
        url = self.env.get("DATABASE_URL")
        return urlsplit(url).path.lstrip("/") if url else None

    @property
    def bin(self) -> Path:
        return Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def check_local_database(database_url: str) -> None:
    host = urlsplit(database_url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise ServerError(f"the benchmark only talks to 127.0.0.1, not to {host!r}")


def server_env(var_dir: Path, port: int, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(
        VAR_DIR=str(var_dir),
        DEBUG="false",
        # With DEBUG off, `serve` refuses to start until a mail backend is chosen; the
        # benchmark sends no e-mail.
        EMAIL_BACKEND_KIND="none",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://{HOST}:{port}",
        # Loopback only, no TLS in the measurement.
        ALLOW_INSECURE_HTTP="true",
        LOG_LEVEL="WARNING",
        # The load comes from one address here, a city's from thousands: the per-address
        # limit on new complaints would measure 429s, not intake.
        RATE_LIMIT_REPORTS="1000000/minute",
    )
    if database_url:
        check_local_database(database_url)
        env["DATABASE_URL"] = database_url
    return env


def new_server(root: Path, var_dir: Path, database_url: str | None) -> AppServer:
    port = free_port()
    return AppServer(
        root=root,
        var_dir=var_dir,
        port=port,
        env=server_env(var_dir, port, database_url),
        log_path=var_dir / "server.log",
    )


def load_demo(server: AppServer, boundaries: Path) -> None:
    """`balaikota demo`: migrate and load the Kota Malang demo data with the real polygons."""
    with server.log_path.open("ab") as log:
        subprocess.run(
            [
                str(server.bin / "balaikota"),
                "demo",
                "--boundaries",
                str(boundaries),
                # DEBUG is off to measure production settings; the database is the bench's own.
                "--i-know-this-is-not-production",
            ],
            cwd=server.root,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=DEMO_TIMEOUT,
            check=True,
        )


def create_api_key(server: AppServer) -> str:
    """An Open311 key with its own, unreachable limit (`create-api-key` prints it last)."""
    done = subprocess.run(
        [
            str(server.bin / "balaikota"),
            "create-api-key",
            "--name",
            "bench",
            "--rate-limit",
            "1000000",
        ],
        cwd=server.root,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def healthy(server: AppServer) -> bool:
    try:
        with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _wait_healthy(server: AppServer) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if healthy(server):
            return True
        if any(proc.poll() is not None for proc in server.processes):
            return False
        time.sleep(0.3)
    return False


def _popen(server: AppServer, command: list[str]) -> subprocess.Popen[bytes]:
    """Start `command` in the server's process group (a new one for the first process).

    Registered at once, so that `stop` reaches it even if starting the next one fails.
    """
    group = server.processes[0].pid if server.processes else 0
    with server.log_path.open("ab") as log:
        proc = subprocess.Popen(
            command,
            cwd=server.root,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            process_group=group,
        )
    server.processes.append(proc)
    return proc


def _last_error(log_path: Path) -> str:
    lines = [line for line in log_path.read_text(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "error" in line]
    return (errors or lines or [""])[-1].strip()[:300]


def _mark_log(server: AppServer) -> None:
    server.log_offset = server.log_path.stat().st_size if server.log_path.exists() else 0


def _start_serve(server: AppServer) -> bool:
    command = [str(server.bin / "balaikota"), "serve", "--port", str(server.port)]
    _mark_log(server)
    _popen(server, command)
    server.launcher = "balaikota serve"
    return _wait_healthy(server)


def start(server: AppServer) -> None:
    """`balaikota serve`: gunicorn and the Huey worker, as a single-machine install runs."""
    if not _start_serve(server):
        stop(server)
        server.serve_error = _last_error(server.log_path)
        raise ServerError(
            f"the server did not come up ({server.serve_error}); see {server.log_path}"
        )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def server_log(server: AppServer) -> str:
    """What the running server (not the demo loader or a failed start) wrote to its log."""
    with server.log_path.open("rb") as log:
        log.seek(server.log_offset)
        return log.read().decode(errors="replace")


def stop(server: AppServer) -> None:
    """SIGTERM to the server's process group, SIGKILL to whatever is left after a while."""
    if not server.processes:
        return
    pgid = server.processes[0].pid  # the leader of the group all of them are in
    _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while _group_alive(pgid) and time.monotonic() < deadline:
        for proc in server.processes:
            proc.poll()
        time.sleep(0.2)
    if _group_alive(pgid):
        _signal_group(pgid, signal.SIGKILL)
    for proc in server.processes:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    server.processes = []

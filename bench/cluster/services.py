"""The cluster's processes, each started on its host (`ip netns exec`), logging to a file.

- data: PostgreSQL 15 (run as the `postgres` user), Redis and SeaweedFS (master, volume,
  filer and S3 gateway in one `weed server`), each on the data host's address only;
- web1..3: `balaikota serve --no-worker` (gunicorn with core/gunicorn_conf.py, DEBUG off);
- work1..2: `balaikota worker` (the default queue with the periodic schedule) and
  `balaikota worker --queue photos`;
- lb: haproxy in front of the web hosts, health-checking /healthz, with an admin socket.

Every host gets the same configuration (one environment, as a city's hosts share one
env file) and its own VAR_DIR: nothing is shared through a disk.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import topology
from topology import BALANCER, BALANCER_PORT, DATA, WEB_PORT, WEBS, Host

PG_BIN = Path("/usr/lib/postgresql/15/bin")
VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
DATABASE = "balaikota"
PUBLIC_BUCKET, PRIVATE_BUCKET = "balaikota-public", "balaikota-private"
S3_KEY, S3_SECRET = "balaikota-cluster", secrets.token_urlsafe(24)
# SeaweedFS's ports: not its defaults, since it also makes Unix sockets named after them
# in /tmp (whatever TMPDIR says), which every network namespace shares.
WEED_PORTS = {"master": 9391, "volume": 8391, "filer": 8891, "s3": 8392}
S3_PORT = WEED_PORTS["s3"]
START_SECONDS = 180.0


class StartError(RuntimeError):
    pass


@dataclass
class Cluster:
    work: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@{DATA.address}:5432/{DATABASE}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://{DATA.address}:{S3_PORT}"

    def log(self, name: str) -> Path:
        return self.work / "logs" / f"{name}.log"

    def var_dir(self, host: Host) -> Path:
        return self.work / "hosts" / host.name

    def start(
        self, name: str, host: Host, command: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """`command` on `host`, in a session of its own (a Ctrl+C reaches the bench only;
        the teardown kills hosts by namespace)."""
        self.log(name).parent.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("ab") as log:
            process = subprocess.Popen(
                topology.in_host(host, command),
                cwd=ROOT,
                env=env or self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def run(
        self, name: str, host: Host, command: list[str], env: dict[str, str] | None = None
    ) -> str:
        """`command` on `host` to its end; its output (also appended to its log)."""
        done = subprocess.run(
            topology.in_host(host, command),
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=START_SECONDS * 2,
            check=False,
        )
        self.log(name).parent.mkdir(parents=True, exist_ok=True)
        with self.log(name).open("a") as log:
            log.write(done.stdout + done.stderr)
        if done.returncode != 0:
            raise StartError(f"{name} failed on {host.name}: {(done.stderr or done.stdout)[-800:]}")
        return done.stdout

    def expect_alive(self, *names: str) -> None:
        for name in names:
            code = self.processes[name].poll()
            if code is not None:
                tail = self.log(name).read_text(errors="replace")[-1500:]
                raise StartError(f"{name} exited ({code}); the end of its log:\n{tail}")


def _wait(what: str, ready: Any, cluster: Cluster, names: tuple[str, ...]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        cluster.expect_alive(*names)
        if time.monotonic() > deadline:
            raise StartError(f"{what} did not come up in {START_SECONDS:.0f} s")
        time.sleep(0.3)


def _port_open(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


# The data host ---------------------------------------------------------------------------


def start_postgres(cluster: Cluster) -> None:
    data, sockets = cluster.work / "pgdata", cluster.work / "pgsock"
    for folder in (data, sockets):
        folder.mkdir()
        shutil.chown(folder, "postgres", "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_postgres,
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {topology.SUBNET}.0/24 trust\n")
    settings = {
        "listen_addresses": DATA.address,
        "unix_socket_directories": str(sockets),
        "max_connections": "200",
        "shared_buffers": "256MB",
        "logging_collector": "off",
    }
    flags = [arg for name, value in settings.items() for arg in ("-c", f"{name}={value}")]
    cluster.start(
        "postgres", DATA, [*as_postgres, str(PG_BIN / "postgres"), "-D", str(data), *flags]
    )
    _wait("PostgreSQL", lambda: _port_open(DATA.address, 5432), cluster, ("postgres",))
    _create_database()


def _create_database() -> None:
    import psycopg

    url = f"postgres://postgres@{DATA.address}:5432/postgres"
    for _attempt in range(50):
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            return
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise StartError("PostgreSQL does not accept connections")


def start_redis(cluster: Cluster) -> None:
    folder = cluster.work / "redis"
    folder.mkdir()
    cluster.start(
        "redis",
        DATA,
        [
            "redis-server",
            "--bind",
            DATA.address,
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "no",
            "--dir",
            str(folder),
        ],
    )
    _wait("Redis", lambda: _port_open(DATA.address, 6379), cluster, ("redis",))


def start_object_store(cluster: Cluster) -> None:
    """SeaweedFS with two buckets: the public one readable by anyone (a bucket policy's job
    in a city), the private one only with the application's key."""
    folder = cluster.work / "seaweedfs"
    folder.mkdir()
    identities = {
        "identities": [
            {"name": "anonymous", "actions": [f"Read:{PUBLIC_BUCKET}"]},
            {
                "name": "balaikota",
                "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
        ]
    }
    (folder / "s3.json").write_text(json.dumps(identities))
    # -logtostderr: into the run's log, not glog files in /tmp.
    command = [str(VENV_BIN / "weed"), "-logtostderr", "server", f"-dir={folder}"]
    command += [f"-ip={DATA.address}"]
    command += [f"-ip.bind={DATA.address}", "-filer", "-s3", f"-s3.config={folder / 's3.json'}"]
    command += ["-volume.max=100", "-master.volumeSizeLimitMB=64"]
    for name, port in WEED_PORTS.items():
        command += [f"-{name}.port={port}", f"-{name}.port.grpc={port + 10000}"]
    cluster.start("seaweedfs", DATA, command)
    _wait("SeaweedFS", lambda: _buckets_ready(cluster), cluster, ("seaweedfs",))


def remove_weed_sockets() -> None:
    """The Unix sockets SeaweedFS left in /tmp (it leaves them when killed)."""
    for port in WEED_PORTS.values():
        for number in (port, port + 10000):
            for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{number}.sock"):
                sock.unlink(missing_ok=True)


def _buckets_ready(cluster: Cluster) -> bool:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=cluster.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
    )
    try:
        names = {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
        for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
            if bucket not in names:
                client.create_bucket(Bucket=bucket)
            # SeaweedFS grows a volume on a bucket's first write: done now, not in a test.
            client.put_object(Bucket=bucket, Key="ready", Body=b"")
            client.delete_object(Bucket=bucket, Key="ready")
    except Exception:  # not up yet: any error of boto3 or the connection
        return False
    return True


# The application hosts -------------------------------------------------------------------


def app_env(cluster: Cluster, rate_limit_reports: str) -> dict[str, str]:
    """One configuration for every web and worker host, as in README "Running it in
    production"; VAR_DIR is set per host."""
    cleared = ("DATABASE_URL", "REDIS_URL", "SITE_URL", "DJANGO_SETTINGS_MODULE", "VAR_DIR")
    env = {k: v for k, v in os.environ.items() if k not in cleared and not k.startswith("S3_")}
    allowed = [BALANCER.address, *(web.address for web in WEBS)]
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS=",".join(allowed),
        SITE_URL=f"http://{BALANCER.address}",
        # A closed network of namespaces, no TLS terminator in it.
        ALLOW_INSECURE_HTTP="true",
        TRUSTED_PROXIES="1",
        EMAIL_BACKEND_KIND="none",
        LOG_LEVEL="WARNING",
        DATABASE_URL=cluster.database_url,
        REDIS_URL=f"redis://{DATA.address}:6379/0",
        S3_ENDPOINT_URL=cluster.s3_endpoint,
        S3_BUCKET=PUBLIC_BUCKET,
        S3_PRIVATE_BUCKET=PRIVATE_BUCKET,
        S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID=S3_KEY,
        S3_SECRET_ACCESS_KEY=S3_SECRET,
        RATE_LIMIT_REPORTS=rate_limit_reports,
        # Each key's own per-minute limit out of the way: the rate-limit check is about the
        # per-address limit on new reports.
        OPEN311_RATE_LIMIT="1000",
        WEB_CONCURRENCY="2",
        WORKERS="2",
        PHOTO_WORKERS="1",
    )
    return env


def host_env(cluster: Cluster, host: Host) -> dict[str, str]:
    return {**cluster.env, "VAR_DIR": str(cluster.var_dir(host))}


def balaikota(*args: str) -> list[str]:
    return [str(VENV_BIN / "balaikota"), *args]


_REFERENCE_DATA = """
from pathlib import Path
from balaikota.demo import loader
loader.load_regions(Path({boundaries!r}))
loader.load_agencies()
loader.load_categories()
"""


def prepare_release(cluster: Cluster, boundaries: Path) -> dict[str, str]:
    """What a release does once: migrate, the city's reference data (kelurahan, agencies,
    categories), the routing model (trained meanwhile, shipped to every host as
    VAR_DIR/models), and two Open311 keys; returns the keys."""
    build = cluster.work / "hosts" / "build"
    env = {**cluster.env, "VAR_DIR": str(build)}
    train = "from balaikota.complaints.router import current_router; current_router()"
    with cluster.log("train").open("ab") as log:
        training = subprocess.Popen(
            balaikota("shell", "-c", train), cwd=ROOT, env=env, stdout=log, stderr=log
        )
    first = WEBS[0]
    cluster.run("migrate", first, balaikota("migrate", "--verbosity", "0"), env)
    reference = _REFERENCE_DATA.format(boundaries=str(boundaries))
    cluster.run("reference", first, balaikota("shell", "-c", reference), env)
    keys = {
        # The load generator's partner key: held to its own, unreachable limit.
        "bulk": _api_key(cluster, env, "cluster-bulk", "--rate-limit", "1000000"),
        # A citizen app's key: per-address limits apply to what it sends.
        "app": _api_key(cluster, env, "cluster-app"),
    }
    if training.wait(timeout=START_SECONDS) != 0:
        raise StartError(f"training the routing model failed; see {cluster.log('train')}")
    for host in (*WEBS, *topology.WORKERS):
        shutil.copytree(build / "models", cluster.var_dir(host) / "models")
    return keys


def _api_key(cluster: Cluster, env: dict[str, str], name: str, *extra: str) -> str:
    command = balaikota("create-api-key", "--name", name, *extra)
    out = cluster.run("keys", WEBS[0], command, env)
    return out.strip().splitlines()[-1]


def start_web(cluster: Cluster, host: Host) -> None:
    cluster.start(
        host.name,
        host,
        balaikota("serve", "--no-worker", "--host", "0.0.0.0", "--port", str(WEB_PORT)),  # noqa: S104
        env=host_env(cluster, host),
    )


def start_worker(cluster: Cluster, host: Host) -> None:
    env = host_env(cluster, host)
    cluster.start(f"{host.name}-default", host, balaikota("worker"), env=env)
    cluster.start(f"{host.name}-photos", host, balaikota("worker", "--queue", "photos"), env=env)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def wait_web(cluster: Cluster, hosts: tuple[Host, ...]) -> None:
    for host in hosts:
        url = f"http://{host.address}:{WEB_PORT}"
        _wait(f"{host.name} (gunicorn)", lambda url=url: healthy(url), cluster, (host.name,))


# The balancer ----------------------------------------------------------------------------

_HAPROXY = """global
    maxconn 4096
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A connection refused by a dead host is tried again, on another host.
    retries 2
    option redispatch 1
    option forwardfor

frontend open311
    bind {address}:{port}
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {address}
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    http-response set-header X-Served-By %s
{servers}
"""


def haproxy_socket(cluster: Cluster) -> Path:
    return cluster.work / "haproxy.sock"


def start_haproxy(cluster: Cluster) -> None:
    servers = "\n".join(f"    server {web.name} {web.address}:{WEB_PORT} check" for web in WEBS)
    config = cluster.work / "haproxy.cfg"
    config.write_text(
        _HAPROXY.format(
            socket=haproxy_socket(cluster),
            address=BALANCER.address,
            port=BALANCER_PORT,
            servers=servers,
        )
    )
    cluster.start("haproxy", BALANCER, ["haproxy", "-db", "-f", str(config)])
    url = f"http://{BALANCER.address}:{BALANCER_PORT}"
    _wait("haproxy", lambda: healthy(url), cluster, ("haproxy",))


def haproxy(cluster: Cluster, command: str) -> str:
    """One command on haproxy's admin socket (a Unix socket: reachable from any namespace)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(haproxy_socket(cluster)))
        sock.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def enable_webs(cluster: Cluster, count: int) -> None:
    """The first `count` web hosts take traffic; the others are put in maintenance."""
    for index, web in enumerate(WEBS):
        state = "ready" if index < count else "maint"
        haproxy(cluster, f"set server web/{web.name} state {state}")


def servers_up(cluster: Cluster) -> dict[str, str]:
    """Each web host's state as haproxy's health checks see it (UP, DOWN, MAINT)."""
    rows = haproxy(cluster, "show stat").splitlines()
    header = rows[0].lstrip("# ").split(",")
    states = {}
    for row in rows[1:]:
        values = dict(zip(header, row.split(","), strict=False))
        if values.get("pxname") == "web" and values.get("svname", "").startswith("web"):
            states[values["svname"]] = values.get("status", "")
    return states

"""The cluster's hosts: one Linux network namespace each, on one bridge of their own.

Every name made here starts with `bkc-` (namespaces, interfaces, the bridge), and the
bridge lives in a namespace too (`bkc-net`): nothing is added to the machine's own network
namespace, so its 127.0.0.1 services and its routes stay as they were, and no packet of the
cluster can leave the machine (the subnet is reachable only from inside these namespaces).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PREFIX = "bkc-"
BRIDGE_NS = "bkc-net"
BRIDGE = "bkc-br0"
DEVICE = "bkc-eth0"  # each host's own end of its cable
SUBNET = "10.77.11"
WEB_PORT = 8000
BALANCER_PORT = 80


@dataclass(frozen=True)
class Host:
    name: str  # short: web1, work2, data, lb, client
    address: str
    extra: tuple[str, ...] = ()  # further addresses of the same host

    @property
    def namespace(self) -> str:
        return PREFIX + self.name


BALANCER = Host("lb", f"{SUBNET}.2")
WEBS = tuple(Host(f"web{i}", f"{SUBNET}.{10 + i}") for i in (1, 2, 3))
WORKERS = tuple(Host(f"work{i}", f"{SUBNET}.{20 + i}") for i in (1, 2))
DATA = Host("data", f"{SUBNET}.30")
# The second address plays a second citizen's phone in the rate-limit check.
CLIENT = Host("client", f"{SUBNET}.40", extra=(f"{SUBNET}.41",))
HOSTS = (BALANCER, *WEBS, *WORKERS, DATA, CLIENT)


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def namespaces() -> list[str]:
    """Our namespaces that exist now (an earlier run's included)."""
    listing = ip("netns", "list", check=False).stdout.splitlines()
    names = [line.split()[0] for line in listing if line.strip()]
    return [name for name in names if name.startswith(PREFIX)]


def pids(namespace: str) -> list[int]:
    found = ip("netns", "pids", namespace, check=False).stdout.split()
    return [int(pid) for pid in found if pid.isdigit() and int(pid) != os.getpid()]


def cpu_seconds(namespace: str) -> float:
    """CPU time used so far by the processes now in `namespace` (all their threads)."""
    ticks = 0
    for pid in pids(namespace):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the name, which may hold spaces
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def kill_all(namespace: str, wait_seconds: float = 10.0) -> int:
    """SIGKILL every process in `namespace` (a host dying at once); how many there were."""
    victims = pids(namespace)
    for pid in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait_seconds
    while pids(namespace) and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(victims)


def down() -> list[str]:
    """Kill every process of every `bkc-` namespace and delete them all; their names."""
    found = namespaces()
    for namespace in found:
        kill_all(namespace)
    for namespace in found:
        ip("netns", "del", namespace, check=False)
    return found


def _plug(host: Host) -> None:
    """A veth cable from the host to the bridge, both ends made inside their namespaces."""
    ip(
        "link", "add", DEVICE, "netns", host.namespace, "type", "veth",
        "peer", "name", PREFIX + host.name, "netns", BRIDGE_NS,
    )  # fmt: skip
    ip("-n", BRIDGE_NS, "link", "set", PREFIX + host.name, "master", BRIDGE, "up")
    for address in (host.address, *host.extra):
        ip("-n", host.namespace, "addr", "add", f"{address}/24", "dev", DEVICE)
    ip("-n", host.namespace, "link", "set", DEVICE, "up")
    ip("-n", host.namespace, "link", "set", "lo", "up")


def up() -> None:
    """The bridge and every host on it."""
    ip("netns", "add", BRIDGE_NS)
    ip("-n", BRIDGE_NS, "link", "add", BRIDGE, "type", "bridge")
    ip("-n", BRIDGE_NS, "link", "set", BRIDGE, "up")
    for host in HOSTS:
        ip("netns", "add", host.namespace)
        _plug(host)


def in_host(host: Host, command: list[str]) -> list[str]:
    """`command` as run on `host`: in its network namespace, and under its own host name
    (a UTS namespace), which the application writes where a host name belongs (the
    periodic jobs' claims)."""
    rename = 'hostname "$0" && exec "$@"'
    shell = ["unshare", "--uts", "--", "sh", "-c", rename, host.namespace]
    return ["ip", "netns", "exec", host.namespace, *shell, *command]

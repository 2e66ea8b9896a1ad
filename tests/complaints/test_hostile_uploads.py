"""Hostile photos: intake reads only their headers, and the worker neither crashes nor grows
past 512 MB on any of them.

The files are made here, small on disk (a 30000x30000 PNG is about 110 KB of zlib). The
worker's processing of each runs in its own process, whose peak memory is read from the
kernel (VmHWM, the high-water mark of the process's own resident memory since it started), so
one file's memory cannot hide behind another's.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pillow_heif
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from balaikota.complaints import photos
from balaikota.complaints.models import Photo
from balaikota.demo import images
from tests.conftest import SUMBERSARI, Cast, submit

ROOT = Path(__file__).resolve().parents[2]
WORKER_RSS_LIMIT_MB = 512
LIMITS = {"max_bytes": 15_000_000, "max_pixels": 50_000_000}

# Channels of each PNG colour type: grey, RGB, grey + alpha, RGB + alpha.
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(
    width: int,
    height: int,
    *,
    depth: int = 8,
    colour: int = 2,
    idat: bytes | None = None,
    exif_after_pixels: bytes | None = None,
) -> bytes:
    """A PNG of blank pixels, compressed row block by row block so that even 900 megapixels
    take half a second and a hundred kilobytes; its EXIF (if any) after the pixels, where
    Pillow only finds it by decoding them."""
    if idat is None:
        row = b"\x00" * (1 + math.ceil(width * _CHANNELS[colour] * depth / 8))
        compressor = zlib.compressobj(9)
        parts = [compressor.compress(row * min(64, height - y)) for y in range(0, height, 64)]
        idat = b"".join([*parts, compressor.flush()])
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    chunks = [_chunk(b"IHDR", header), _chunk(b"IDAT", idat)]
    if exif_after_pixels is not None:
        chunks.append(_chunk(b"eXIf", exif_after_pixels))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + _chunk(b"IEND", b"")


def noisy_jpeg(width: int, height: int) -> bytes:
    """A photo-like JPEG (a gradient with sensor noise), which costs as much to decode as a
    real one; a flat picture would decode several times faster."""
    import numpy as np

    rng = np.random.default_rng(7)
    across = (np.arange(width) * 255 // width).astype(np.int16)[None, :, None]
    down = (np.arange(height) * 255 // height).astype(np.int16)[:, None, None]
    pixels = rng.integers(-16, 17, size=(height, width, 3), dtype=np.int16)
    pixels += across
    pixels[..., 1:] += down
    pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=85)
    return out.getvalue()


def heic(width: int = 1200, height: int = 900) -> bytes:
    image = Image.open(io.BytesIO(images.picture(width=width, height=height)))
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(
        out, format="HEIF", quality=60, exif=images.gps_exif(*SUMBERSARI).tobytes()
    )
    return out.getvalue()


def _gps_exif() -> bytes:
    raw: bytes = images.gps_exif(*SUMBERSARI).tobytes()
    return raw.removeprefix(b"Exif\x00\x00")  # the eXIf chunk holds the TIFF structure only


# name -> (how it is made, what the worker must make of it)
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "png-bomb-30000": (lambda: png(30000, 30000, depth=1, colour=0), "failed"),
    # Its 49 megapixels with transparency need 374 MiB to scale: over the default bound.
    "rgba-7000": (lambda: png(7000, 7000, colour=6), "failed"),
    "rgba-5000": (lambda: png(5000, 5000, colour=6), "ready"),
    # 58 megapixels of RGB: 231 MB decoded, just under the default bound (intake would
    # refuse it for its pixels; the worker must hold on its own).
    "rgb-7600-at-the-bound": (lambda: png(7600, 7600), "ready"),
    "grey-16-bit-7070": (lambda: png(7070, 7070, depth=16, colour=0), "ready"),
    "rgb-16-bit-7070": (lambda: png(7070, 7070, depth=16, colour=2), "ready"),
    "corrupt-zlib": (lambda: png(2000, 2000, idat=b"x\x9c" + os.urandom(4000)), "failed"),
    "truncated-jpeg": (lambda: noisy_jpeg(4000, 3000)[:1_000_000], "failed"),
    "heic": (heic, "ready"),
    "truncated-heic": (lambda: heic()[:3000], "failed"),
}

# The worker's processing of one file, as the photo task runs it (decode within the bound,
# staff copy, public copy with face detection), in a fresh interpreter.
_WORKER = """
import json, re, sys
import django
django.setup()
from django.conf import settings
from balaikota.complaints import photos
data = open(sys.argv[1], "rb").read()
try:
    staff = photos.process(data, max_decoded_bytes=settings.PHOTO_DECODE_MAX_BYTES)
    photos.public_copy_of(staff)
    outcome = {"state": "ready", "size": [staff.width, staff.height]}
except photos.PhotoUnusable as exc:
    outcome = {"state": "failed", "reason": str(exc)}
status = open("/proc/self/status").read()
outcome["peak_kib"] = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
print(json.dumps(outcome))
"""


def run_worker(path: Path, tmp_path: Path) -> tuple[int, dict[str, Any], int]:
    """Exit status, the outcome printed, and peak resident memory in MB."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "balaikota.settings",
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    out = tmp_path / f"{path.name}.out"
    with out.open("wb") as stdout:
        # Not getrusage(RUSAGE_CHILDREN): Linux counts in it the memory of the test process
        # the child was forked from.
        status = subprocess.run(
            [sys.executable, "-c", _WORKER, str(path)], env=env, cwd=ROOT, stdout=stdout
        ).returncode
    text = out.read_text()
    outcome = json.loads(text.splitlines()[-1]) if text.strip() else {}
    return status, outcome, int(outcome.get("peak_kib", 0)) // 1024


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_worker_survives_each_hostile_photo_within_512_mb(name: str, tmp_path: Path) -> None:
    make, expected = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    assert path.stat().st_size < 1_500_000  # small on disk, whatever it unpacks to

    status, outcome, peak_mb = run_worker(path, tmp_path)

    assert status == 0, f"the worker crashed on {name}"
    assert outcome["state"] == expected, outcome
    assert peak_mb < WORKER_RSS_LIMIT_MB, f"{name}: {peak_mb} MB"
    if expected == "ready":
        assert max(outcome["size"]) <= photos.PUBLIC_MAX_SIDE


def test_a_16_bit_grey_photo_is_scaled_down_not_clipped_to_white() -> None:
    # given a 16-bit grey PNG at half of full scale (32768)
    image = Image.new("I;16", (300, 200), 32768)
    out = io.BytesIO()
    image.save(out, "PNG")
    # when the worker makes its copy
    copy = photos.decode(out.getvalue(), side=2048, max_decoded_bytes=photos.DECODE_MAX_BYTES)
    # then it is mid grey
    assert copy.mode == "RGB"
    assert copy.getpixel((10, 10)) == (128, 128, 128)


def test_transparency_is_laid_on_white() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(out, "PNG")
    copy = photos.decode(out.getvalue(), side=2048, max_decoded_bytes=photos.DECODE_MAX_BYTES)
    assert copy.getpixel((10, 10)) == (255, 255, 255)


def test_a_photo_over_the_decode_bound_is_refused_before_it_is_decoded() -> None:
    data = png(7000, 7000, colour=6)
    started = time.process_time()
    with pytest.raises(photos.PhotoUnusable, match="373 MiB decoded; the bound is 100 MiB"):
        photos.decode(data, side=2048, max_decoded_bytes=100 * 2**20)
    assert time.process_time() - started < 0.5  # decoding 49 megapixels takes seconds


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size() -> None:
    copy = photos.decode(noisy_jpeg(4000, 3000), side=2048, max_decoded_bytes=40 * 2**20)
    # 4000x3000 decoded by the JPEG library at 1/2 (RGB: 24 MB, not 48 MB), so within 40 MiB
    assert copy.size == (2000, 1500)


def test_intake_of_a_7000_square_png_reads_its_gps_without_decoding_it() -> None:
    data = png(7000, 7000, colour=6, exif_after_pixels=_gps_exif())
    started = time.perf_counter()
    checked = photos.check(io.BytesIO(data), size=len(data), **LIMITS)
    elapsed = time.perf_counter() - started
    assert (checked.width, checked.height) == (7000, 7000)
    assert checked.gps == pytest.approx(SUMBERSARI, abs=1e-5)
    assert elapsed < 0.5  # decoding it took 5 s in the web request


def test_intake_refuses_a_png_bomb_as_too_many_pixels() -> None:
    data = png(30000, 30000, depth=1, colour=0)
    with pytest.raises(photos.PhotoRejected, match="too many pixels; the limit is 50 million"):
        photos.check(io.BytesIO(data), size=len(data), **LIMITS)


def test_intake_refuses_more_pixels_than_the_setting_allows() -> None:
    data = png(7000, 7000, colour=6)
    with pytest.raises(photos.PhotoRejected, match=r"too many pixels \(49 million\)"):
        photos.check(io.BytesIO(data), size=len(data), max_bytes=15_000_000, max_pixels=40_000_000)


def test_the_report_form_refuses_a_bomb_and_keeps_what_was_typed(cast: Cast) -> None:
    bomb = SimpleUploadedFile("foto.png", png(30000, 30000, depth=1, colour=0), "image/png")
    response = Client().post(
        reverse("complaints:report"),
        {
            "text": "Lampu jalan mati di depan masjid.",
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "location_source": "map",
            "photos": [bomb],
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "foto.png: The photo has too many pixels" in page
    assert "Lampu jalan mati di depan masjid." in page


def test_a_photo_over_the_decode_bound_fails_and_its_original_is_deleted(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a worker allowed 1 MiB of pixels, and a photo with GPS that needs more
    settings.PHOTO_DECODE_MAX_BYTES = 2**20
    upload = SimpleUploadedFile(
        "jalan.jpg", images.picture(width=1600, height=1200, gps=SUMBERSARI), "image/jpeg"
    )
    # when it is submitted and processed
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[upload])
    # then the photo failed, and the original (with its GPS) is gone at once
    photo = Photo.objects.get(complaint=complaint)
    assert photo.state == Photo.State.FAILED
    assert photo.original == ""
    uploads = Path(settings.PRIVATE_MEDIA_ROOT) / "uploads"
    assert not uploads.exists() or not [p for p in uploads.rglob("*") if p.is_file()]
    assert storages["private"].listdir("")[1] == []

"""A 12-megapixel photo: what intake costs in the request, and what the worker's copies cost.

Issue 11's goals: the check at intake under 50 ms (it reads headers and EXIF only), the
worker's re-encode under 150 ms of CPU (the JPEG decoded at half size by DCT scaling).
In-process, no server: `.venv/bin/python bench/photo_bench.py`, or a phase of `bench/run.py`.
CPU is `time.process_time()` (all threads of this process, OpenCV's included).
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image
from samples import with_gps

from balaikota.complaints import photos

SIZE = (4000, 3000)
LIMITS = {"max_bytes": 15_000_000, "max_pixels": 50_000_000}


def twelve_megapixels(seed: int = 7) -> bytes:
    """A 4000x3000 JPEG (quality 90) of a gradient with sensor-like noise, GPS in its EXIF:
    it costs as much to decode as a phone's photo, where a flat picture would cost less."""
    width, height = SIZE
    rng = np.random.default_rng(seed)
    across = (np.arange(width) * 255 // width).astype(np.int16)[None, :, None]
    down = (np.arange(height) * 255 // height).astype(np.int16)[:, None, None]
    pixels = rng.integers(-16, 17, size=(height, width, 3), dtype=np.int16)
    pixels += across
    pixels[..., 1:] += down
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return with_gps(out.getvalue(), -7.96, 112.614)


def _median_ms(step: Callable[[], Any], clock: Callable[[], float], runs: int) -> float:
    times = []
    for _run in range(runs):
        started = clock()
        step()
        times.append((clock() - started) * 1000)
    return round(statistics.median(times), 1)


def run_photo(runs: int = 7, seed: int = 7) -> dict[str, Any]:
    data = twelve_megapixels(seed)
    photos.public_copy_of(photos.process(data))  # OpenCV and the cascades load once

    def check() -> photos.Checked:
        return photos.check(io.BytesIO(data), size=len(data), **LIMITS)

    def task() -> photos.PublicCopy:
        return photos.public_copy_of(photos.process(data))

    staff = photos.process(data)
    return {
        "photo": f"{SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.1f} MB, GPS {check().gps}",
        "copy": f"{staff.width}x{staff.height}",
        "runs": runs,
        "intake_ms": _median_ms(check, time.perf_counter, runs * 3),
        "reencode_cpu_ms": _median_ms(lambda: photos.process(data), time.process_time, runs),
        "task_cpu_ms": _median_ms(task, time.process_time, runs),
    }


def lines(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"photo: {result['photo']}; staff and public copies {result['copy']}",
            f"intake check (headers, EXIF GPS): {result['intake_ms']} ms (goal < 50 ms)",
            f"worker re-encode (decode at 1/2, staff copy and thumbnail): "
            f"{result['reencode_cpu_ms']} ms CPU (goal < 150 ms)",
            f"worker photo task with face and plate detection and the public copy: "
            f"{result['task_cpu_ms']} ms CPU",
            f"(medians of {result['runs']} runs)",
        ]
    )


if __name__ == "__main__":
    print(lines(run_photo()))

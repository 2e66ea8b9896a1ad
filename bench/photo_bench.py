"""A 12-megapixel photo: what intake costs in the request, and what the worker's copies cost.

Issue 11's goals: the check at intake under 50 ms (it reads headers and EXIF only), the
worker's `process_photo` under 150 ms of CPU (the JPEG decoded at half size by DCT scaling,
faces and plates looked for on small grey copies). In-process, no server:
`.venv/bin/python bench/photo_bench.py`, or a phase of `bench/run.py`.

CPU is `time.process_time()` (all threads of this process, OpenCV's included), the median
of several runs. Two photos: one of a street's texture without anyone in it (most complaint
photos), and the same with a face (the astronaut portrait from scikit-image, when it is
installed), whose public copy is blurred and encoded again.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image
from samples import with_gps

from balaikota.complaints import faces, photos

SIZE = (4000, 3000)
LIMITS = {"max_bytes": 15_000_000, "max_pixels": 50_000_000}
# The face's width in the 12 MP photo: someone a few metres from the camera.
FACE_SIDE = 320


def _texture(seed: int) -> np.ndarray:
    """A gradient with sensor-like noise: it costs as much to decode as a phone's photo,
    where a flat picture would cost less."""
    width, height = SIZE
    rng = np.random.default_rng(seed)
    across = (np.arange(width) * 255 // width).astype(np.int16)[None, :, None]
    down = (np.arange(height) * 255 // height).astype(np.int16)[:, None, None]
    pixels = rng.integers(-16, 17, size=(height, width, 3), dtype=np.int16)
    pixels += across
    pixels[..., 1:] += down
    return np.clip(pixels, 0, 255).astype(np.uint8)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return with_gps(out.getvalue(), -7.96, 112.614)


def twelve_megapixels(seed: int = 7) -> bytes:
    """A 4000x3000 JPEG (quality 90) of the texture, GPS in its EXIF."""
    return _jpeg(Image.fromarray(_texture(seed)))


def twelve_megapixels_with_face(seed: int = 7) -> bytes | None:
    """The same with a real face in it, or None without scikit-image (a dev dependency)."""
    try:
        from skimage import data
    except ImportError:
        return None
    # In the 512-pixel portrait the face is about 100 pixels wide, from (172, 64).
    scale = FACE_SIDE / 100
    portrait = Image.fromarray(data.astronaut()).crop((100, 0, 420, 320))
    portrait = portrait.resize((round(320 * scale), round(320 * scale)), Image.Resampling.LANCZOS)
    scene = Image.fromarray(_texture(seed))
    scene.paste(portrait, (1200, 600))
    return _jpeg(scene)


def _median_ms(step: Callable[[], Any], clock: Callable[[], float], runs: int) -> float:
    times = []
    for _run in range(runs):
        started = clock()
        step()
        times.append((clock() - started) * 1000)
    return round(statistics.median(times), 1)


def _stages(data: bytes, runs: int) -> dict[str, float]:
    """The task's steps one by one, each timed on the previous step's output."""

    def cpu(step: Callable[[], Any]) -> float:
        return _median_ms(step, time.process_time, runs)

    rgb = photos.decode(data, side=photos.PUBLIC_MAX_SIDE, max_decoded_bytes=2**30)
    thumb = photos.thumbnail_pixels(rgb)
    grey = rgb.convert("L")
    areas = faces.areas_to_blur(rgb)
    stages = {
        "decode (DCT-scaled to the copy's size)": cpu(
            lambda: photos.decode(data, side=photos.PUBLIC_MAX_SIDE, max_decoded_bytes=2**30)
        ),
        "resize (the thumbnail)": cpu(lambda: photos.thumbnail_pixels(rgb)),
        "encode (staff copy and thumbnail)": cpu(
            lambda: (photos.encode(rgb), photos.encode(thumb))
        ),
        "grey copy for the detectors": cpu(lambda: rgb.convert("L")),
    }
    for detector in faces.DETECTORS:
        name = detector.cascade.removeprefix("haarcascade_").removesuffix(".xml")
        stages[f"detect {name} (side {detector.side}, step {detector.scale_factor})"] = cpu(
            lambda detector=detector: faces.detect(grey, detector)  # type: ignore[misc]
        )
    if areas:
        blurred = faces.blur(rgb, areas)
        stages["blur"] = cpu(lambda: faces.blur(rgb, areas))
        stages["public copy: resize and encode"] = cpu(
            lambda: (photos.encode(blurred), photos.encode(photos.thumbnail_pixels(blurred)))
        )
    return stages


def _measure(data: bytes, runs: int) -> dict[str, Any]:
    def task() -> photos.PublicCopy:
        return photos.public_copy_of(photos.process(data))

    return {
        "task_cpu_ms": _median_ms(task, time.process_time, runs),
        "task_wall_ms": _median_ms(task, time.perf_counter, runs),
        "blurred": task().blurred,
        "stages": _stages(data, runs),
    }


def run_photo(runs: int = 7, seed: int = 7) -> dict[str, Any]:
    data = twelve_megapixels(seed)
    photos.public_copy_of(photos.process(data))  # OpenCV and the cascades load once

    def check() -> photos.Checked:
        return photos.check(io.BytesIO(data), size=len(data), **LIMITS)

    staff = photos.process(data)
    result: dict[str, Any] = {
        "photo": f"{SIZE[0]}x{SIZE[1]} JPEG, {len(data) / 1e6:.1f} MB, GPS {check().gps}",
        "copy": f"{staff.width}x{staff.height}",
        "staff_kb": round(len(staff.image) / 1000, 1),
        "thumbnail_kb": round(len(staff.thumbnail) / 1000, 1),
        "runs": runs,
        "load_average": os.getloadavg()[0],
        "intake_ms": _median_ms(check, time.perf_counter, runs * 3),
        "reencode_cpu_ms": _median_ms(lambda: photos.process(data), time.process_time, runs),
        "no_face": _measure(data, runs),
    }
    with_face = twelve_megapixels_with_face(seed)
    if with_face is not None:
        result["face"] = _measure(with_face, runs)
    result["task_cpu_ms"] = result["no_face"]["task_cpu_ms"]
    return result


def _photo_lines(title: str, measured: dict[str, Any]) -> list[str]:
    lines = [
        f"{title}: {measured['task_cpu_ms']} ms CPU ({measured['task_wall_ms']} ms wall), "
        f"{measured['blurred']} area(s) blurred (goal < 150 ms CPU)"
    ]
    lines += [f"    {stage}: {ms} ms" for stage, ms in measured["stages"].items()]
    return lines


def lines(result: dict[str, Any]) -> str:
    out = [
        f"photo: {result['photo']}; staff and public copies {result['copy']} "
        f"({result['staff_kb']} kB, thumbnail {result['thumbnail_kb']} kB)",
        f"intake check (headers, EXIF GPS): {result['intake_ms']} ms (goal < 50 ms)",
        f"worker staff copy alone (decode, thumbnail, encode): {result['reencode_cpu_ms']} ms CPU",
    ]
    out += _photo_lines("worker photo task, nobody in the photo", result["no_face"])
    if "face" in result:
        out += _photo_lines("worker photo task, a face in the photo", result["face"])
    else:
        out.append("(no photo with a face: scikit-image is not installed)")
    out.append(f"(medians of {result['runs']} runs; load average {result['load_average']:.2f})")
    return "\n".join(out)


if __name__ == "__main__":
    print(lines(run_photo()))

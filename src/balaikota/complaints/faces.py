"""Faces and number plates in a photo, found and blurred for its public copy.

Detection uses the Haar cascades shipped inside opencv-python-headless 4.x (OpenCV 5 dropped
them): cheap, no model to download, and good at faces turned towards the camera. It runs
on a scaled-down grey copy and the boxes are mapped back, so a photo costs the same whatever
its size: about 90 ms of CPU for the three detectors, more in a busy picture
(bench/photo_bench.py). Pure functions over Pillow images: no database, no storage.

The blur must defeat the detector, not just look soft: a coarse pixelation (16 or even 10
blocks across) is still found as a face, so each area is shrunk to a few pixels, enlarged
again and blurred on top.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageFilter

# x, y, width, height in pixels of the image they were found in.
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Detector:
    cascade: str
    # The longest side of the grey copy it looks at: smaller is faster, but misses small
    # faces (the smallest found is about `min_size` pixels of that copy).
    side: int
    min_size: tuple[int, int]
    neighbours: int
    # The step between the sizes it looks for: 1.15 costs about three quarters of 1.1
    # (fewer sizes of the image to scan). Plates need the finer step: at 1.15 a quarter of
    # the plates found at 1.1 were missed in our trials.
    scale_factor: float
    # Profile cascades find faces looking one way only: run them on the mirror image too.
    mirrored: bool = False
    # How much wider the blurred area is than the box found, on each side (hair, ears,
    # the plate's frame), as a fraction of the box.
    margin: float = 0.3


# The "alt2" frontal cascade, not "default": on textures like gravel and asphalt (what most
# complaint photos show) "default" finds several faces per picture, "alt2" none. Frontal
# faces from 3 % of the photo's longest side (125 pixels of a 4000-pixel photo), faces
# seen from the side from 4 %, plates from 6 %: people close enough to be recognised.
# The frontal one looks at 640 pixels with the fine step rather than at 800 with the coarse
# one: the same CPU, and with a face of 2.5-20 % of the side pasted into 48 photos, 42 found
# against 44, but no face found in the blurred area's edges afterwards.
FRONTAL = Detector(
    "haarcascade_frontalface_alt2.xml", side=640, min_size=(20, 20), neighbours=4, scale_factor=1.1
)
PROFILE = Detector(
    "haarcascade_profileface.xml",
    side=480,
    min_size=(20, 20),
    neighbours=5,
    scale_factor=1.15,
    mirrored=True,
)
# The cascade was trained on Russian plates, but a plate is a plate to it: it finds
# Indonesian ones (white on black and black on white) and, in our trials, nothing in
# textures, text or sky.
PLATE = Detector(
    "haarcascade_russian_plate_number.xml",
    side=1024,
    min_size=(60, 20),
    neighbours=5,
    scale_factor=1.1,
    margin=0.15,
)
FACE_DETECTORS = (FRONTAL, PROFILE)
DETECTORS = (*FACE_DETECTORS, PLATE)

# What an area is shrunk to (pixels on its shorter side) before it is enlarged and blurred.
BLUR_CELLS = 6

# The photos queue runs several tasks at once, one per thread: OpenCV's own threads inside a
# detection add about a quarter more CPU (their hand-overs) and no throughput.
cv2.setNumThreads(1)

# A cascade classifier is not safe to share between threads (the worker runs several).
_local = threading.local()


def _classifier(name: str) -> cv2.CascadeClassifier:
    loaded: dict[str, cv2.CascadeClassifier] = _local.__dict__.setdefault("classifiers", {})
    if name not in loaded:
        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + name)  # type: ignore[attr-defined]
        if classifier.empty():
            raise RuntimeError(f"the cascade {name} is missing from the OpenCV package")
        loaded[name] = classifier
    return loaded[name]


def _grey(image: Image.Image, side: int) -> tuple[np.ndarray, float]:
    """A grey copy whose longest side is at most `side`, and its scale to the original."""
    scale = min(1.0, side / max(image.size))
    small = image.convert("L")
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        small = small.resize(size, Image.Resampling.BOX)
    return np.asarray(small), scale


def detect(image: Image.Image, detector: Detector) -> list[Box]:
    """The boxes `detector` finds in `image`, in the image's own pixels (no margin)."""
    grey, scale = _grey(image, detector.side)
    classifier = _classifier(detector.cascade)
    found: list[Box] = []
    for mirrored in (False, True) if detector.mirrored else (False,):
        pixels = cv2.flip(grey, 1) if mirrored else grey
        boxes = classifier.detectMultiScale(
            pixels,
            scaleFactor=detector.scale_factor,
            minNeighbors=detector.neighbours,
            minSize=detector.min_size,
        )
        for x, y, w, h in boxes:
            if mirrored:
                x = grey.shape[1] - x - w
            found.append((round(x / scale), round(y / scale), round(w / scale), round(h / scale)))
    return found


def detect_faces(image: Image.Image) -> list[Box]:
    """Faces turned towards the camera or seen from the side."""
    return [box for detector in FACE_DETECTORS for box in detect(image, detector)]


def _widened(box: Box, margin: float, size: tuple[int, int]) -> Box:
    x, y, w, h = box
    dx, dy = round(w * margin), round(h * margin)
    left, top = max(0, x - dx), max(0, y - dy)
    right, bottom = min(size[0], x + w + dx), min(size[1], y + h + dy)
    return (left, top, right - left, bottom - top)


def _overlap(a: Box, b: Box) -> float:
    """How much of the smaller box lies inside the other."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    return width * height / min(a[2] * a[3], b[2] * b[3])


def areas_to_blur(image: Image.Image) -> list[Box]:
    """Every face and plate found, widened by its margin; one area per face even when
    two detectors (frontal and profile) found it."""
    areas: list[Box] = []
    # Every detector looks at grey pixels: converted once, not once per detector.
    grey = image if image.mode == "L" else image.convert("L")
    for detector in DETECTORS:
        for box in detect(grey, detector):
            area = _widened(box, detector.margin, image.size)
            if all(_overlap(area, kept) < 0.6 for kept in areas):
                areas.append(area)
    return areas


def from_fractions(areas: Iterable[Sequence[float]], size: tuple[int, int]) -> list[Box]:
    """A moderator's rectangles, [x, y, width, height] as fractions, in pixels of `size`."""
    width, height = size
    boxes = []
    for x, y, w, h in areas:
        left, top = round(x * width), round(y * height)
        right = min(width, round((x + w) * width))
        bottom = min(height, round((y + h) * height))
        if right > left and bottom > top:
            boxes.append((left, top, right - left, bottom - top))
    return boxes


def blur(image: Image.Image, areas: Iterable[Box]) -> Image.Image:
    """A copy of `image` with each area made unrecognisable."""
    out = image.copy()
    for x, y, w, h in areas:
        if w < 1 or h < 1:
            continue
        region = out.crop((x, y, x + w, y + h))
        shrink = BLUR_CELLS / min(w, h)
        cells = (max(1, round(w * shrink)), max(1, round(h * shrink)))
        smeared = region.resize(cells, Image.Resampling.BOX).resize(
            (w, h), Image.Resampling.BILINEAR
        )
        out.paste(smeared.filter(ImageFilter.GaussianBlur(max(w, h) * 0.04)), (x, y))
    return out

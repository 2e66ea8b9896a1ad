"""Test material: points inside the real kelurahan polygons, complaint texts and a photo."""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from PIL import Image
from shapely.geometry import mapping, shape

from balaikota.demo.images import gps_exif
from balaikota.regions.malang import approximate_village_areas

# Bounding box of Kota Malang (../shared/data/README.md).
LON_MIN, LON_MAX = 112.5689, 112.6938
LAT_MIN, LAT_MAX = -8.0516, -7.9108

PHOTO_SIZE = (3000, 2000)
_TEXTS = (
    "Jalan berlubang cukup dalam di dekat titik ini, sudah ada pengendara motor yang jatuh.",
    "Aspal mengelupas sepanjang kira-kira dua puluh meter, berbahaya saat hujan dan malam hari.",
    "Ada lubang besar di tengah jalan kampung, tolong segera ditambal sebelum makan korban.",
    "Permukaan jalan bergelombang dan retak setelah galian pipa, belum diperbaiki sampai sekarang.",
)


@dataclass(frozen=True)
class Area:
    code: str
    geometry: shapely.Geometry


def boundaries_or_approximate(boundaries: Path, folder: Path) -> Path:
    """`boundaries` when the file is there; otherwise the approximate kelurahan the demo lays
    out without one (Voronoi cells around the public centres), written as GeoJSON to
    `folder`, so that the benchmarks run on a fresh clone without ../shared."""
    if boundaries.exists():
        return boundaries
    approximate = folder / "malang-kelurahan-approximate.geojson"
    features = [
        {"type": "Feature", "properties": {"kode": code}, "geometry": mapping(geometry)}
        for code, geometry in approximate_village_areas().items()
    ]
    approximate.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    print(f"no {boundaries}: approximate kelurahan areas instead", flush=True)
    return approximate


def load_areas(boundaries: Path) -> list[Area]:
    """The kelurahan of the GeoJSON file as (Kemendagri code, WGS84 geometry)."""
    features = json.loads(boundaries.read_text())["features"]
    return [Area(feature["properties"]["kode"], shape(feature["geometry"])) for feature in features]


def bbox_points(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` uniform random (lat, lon) arrays in the city's bounding box."""
    rng = np.random.default_rng(seed)
    lats = rng.uniform(LAT_MIN, LAT_MAX, count)
    lons = rng.uniform(LON_MIN, LON_MAX, count)
    return lats, lons


def inside_points(areas: list[Area], count: int, seed: int) -> list[tuple[float, float]]:
    """`count` random (lat, lon) points that lie inside some kelurahan polygon."""
    tree = shapely.STRtree([area.geometry for area in areas])
    chosen: list[tuple[float, float]] = []
    attempt = 0
    while len(chosen) < count:
        lats, lons = bbox_points(max(4 * count, 1000), seed + attempt)
        hits = tree.query(shapely.points(lons, lats), predicate="within")
        inside = np.unique(hits[0])
        chosen.extend((round(float(lats[i]), 6), round(float(lons[i]), 6)) for i in inside)
        attempt += 1
    return chosen[:count]


def complaint_text(index: int) -> str:
    return f"{_TEXTS[index % len(_TEXTS)]} (uji beban #{index})"


def base_photo(seed: int = 7) -> bytes:
    """A 3000x2000 JPEG of about 1.3 MB: a gradient with sensor-like noise, no EXIF."""
    width, height = PHOTO_SIZE
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    gradient = np.stack(
        [x * 255 // width, y * 255 // height, (x + y) * 255 // (width + height)], axis=-1
    ).astype(np.int16)
    noise = rng.integers(-16, 17, size=(height, width, 3), dtype=np.int16)
    pixels = np.clip(gradient + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=85)
    return out.getvalue()


def with_gps(jpeg: bytes, lat: float, lon: float) -> bytes:
    """`jpeg` with an EXIF APP1 segment carrying (lat, lon) inserted after the SOI marker.

    Splicing the segment in costs microseconds, where re-encoding a 6-megapixel photo
    per request would take a quarter of a second.
    """
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    exif: bytes = gps_exif(lat, lon).tobytes()  # starts with b"Exif\0\0"
    segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    return jpeg[:2] + segment + jpeg[2:]

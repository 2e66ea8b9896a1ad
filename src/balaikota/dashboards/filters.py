"""The public map's and list's filter, read from the address so that a view can be shared.

Pure: parsing and validation only; `selectors.public_complaints` applies it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from balaikota.complaints.models import Status

# Rejected complaints and duplicates are not on the map: they are not problems in the city.
HIDDEN_STATUSES = (Status.REJECTED, Status.DUPLICATE)
PUBLIC_STATUSES = tuple(status for status in Status if status not in HIDDEN_STATUSES)
MAX_ZOOM = 20
POINT_ZOOM = 16  # from this zoom on, single complaints instead of clusters


@dataclass(frozen=True)
class MapFilter:
    kategori: str = ""  # category slug
    opd: str = ""  # agency code
    kecamatan: str = ""  # region code of a kecamatan
    kelurahan: str = ""  # region code of a kelurahan
    status: str = ""  # a public status, or empty for all
    dari: dt.date | None = None  # submitted on or after
    sampai: dt.date | None = None  # submitted on or before

    def query(self) -> str:
        """The filter as a query string (only what is set), for links and the map's calls."""
        return urlencode({key: str(value) for key, value in asdict(self).items() if value})

    @property
    def is_empty(self) -> bool:
        return not self.query()


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _code(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 40 and value.replace("-", "").replace(".", "").isalnum() else ""


def parse(params: QueryDict | dict[str, str]) -> MapFilter:
    """A filter from request parameters; unknown or malformed values are ignored."""
    status = params.get("status", "") or ""
    return MapFilter(
        kategori=_code(params.get("kategori", "") or ""),
        opd=_code(params.get("opd", "") or ""),
        kecamatan=_code(params.get("kecamatan", "") or ""),
        kelurahan=_code(params.get("kelurahan", "") or ""),
        status=status if status in PUBLIC_STATUSES else "",
        dari=_date(params.get("dari", "") or ""),
        sampai=_date(params.get("sampai", "") or ""),
    )


@dataclass(frozen=True)
class Viewport:
    west: float
    south: float
    east: float
    north: float
    zoom: int


def cell_degrees(zoom: int) -> float:
    """Grid cell size: about 48 screen pixels at this zoom (a 256-pixel tile spans
    360 / 2^zoom degrees of longitude)."""
    return 360.0 / (2**zoom) / (256 / 48)


class BadViewport(ValueError):
    pass


def parse_viewport(bbox: str, zoom: str) -> Viewport:
    """`bbox=west,south,east,north` (degrees) and `zoom` (0-20), or BadViewport."""
    try:
        west, south, east, north = (float(part) for part in bbox.split(","))
        level = int(zoom)
    except ValueError as exc:
        raise BadViewport(
            "bbox is west,south,east,north in degrees and zoom a whole number"
        ) from exc
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BadViewport("bbox is out of range or its corners are swapped")
    if not 0 <= level <= MAX_ZOOM:
        raise BadViewport(f"zoom is from 0 to {MAX_ZOOM}")
    return Viewport(west, south, east, north, level)

"""Was the "after" photo taken at the complaint's place? Pure: no database.

The photo's own EXIF GPS (read at upload by `photos.check`, kept in `Photo.gps_lat/gps_lon`;
never in a served copy) says where it was taken; failing that, the location the device
sent with the form says where the officer was when sending it. More than the allowed
distance away, or no location at all, is flagged for the head of the agency: a flag is a
question to ask, not a verdict (GPS indoors is often off by tens of metres).
"""

from __future__ import annotations

from dataclasses import dataclass

from balaikota.complaints.duplicates import distance_m
from balaikota.complaints.models import LocationSource, PlaceCheck

Point = tuple[float, float]


@dataclass(frozen=True)
class Verdict:
    check: PlaceCheck
    distance_m: float | None = None
    source: str = ""  # LocationSource.EXIF or DEVICE, "" when there was none

    @property
    def flagged(self) -> bool:
        return self.check != PlaceCheck.NEAR


def judge(place: Point, *, exif: Point | None, device: Point | None, limit_m: float) -> Verdict:
    """The photo's location (EXIF first: where it was taken) against the complaint's place."""
    if exif is not None:
        taken, source = exif, LocationSource.EXIF
    elif device is not None:
        taken, source = device, LocationSource.DEVICE
    else:
        return Verdict(PlaceCheck.UNKNOWN)
    distance = distance_m(place[0], place[1], taken[0], taken[1])
    check = PlaceCheck.NEAR if distance <= limit_m else PlaceCheck.FAR
    return Verdict(check, round(distance, 1), source.value)


def device_point(lat: str | float | None, lon: str | float | None) -> Point | None:
    """The device location posted with a form, or None when missing or not a place on Earth."""
    try:
        point = (float(str(lat).replace(",", ".")), float(str(lon).replace(",", ".")))
    except (TypeError, ValueError):
        return None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180) or point == (0.0, 0.0):
        return None
    return point

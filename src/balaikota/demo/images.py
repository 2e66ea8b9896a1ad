"""Pictures for the demo (and the tests): a plain photo-like JPEG, with GPS EXIF if asked."""

from __future__ import annotations

import io
from fractions import Fraction

from PIL import Image, ImageDraw


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = Fraction(round((minutes_full - minutes) * 60 * 10000), 10000)
    return (Fraction(degrees), Fraction(minutes), seconds)


def gps_exif(lat: float, lon: float) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1] = "S" if lat < 0 else "N"
    gps[2] = _dms(lat)
    gps[3] = "W" if lon < 0 else "E"
    gps[4] = _dms(lon)
    exif[0x010F] = "DemoCam"  # Make
    exif[0x9003] = "2026:11:01 08:30:00"  # DateTimeOriginal
    return exif


def picture(
    width: int = 800,
    height: int = 600,
    *,
    colour: tuple[int, int, int] = (120, 110, 100),
    gps: tuple[float, float] | None = None,
    fmt: str = "JPEG",
    label: str = "",
) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, width, max(8, width // 20)):
        draw.line([(i, 0), (width - i, height)], fill=(colour[0] // 2, colour[1] // 2, 60), width=3)
    draw.ellipse([width // 3, height // 3, width // 2, height // 2], fill=(40, 40, 40))
    if label:
        draw.text((12, 12), label, fill=(255, 255, 255))
    out = io.BytesIO()
    kwargs = {"exif": gps_exif(*gps)} if gps else {}
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=85, **kwargs)
    else:
        image.save(out, fmt, **kwargs)
    return out.getvalue()

"""Photo checks and processing with Pillow (and pillow-heif for HEIC).

At intake only the cheap part runs: is it a real JPEG/PNG/HEIC within the size limits, and
where was it taken (EXIF GPS)? Re-encoding without metadata and thumbnails are the
worker's job (`process()`), so a citizen's upload is acknowledged quickly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, Any

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic"}
PUBLIC_MAX_SIDE = 2048
THUMB_MAX_SIDE = 480
JPEG_QUALITY = 82
_GPS_IFD = 0x8825


class PhotoRejected(ValueError):
    """The file is not a photo we accept; the message is for the citizen."""


@dataclass(frozen=True)
class Checked:
    format: str
    width: int
    height: int
    gps: tuple[float, float] | None


def check(stream: IO[bytes], *, size: int, max_bytes: int, max_pixels: int) -> Checked:
    if size > max_bytes:
        raise PhotoRejected(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1_000_000, 1), "limit": round(max_bytes / 1_000_000)}
        )
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            image_format = image.format or ""
            if image_format not in ACCEPTED_FORMATS:
                raise PhotoRejected(_("Only JPEG, PNG and HEIC photos are accepted."))
            width, height = image.size
            if width * height > max_pixels:
                raise PhotoRejected(
                    _(
                        "The photo has too many pixels (%(pixels)s million); the limit is "
                        "%(limit)s million."
                    )
                    % {"pixels": round(width * height / 1e6), "limit": round(max_pixels / 1e6)}
                )
            if image_format == "JPEG":
                gps = read_gps(image)
                # Decoding at 1/8 scale reads the whole file in a few milliseconds, so a
                # truncated or corrupt JPEG is refused now rather than failing later.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
            else:
                image.verify()
        if image_format != "JPEG":
            # verify() leaves the image unusable: open it again for its EXIF.
            stream.seek(0)
            with Image.open(stream) as image:
                gps = read_gps(image)
    except PhotoRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as exc:
        raise PhotoRejected(_("This file is not a photo that can be read.")) from exc
    finally:
        stream.seek(0)
    return Checked(format=image_format, width=width, height=height, gps=gps)


def _to_degrees(value: Any) -> float:
    degrees, minutes, seconds = (float(Fraction(part).limit_denominator(10**9)) for part in value)
    return degrees + minutes / 60 + seconds / 3600


def read_gps(image: Image.Image) -> tuple[float, float] | None:
    """(lat, lon) from EXIF GPS, signed by the N/S and E/W references, or None."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
    except Exception:
        return None
    try:
        lat = _to_degrees(gps[2])
        lon = _to_degrees(gps[4])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    lat_ref = str(gps.get(1, "N")).strip("\x00 ").upper()
    lon_ref = str(gps.get(3, "E")).strip("\x00 ").upper()
    if lat_ref == "S":
        lat = -lat
    if lon_ref == "W":
        lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return (round(lat, 7), round(lon, 7))


@dataclass(frozen=True)
class Processed:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A fresh image object carries no EXIF, XMP or comments: only pixels are saved.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def process(data: bytes) -> Processed:
    """Re-encode as JPEG, turned upright, scaled down, with no metadata at all."""
    with Image.open(io.BytesIO(data)) as source:
        upright = ImageOps.exif_transpose(source) or source
        rgb = upright.convert("RGB")
    rgb.thumbnail((PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE), Image.Resampling.LANCZOS)
    public = _encode(rgb)
    thumb = rgb.copy()
    thumb.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE), Image.Resampling.LANCZOS)
    return Processed(image=public, thumbnail=_encode(thumb), width=rgb.width, height=rgb.height)

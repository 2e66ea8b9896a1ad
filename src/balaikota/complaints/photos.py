"""Photo checks and processing with Pillow (and pillow-heif for HEIC).

At intake only the cheap part runs: is it a real JPEG/PNG/HEIC within the size limits, and
where was it taken (EXIF GPS)? The rest is the worker's, so a citizen's upload is
acknowledged quickly: `process()` makes the staff copy (upright, scaled down, re-encoded
without any metadata), and `public_copy()` makes the public one from it, with faces and
plates (and the areas a moderator drew) blurred.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
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
    """The staff copy: what was received, upright and scaled down, without metadata."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A fresh image object carries no EXIF, XMP, ICC profile or comments: only pixels.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.copy()
    thumb.thumbnail((THUMB_MAX_SIDE, THUMB_MAX_SIDE), Image.Resampling.LANCZOS)
    return _encode(thumb)


def process(data: bytes) -> Processed:
    """Re-encode as JPEG, turned upright, scaled down, with no metadata at all."""
    with Image.open(io.BytesIO(data)) as source:
        # A large JPEG is decoded at a half, a quarter or an eighth of its size when that
        # is still larger than the copy (a 50-megapixel photo at a quarter of its pixels).
        shrink = PUBLIC_MAX_SIDE / max(source.size)
        source.draft("RGB", (math.ceil(source.width * shrink), math.ceil(source.height * shrink)))
        upright = ImageOps.exif_transpose(source) or source
        rgb = upright.convert("RGB")
    rgb.thumbnail((PUBLIC_MAX_SIDE, PUBLIC_MAX_SIDE), Image.Resampling.LANCZOS)
    return Processed(
        image=_encode(rgb), thumbnail=_thumbnail(rgb), width=rgb.width, height=rgb.height
    )


@dataclass(frozen=True)
class PublicCopy:
    image: bytes
    thumbnail: bytes
    # Faces and plates found and blurred (the moderator's areas not counted).
    blurred: int


def public_copy(staff_image: bytes, blur_areas: Sequence[Sequence[float]] = ()) -> PublicCopy:
    """The copy the public sees, made from the staff copy (`Processed.image`): every face
    and plate found blurred, and the moderator's areas ([x, y, width, height] fractions)."""
    # OpenCV takes 60 MB and a fifth of a second to load: only the worker needs it.
    from balaikota.complaints import faces

    with Image.open(io.BytesIO(staff_image)) as source:
        rgb = source.convert("RGB")
    found = faces.areas_to_blur(rgb)
    blurred = faces.blur(rgb, [*found, *faces.from_fractions(blur_areas, rgb.size)])
    return PublicCopy(image=_encode(blurred), thumbnail=_thumbnail(blurred), blurred=len(found))

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
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import IO, Any

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "HEIF": "image/heic"}
PUBLIC_MAX_SIDE = 2048
THUMB_MAX_SIDE = 480
JPEG_QUALITY = 82
# A JPEG is decoded at the smallest of 1/2, 1/4, 1/8 that is still this share of the copy.
DRAFT_SLACK = 0.9
# The worker's bound on one photo's decoded pixels when the caller gives none (the setting
# PHOTO_DECODE_MAX_BYTES). With the worker's own 170 MB and the scaled copies, a photo at
# the bound keeps the worker under 512 MB.
DECODE_MAX_BYTES = 224 * 2**20
_GPS_IFD = 0x8825
_ORIENTATION = 0x0112
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A real PNG has tens or hundreds of chunks; past this many, its EXIF is not looked for.
_PNG_MAX_CHUNKS = 20_000
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# EXIF orientation -> the transposition that makes the photo upright.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoRejected(ValueError):
    """The file is not a photo we accept; the message is for the citizen."""


class PhotoUnusable(ValueError):
    """The worker cannot make copies of this file (too large to decode, corrupt, truncated);
    the message is for the log and the staff."""


@dataclass(frozen=True)
class Checked:
    format: str
    width: int
    height: int
    gps: tuple[float, float] | None


def check(stream: IO[bytes], *, size: int, max_bytes: int, max_pixels: int) -> Checked:
    """What intake needs to know, from the headers and the metadata only: the format, the
    dimensions and the GPS. No pixel is decoded here (a photo that turns out corrupt fails in
    the worker), so a request costs milliseconds whatever the file claims to hold."""
    if size > max_bytes:
        raise PhotoRejected(
            _("The photo is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(size / 1_000_000, 1), "limit": round(max_bytes / 1_000_000)}
        )
    stream.seek(0)
    try:
        # Lazy: Pillow reads the headers (for a PNG the chunks before the pixels).
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
            gps = gps_of(read_exif(image, stream))
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses to even open an image of more than twice MAX_IMAGE_PIXELS.
        raise PhotoRejected(
            _("The photo has too many pixels; the limit is %(limit)s million.")
            % {"limit": round(max_pixels / 1e6)}
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error) as exc:
        raise PhotoRejected(_("This file is not a photo that can be read.")) from exc
    finally:
        stream.seek(0)
    return Checked(format=image_format, width=width, height=height, gps=gps)


def _png_exif_chunk(stream: IO[bytes]) -> bytes | None:
    """The PNG eXIf chunk, before or after the pixels. Pillow's `getexif()` on a PNG decodes
    the whole image to reach a chunk after them; walking the chunk headers only seeks."""
    stream.seek(len(_PNG_SIGNATURE))
    for _chunk in range(_PNG_MAX_CHUNKS):
        header = stream.read(8)
        if len(header) < 8:
            return None
        length, kind = struct.unpack(">I4s", header)
        if kind == b"eXIf":
            data = stream.read(length)
            return data if len(data) == length else None
        if kind == b"IEND":
            return None
        stream.seek(length + 4, io.SEEK_CUR)  # the chunk's data and its CRC
    return None


def read_exif(image: Image.Image, stream: IO[bytes]) -> Image.Exif:
    """The EXIF of an opened (not loaded) image: JPEG APP1 and HEIC metadata are read by
    `Image.open` into `info`, a PNG's eXIf chunk is looked up in the file. Unreadable EXIF
    is no EXIF."""
    raw = image.info.get("exif")
    if raw is None and image.format == "PNG":
        raw = _png_exif_chunk(stream)
    exif = Image.Exif()
    if isinstance(raw, bytes) and raw:
        try:
            exif.load(raw)
        except Exception:  # whatever a malformed TIFF structure makes Pillow raise
            return Image.Exif()
    return exif


def _to_degrees(value: Any) -> float:
    degrees, minutes, seconds = (float(Fraction(part).limit_denominator(10**9)) for part in value)
    return degrees + minutes / 60 + seconds / 3600


def gps_of(exif: Image.Exif) -> tuple[float, float] | None:
    """(lat, lon) from EXIF GPS, signed by the N/S and E/W references, or None."""
    try:
        gps = exif.get_ifd(_GPS_IFD)
        lat = _to_degrees(gps[2])
        lon = _to_degrees(gps[4])
    except Exception:  # missing tags, or values that are not three rationals
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
    # The decoded pixels of `image`, so that the public copy is made without decoding again.
    pixels: Image.Image | None = None


def encode(image: Image.Image) -> bytes:
    """JPEG of the pixels of an RGB image, and nothing else."""
    out = io.BytesIO()
    # A fresh image object carries no EXIF, XMP, ICC profile or comments: only pixels.
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    # Baseline with optimised Huffman tables: a progressive file took twice the CPU to
    # write and was no smaller (2000x1500: 24 against 12 ms, 159 against 155 kB).
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def thumbnail_pixels(image: Image.Image) -> Image.Image:
    """`image` scaled to the thumbnail's size (a new image; `image` is left as it is)."""
    thumb = _scaled(image, THUMB_MAX_SIDE, reducing_gap=1.0)
    return thumb.copy() if thumb is image else thumb


def _thumbnail(image: Image.Image) -> bytes:
    return encode(thumbnail_pixels(image))


def decoded_bytes(mode: str, size: tuple[int, int], image_format: str = "") -> int:
    """Memory needed for an image's pixels: 1, 2 or 4 bytes a pixel by mode, twice that
    with transparency (Pillow scales those through a premultiplied full-size copy) and for
    HEIC (libheif decodes into its own buffer, which is then copied into Pillow's)."""
    copies = 2 if mode in ("RGBA", "LA") or image_format == "HEIF" else 1
    return size[0] * size[1] * _BYTES_PER_PIXEL.get(mode, 4) * copies


def _scaled(image: Image.Image, side: int, reducing_gap: float = 2.0) -> Image.Image:
    """`image` with its longest side at most `side` (never enlarged). reduce() by whole
    factors does the bulk of the work first, LANCZOS the rest: the smaller `reducing_gap`,
    the more reduce() does (faster, a little softer)."""
    scale = side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # reduce() does not exist for 16-bit grey.
    gap = None if image.mode.startswith("I;16") else reducing_gap
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=gap)


def _as_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB from any mode a PNG, a JPEG or a HEIC decodes to: 16-bit and 32-bit grey
    scaled down (not clipped to white), transparency laid on white."""
    if image.mode.startswith("I") or image.mode == "F":
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def decode(data: bytes, *, side: int, max_decoded_bytes: int) -> Image.Image:
    """The photo in 8-bit RGB, upright, its longest side at most `side`, decoded within a
    memory bound: a large JPEG is decoded at 1/2, 1/4 or 1/8 of its size by the JPEG
    library itself (DCT scaling), and any image whose pixels would need more than
    `max_decoded_bytes` is refused before it is decoded. Raises PhotoUnusable."""
    stream = io.BytesIO(data)
    try:
        with Image.open(stream) as source:
            if source.format not in ACCEPTED_FORMATS:
                raise PhotoUnusable(f"{source.format} is not an accepted format")
            orientation = read_exif(source, stream).get(_ORIENTATION, 1)
            if source.format == "JPEG":
                # Down to 90 % of the copy's size: a 4000-pixel photo is decoded at 2000.
                shrink = DRAFT_SLACK * side / max(source.size)
                source.draft(
                    "RGB", (math.ceil(source.width * shrink), math.ceil(source.height * shrink))
                )
            needed = decoded_bytes(source.mode, source.size, source.format)
            if needed > max_decoded_bytes:
                raise PhotoUnusable(
                    f"{source.width}x{source.height} {source.mode} needs {needed // 2**20} MiB "
                    f"decoded; the bound is {max_decoded_bytes // 2**20} MiB"
                )
            source.load()
            small = _as_rgb(_scaled(source, side))
    except PhotoUnusable:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoUnusable(f"decompression bomb: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error) as exc:
        # Truncated files, broken zlib streams, impossible headers.
        raise PhotoUnusable(f"{type(exc).__name__}: {exc}") from exc
    except MemoryError as exc:
        raise PhotoUnusable("out of memory while decoding") from exc
    method = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    return small.transpose(method) if method is not None else small


def process(data: bytes, *, max_decoded_bytes: int = DECODE_MAX_BYTES) -> Processed:
    """Re-encode as JPEG, turned upright, scaled down, with no metadata at all."""
    rgb = decode(data, side=PUBLIC_MAX_SIDE, max_decoded_bytes=max_decoded_bytes)
    return Processed(
        image=encode(rgb),
        thumbnail=_thumbnail(rgb),
        width=rgb.width,
        height=rgb.height,
        pixels=rgb,
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
    with Image.open(io.BytesIO(staff_image)) as source:
        rgb = source.convert("RGB")
    return _public(rgb, staff_image, None, blur_areas)


def public_copy_of(staff: Processed, blur_areas: Sequence[Sequence[float]] = ()) -> PublicCopy:
    """`public_copy()` of a staff copy just made, from its pixels still in memory."""
    if staff.pixels is None:
        return public_copy(staff.image, blur_areas)
    return _public(staff.pixels, staff.image, staff.thumbnail, blur_areas)


def _public(
    rgb: Image.Image,
    staff_image: bytes,
    staff_thumbnail: bytes | None,
    blur_areas: Sequence[Sequence[float]],
) -> PublicCopy:
    # OpenCV takes 60 MB and a fifth of a second to load: only the worker needs it.
    from balaikota.complaints import faces

    found = faces.areas_to_blur(rgb)
    areas = [*found, *faces.from_fractions(blur_areas, rgb.size)]
    if not areas:
        # Nothing to hide: the same pixels, so the staff copy's own files (metadata-free).
        return PublicCopy(
            image=staff_image, thumbnail=staff_thumbnail or _thumbnail(rgb), blurred=0
        )
    blurred = faces.blur(rgb, areas)
    return PublicCopy(image=encode(blurred), thumbnail=_thumbnail(blurred), blurred=len(found))

"""Photo checks at intake and re-encoding in the worker (pure Pillow, no database)."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image

from balaikota.complaints import photos
from balaikota.demo import images

LIMITS = {"max_bytes": 15_000_000, "max_pixels": 50_000_000}


def check(data: bytes, **limits: int) -> photos.Checked:
    return photos.check(io.BytesIO(data), size=len(data), **(LIMITS | limits))


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(-7.96, 112.614), (7.96, 112.614), (-7.96, -112.614), (51.5, -0.12)],
    ids=["south-east", "north-east", "south-west", "north-west"],
)
def test_gps_is_read_with_its_hemisphere(lat: float, lon: float) -> None:
    found = check(images.picture(gps=(lat, lon))).gps
    assert found is not None
    assert found == pytest.approx((lat, lon), abs=1e-5)


def test_photo_without_gps_has_no_location() -> None:
    assert check(images.picture()).gps is None


def test_heic_photo_is_accepted_with_its_gps() -> None:
    image = Image.open(io.BytesIO(images.picture(width=320, height=240)))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, format="HEIF", quality=60, exif=images.gps_exif(-7.973, 112.635).tobytes())
    checked = check(out.getvalue())
    assert checked.format == "HEIF"
    assert checked.gps == pytest.approx((-7.973, 112.635), abs=1e-5)


def test_png_is_accepted() -> None:
    assert check(images.picture(fmt="PNG")).format == "PNG"


def test_a_text_file_is_not_a_photo() -> None:
    with pytest.raises(photos.PhotoRejected, match="not a photo"):
        check(b"%PDF-1.4 this is a document, not a photo" * 10)


def test_a_gif_is_refused_as_not_accepted_format() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(photos.PhotoRejected, match="JPEG, PNG and HEIC"):
        check(out.getvalue())


def test_a_truncated_jpeg_is_not_decoded_at_intake_and_fails_in_the_worker() -> None:
    data = images.picture(width=1200, height=900)[:-2000]
    assert check(data).width == 1200  # the request reads headers only
    with pytest.raises(photos.PhotoUnusable, match="truncated"):
        photos.process(data)


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(photos.PhotoRejected, match="too large"):
        check(images.picture(), max_bytes=10_000)


def test_an_image_with_too_many_pixels_is_refused() -> None:
    with pytest.raises(photos.PhotoRejected, match="too many pixels"):
        check(images.picture(width=2000, height=1500), max_pixels=1_000_000)


def test_processed_copies_carry_no_exif_and_no_gps() -> None:
    result = photos.process(images.picture(width=3000, height=2000, gps=(-7.96, 112.614)))
    for data in (result.image, result.thumbnail):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info
        assert b"Exif" not in data
        assert b"DemoCam" not in data
    assert max(result.width, result.height) == photos.PUBLIC_MAX_SIDE


def test_processing_turns_the_photo_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise: a portrait photo stored as landscape
    out = io.BytesIO()
    Image.new("RGB", (400, 200)).save(out, "JPEG", exif=exif)
    result = photos.process(out.getvalue())
    assert (result.width, result.height) == (200, 400)

"""Finding and blurring faces and plates for a photo's public copy (no database).

The face is a real photograph's: scikit-image's astronaut (Eileen Collins, a NASA portrait
in the public domain).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from skimage import data

from balaikota.complaints import faces, photos
from balaikota.demo import images


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.fromarray(data.astronaut()).resize((1024, 1024), Image.Resampling.LANCZOS)


def _pixelated(image: Image.Image, area: faces.Box, cells: int) -> Image.Image:
    x, y, w, h = area
    out = image.copy()
    region = out.crop((x, y, x + w, y + h)).resize((cells, cells), Image.Resampling.BOX)
    out.paste(region.resize((w, h), Image.Resampling.NEAREST), (x, y))
    return out


def _street_with_plate(text_on_black: bool) -> Image.Image:
    scene = Image.new("RGB", (1600, 1200), (110, 110, 105))
    draw = ImageDraw.Draw(scene)
    background, ink = ((0, 0, 0), (255, 255, 255)) if text_on_black else ((255,) * 3, (0,) * 3)
    draw.rectangle((500, 700, 1100, 840), fill=background, outline=ink, width=6)
    font = ImageFont.load_default(size=96)
    draw.text((530, 705), "N 1234 AB", fill=ink, font=font)
    return scene


def test_the_detector_finds_the_face_in_a_real_photograph(astronaut: Image.Image) -> None:
    found = faces.detect_faces(astronaut)
    assert found
    # the face is in the upper middle of the portrait
    x, y, w, h = found[0]
    assert 300 < x + w / 2 < 600
    assert 100 < y + h / 2 < 350


def test_a_blurred_face_is_no_longer_found(astronaut: Image.Image) -> None:
    # given the areas to blur in the portrait
    areas = faces.areas_to_blur(astronaut)
    assert len(areas) == 1  # one face, though both the frontal and profile detectors see it
    # when they are blurred
    blurred = faces.blur(astronaut, areas)
    # then no detector finds a face any more, at the photo's size or smaller
    assert faces.detect_faces(blurred) == []
    assert faces.detect_faces(blurred.resize((480, 480))) == []


def test_a_coarse_pixelation_would_not_be_enough(astronaut: Image.Image) -> None:
    """Why the blur is so strong: mosaic blocks still read as a face to the detector."""
    area = faces.areas_to_blur(astronaut)[0]
    assert faces.detect_faces(_pixelated(astronaut, area, 20))


def test_a_road_without_people_or_cars_has_nothing_to_blur() -> None:
    road = Image.open(io.BytesIO(images.picture(width=1600, height=1200)))
    assert faces.areas_to_blur(road) == []


@pytest.mark.parametrize("text_on_black", [True, False], ids=["old-black", "new-white"])
def test_a_number_plate_is_found_and_blurred(text_on_black: bool) -> None:
    scene = _street_with_plate(text_on_black)
    areas = faces.areas_to_blur(scene)
    assert len(areas) == 1
    x, y, w, h = areas[0]
    assert x <= 530
    assert y <= 720
    assert x + w >= 1000
    assert y + h >= 800
    assert faces.detect(faces.blur(scene, areas), faces.PLATE) == []


def test_moderator_areas_are_fractions_of_the_picture() -> None:
    assert faces.from_fractions([[0.5, 0.25, 0.5, 0.5]], (2000, 1000)) == [(1000, 250, 1000, 500)]
    # clipped to the picture, empty ones dropped
    assert faces.from_fractions([[0.9, 0.9, 0.5, 0.5], [0.1, 0.1, 0, 0.2]], (100, 100)) == [
        (90, 90, 10, 10)
    ]


def test_the_public_copy_counts_what_was_blurred_automatically(astronaut: Image.Image) -> None:
    out = io.BytesIO()
    astronaut.save(out, "JPEG", quality=90)
    staff = photos.process(out.getvalue())
    copy = photos.public_copy(staff.image, [[0.0, 0.8, 0.2, 0.2]])
    assert copy.blurred == 1  # the face; the moderator's area is not counted
    with Image.open(io.BytesIO(copy.image)) as public:
        assert faces.detect_faces(public) == []


def test_a_face_in_a_twelve_megapixel_phone_photo_is_blurred_in_the_public_copy(
    astronaut: Image.Image,
) -> None:
    # given a 4000x3000 photo of a grey street (GPS and orientation in its EXIF) with someone
    # standing a few metres away: a face of about 190 of its 4000 pixels
    street = Image.new("RGB", (4000, 3000), (118, 116, 110))
    street.paste(astronaut.resize((960, 960), Image.Resampling.LANCZOS), (2400, 900))
    exif = images.gps_exif(-7.96, 112.614)
    exif[0x0112] = 1  # upright already
    out = io.BytesIO()
    street.save(out, "JPEG", quality=90, exif=exif.tobytes())
    # when the worker makes its copies
    staff = photos.process(out.getvalue())
    public = photos.public_copy_of(staff)
    # then the staff copy still shows the face, the public copy does not
    assert public.blurred == 1
    with Image.open(io.BytesIO(staff.image)) as copy:
        assert faces.detect_faces(copy)
    with Image.open(io.BytesIO(public.image)) as copy:
        assert faces.detect_faces(copy) == []
        assert not copy.getexif()

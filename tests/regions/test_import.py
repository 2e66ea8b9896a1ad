"""`balaikota import-regions`: idempotent, configurable, and all-or-nothing on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from balaikota.regions import selectors
from balaikota.regions.models import Region
from balaikota.regions.names import normalise_name

pytestmark = pytest.mark.django_db


def square(x: float, y: float, size: float = 0.01) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def feature(
    code: str,
    name: str,
    geometry: dict[str, Any],
    parent: str = "99.01.01",
    parent_name: str = "Kecamatan Uji",
) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "kode": code,
            "nama": name,
            "kode_kecamatan": parent,
            "kecamatan": parent_name,
        },
    }


def write(tmp_path: Path, *features: dict[str, Any]) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_regions", *args, stdout=out)
    return out.getvalue()


def test_import_creates_villages_and_their_kecamatan(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        feature("99.01.01.1001", "Satu", square(110.0, -7.0)),
        feature("99.01.01.1002", "Dua", square(110.01, -7.0)),
    )
    assert "2 created" in run(str(path))
    district = Region.objects.get(code="99.01.01")
    assert district.name == "Kecamatan Uji"
    assert district.children.count() == 2
    assert district.area_km2 == pytest.approx(2 * 1.1 * 1.1, rel=0.05)
    selectors.index_cache.clear()
    assert selectors.locate(-6.995, 110.005).village.code == "99.01.01.1001"


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, feature("99.01.01.1001", "Satu", square(110.0, -7.0)))
    run(str(path))
    assert "0 created, 0 updated, 1 unchanged" in run(str(path))
    assert Region.objects.filter(code="99.01.01.1001").count() == 1


def test_a_changed_boundary_is_updated(tmp_path: Path) -> None:
    run(str(write(tmp_path, feature("99.01.01.1001", "Satu", square(110.0, -7.0)))))
    assert "1 updated" in run(
        str(write(tmp_path, feature("99.01.01.1001", "Satu", square(110.0, -7.0, 0.02))))
    )


def test_an_invalid_polygon_imports_nothing_and_says_which(tmp_path: Path) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[110, -7], [110.01, -6.99], [110.01, -7], [110, -6.99], [110, -7]]],
    }
    path = write(
        tmp_path,
        feature("99.01.01.1001", "Satu", square(110.0, -7.0)),
        feature("99.01.01.1002", "Rusak", bowtie),
    )
    with pytest.raises(CommandError, match=r"feature 2 \(99.01.01.1002\).*invalid"):
        run(str(path))
    assert not Region.objects.exists()


def test_other_property_names_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "other.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": square(110.0, -7.0),
                        "properties": {
                            "KODE_DESA": "99.02.01.2001",
                            "NAMA_DESA": "Tiga",
                            "KEC": "99.02.01",
                            "NAMA_KEC": "Lain",
                        },
                    }
                ],
            }
        )
    )
    run(
        str(path),
        "--code-property",
        "KODE_DESA",
        "--name-property",
        "NAMA_DESA",
        "--parent-property",
        "KEC",
        "--parent-name-property",
        "NAMA_KEC",
    )
    assert Region.objects.get(code="99.02.01.2001").parent.name == "Lain"


def test_a_file_that_is_not_geojson_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text("kode,nama\n1,Satu\n")
    with pytest.raises(CommandError, match="not a JSON file"):
        run(str(path))


def test_missing_code_property_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, feature("99.01.01.1001", "Satu", square(110.0, -7.0)))
    with pytest.raises(CommandError, match="no code in property 'KODE'"):
        run(str(path), "--code-property", "KODE")


def test_variant_spellings_find_the_same_kelurahan(city: None) -> None:
    for spelling in (
        "Tasik Madu",
        "Tasikmadu",
        "kel. TASIKMADU",
        "Rampal Celaket",
        "Oro Oro Dowo",
        "Gadingkasri",
    ):
        region = selectors.find_by_name(spelling)
        assert region is not None, spelling
    assert normalise_name("Oro-oro Dowo") == normalise_name("ORO ORO DOWO")


def test_the_real_or_approximate_city_has_57_kelurahan_in_5_kecamatan(city: None) -> None:
    assert Region.objects.filter(level="district").count() == 5
    assert Region.objects.filter(level="village").count() == 57


def test_admin_page_says_when_the_boundaries_are_approximate(db: None) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from balaikota.demo import loader
    from balaikota.regions.models import Region

    loader.load_regions(boundaries=None)
    assert Region.objects.filter(level="village", is_approximate=True).count() == 57
    admin = get_user_model().objects.create_user("root", "root@example.test", "x", role="admin")
    client = Client()
    client.force_login(admin)
    assert "approximate-boundaries" in client.get("/admin/").content.decode()
    # Every kelurahan centre falls in its own approximate area.
    from balaikota.regions import malang

    selectors.index_cache.clear()
    for code, _name, lat, lon in malang.VILLAGES:
        assert selectors.locate(lat, lon).village.code == code

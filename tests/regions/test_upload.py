"""Kelurahan boundaries uploaded in the admin: checked like `import-regions`, previewed, and
applied as previewed from the stored copy, all or nothing."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from shapely.geometry import mapping, shape

from balaikota.core.models import AuditEntry
from balaikota.regions.models import BoundaryUpload, Level, Region
from tests.conftest import KLOJEN, Cast, submit

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/regions/region/unggah/"


def current_file(**changes: Any) -> dict[str, Any]:
    """The city's kelurahan as they are, as a GeoJSON file an admin would upload."""
    features = [
        {
            "type": "Feature",
            "geometry": r.geometry,
            "properties": {
                "kode": r.code,
                "nama": r.name,
                "kode_kecamatan": r.parent.code if r.parent else "",
                "kecamatan": r.parent.name if r.parent else "",
            },
        }
        for r in Region.objects.filter(level=Level.VILLAGE).select_related("parent")
    ]
    return {"type": "FeatureCollection", "features": features, **changes}


def merged(document: dict[str, Any], gone: str, into: str) -> dict[str, Any]:
    """Kelurahan `gone` merged into `into`."""
    by_code = {f["properties"]["kode"]: f for f in document["features"]}
    union = shapely.union_all([shape(by_code[gone]["geometry"]), shape(by_code[into]["geometry"])])
    by_code[into]["geometry"] = mapping(union)
    document["features"] = [f for f in document["features"] if f["properties"]["kode"] != gone]
    return document


def upload(client: Client, document: Any, name: str = "batas.geojson") -> Any:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.fixture
def admin_client(cast: Cast) -> Client:
    cast.admin.is_superuser = cast.admin.is_staff = True
    cast.admin.save()
    client = Client()
    client.force_login(cast.admin)
    return client


def test_a_merged_kelurahan_is_previewed_then_applied_with_its_complaints(
    admin_client: Client,
) -> None:
    # given: a complaint in kelurahan Klojen, and a file where Klojen joins Rampalcelaket
    complaint = submit(at=KLOJEN)
    assert complaint.region is not None
    assert complaint.region.code == "35.73.02.1001"
    document = merged(current_file(), gone="35.73.02.1001", into="35.73.02.1002")

    # when: the admin uploads it
    response = upload(admin_client, document)

    # then: a preview of what changes, and nothing changed yet
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 region removed" in page
    assert "Klojen" in page
    assert "1 complaint would be re-placed in another kelurahan" in page
    assert Region.objects.filter(code="35.73.02.1001").exists()
    preview_url = response.redirect_chain[-1][0]

    # when: the admin confirms
    response = admin_client.post(preview_url, follow=True)

    # then: exactly that is applied, the complaint follows, everything audited
    assert "The boundaries were applied" in response.content.decode()
    assert not Region.objects.filter(code="35.73.02.1001").exists()
    complaint.refresh_from_db()
    assert complaint.region is not None
    assert complaint.region.code == "35.73.02.1002"
    assert complaint.events.filter(action="relocate").count() == 1
    assert AuditEntry.objects.filter(action="region.boundaries_applied").count() == 1
    assert Region.objects.filter(level=Level.VILLAGE, is_approximate=True).count() == 0
    call_command("audit_verify", stdout=StringIO())
    # and the same page cannot apply it twice
    assert admin_client.post(preview_url).status_code == 200
    assert AuditEntry.objects.filter(action="region.boundaries_applied").count() == 1


def test_confirming_applies_only_what_was_previewed(admin_client: Client) -> None:
    document = merged(current_file(), gone="35.73.02.1001", into="35.73.02.1002")
    preview_url = upload(admin_client, document).redirect_chain[-1][0]
    # meanwhile the regions changed (another admin renamed one)
    other = (
        Region.objects.filter(level=Level.VILLAGE)
        .exclude(code__in=["35.73.02.1001", "35.73.02.1002"])
        .order_by("code")
        .first()
    )
    assert other is not None
    Region.objects.filter(pk=other.pk).update(name=other.name + " Baru")

    response = admin_client.post(preview_url)

    assert response.status_code == 409
    assert "The regions changed since the preview" in response.content.decode()
    assert Region.objects.filter(code="35.73.02.1001").exists()


def test_a_stored_file_that_changed_is_not_applied(admin_client: Client) -> None:
    from django.core.files.storage import storages

    preview_url = upload(admin_client, current_file()).redirect_chain[-1][0]
    stored = BoundaryUpload.objects.get()
    storages["private"].delete(stored.file)
    storages["private"].save(stored.file, SimpleUploadedFile("x", b'{"type": "x"}'))

    response = admin_client.post(preview_url)

    assert response.status_code == 409
    assert "The stored file has changed" in response.content.decode()


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [[112.62, -7.97], [112.63, -7.96], [112.63, -7.97], [112.62, -7.96], [112.62, -7.97]]
    ],
}
FAR_AWAY = {
    "type": "Polygon",
    "coordinates": [
        [[110.0, -7.0], [110.01, -7.0], [110.01, -6.99], [110.0, -6.99], [110.0, -7.0]]
    ],
}


def one(geometry: Any, **properties: str) -> dict[str, Any]:
    values = {"kode": "35.73.02.1001", "nama": "Klojen", "kode_kecamatan": "35.73.02"}
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": geometry, "properties": values | properties}],
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"\x89PNG not json", "This is not a GeoJSON file"),
        ({"type": "Feature"}, "This is not a GeoJSON FeatureCollection."),
        (one(FAR_AWAY, nama=""), "lacks the property “nama”"),
        (one(BOW_TIE), "the polygon is not valid"),
        (one(FAR_AWAY), "lies outside Kota Malang"),
        (one(FAR_AWAY, kode="99.01.01.1001"), "the code is not of Kota Malang"),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_change_nothing(
    admin_client: Client, document: Any, message: str
) -> None:
    response = upload(admin_client, document)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BoundaryUpload.objects.exists()


def test_a_file_over_the_size_cap_is_refused_unread(admin_client: Client, settings: Any) -> None:
    settings.REGION_UPLOAD_MAX_BYTES = 1000

    response = upload(admin_client, current_file())

    assert response.status_code == 400
    assert "The file is too big: at most" in response.content.decode()
    assert not BoundaryUpload.objects.exists()


def test_staff_who_are_not_admins_cannot_upload(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.operator)
    response = client.get(UPLOAD)
    assert response.status_code in {302, 403}

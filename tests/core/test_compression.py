"""Pages and API answers travel gzip-compressed to a browser that accepts it (a slow 3G phone
gets /lapor in a fraction of the bytes); photos are sent as they are."""

from __future__ import annotations

import gzip
from typing import Any

from django.test import Client

from balaikota.complaints.models import Photo
from tests.conftest import jpeg, submit


def test_the_report_page_is_compressed_for_a_browser_that_accepts_gzip(city: None) -> None:
    plain = Client().get("/lapor")
    packed = Client().get("/lapor", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert b'name="text"' in gzip.decompress(packed.content)
    assert not plain.has_header("Content-Encoding")


def test_open311_lists_are_compressed_too(city: None) -> None:
    submit()
    response = Client().get("/open311/v2/requests.json", headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).startswith(b"[")


def test_a_photo_is_sent_as_it_is(city: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = submit(photo_files=[jpeg()])
    photo = Photo.objects.get(complaint=complaint)
    assert photo.state == Photo.State.READY
    response = Client().get(photo.image.url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")

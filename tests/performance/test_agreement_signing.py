"""The performance agreement (PK) as a document: a Unicode font, a PAdES signature by the
city, and a public page where anyone checks a copy."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from balaikota.agencies.models import Official
from balaikota.performance import exports, selectors
from tests.performance.conftest import World, signed


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_indonesian_name_and_symbols_come_out_of_the_pdf_as_written(world: World) -> None:
    Official.objects.filter(user=world.dinsos_head).update(name="Dr. Ir. Siti Nur’aini, M.Sc.")
    world.poverty.indicator.name = "Persentase desa ≥ 80% layanan dasar — ‘tuntas’"
    world.poverty.indicator.save(update_fields=["name"])
    offer = signed(world, "dinsos")
    text = _text(exports.agreement_pdf(offer, selectors.agreement_items(offer)))
    assert "Dr. Ir. Siti Nur’aini, M.Sc." in text
    assert "≥ 80%" in text
    assert "‘tuntas’" in text
    assert "?" not in text.replace("\n", "")
    with translation.override(settings.LANGUAGE_CODE):
        head = exports.city_head()  # "Wali Kota Malang" in Indonesian
    assert head.endswith(" Malang")
    assert text.count(head) == 1
    assert "Kota Kota" not in text

"""The performance agreement (PK) as a document: a Unicode font, a PAdES signature by the
city, and a public page where anyone checks a copy."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.test import Client
from django.utils import translation
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import PdfSignatureStatus
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from balaikota.agencies.models import Official
from balaikota.performance import agreements, exports, selectors, signing
from balaikota.performance.models import Agreement
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


def _validate(data: bytes) -> PdfSignatureStatus:
    """pyHanko's own validator, against the demo CA the tests sign with."""
    roots = load_certs_from_pemder([str(signing.make_demo_ca() / "ca.pem")])
    context = ValidationContext(trust_roots=list(roots), allow_fetching=False)
    [embedded] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return validate_pdf_signature(embedded, context)


def _assert_signed_whole(data: bytes) -> None:
    status = _validate(data)
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Kota Malang (DEMO)"


def test_the_heads_agreement_is_signed_by_the_city_and_served_as_stored(world: World) -> None:
    offer = signed(world, "dinsos")
    agreement = Agreement.objects.get(offer=offer)
    data = agreements.document(agreement)
    _assert_signed_whole(data)
    assert hashlib.sha256(data).hexdigest() == agreement.sha256 == offer.pdf_hash
    text = _text(data)
    assert "DEMO" in text
    assert offer.pact_hash in text.replace("\n", "")
    assert agreement.code in text
    client = Client()
    client.force_login(world.dinsos_head)
    first = client.get(f"/kinerja/pk/{offer.pk}.pdf").content
    assert first == client.get(f"/kinerja/pk/{offer.pk}.pdf").content == data

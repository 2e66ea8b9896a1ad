"""The performance agreement (PK) as a document: a Unicode font, a PAdES signature by the
city, and a public page where anyone checks a copy."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import PdfSignatureStatus
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from balaikota.agencies.models import Official
from balaikota.performance import agreements, exports, selectors, services, signing
from balaikota.performance.models import Agreement, Commitment, Review
from tests.performance.conftest import YEAR, World, appoint, open_round, signed


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


def _plt_after_a_decline(world: World) -> Agreement:
    """Dinsos's head declined; the mayor made the candidate Plt, who confirmed their pact."""
    offer = open_round(world)["dinsos"]
    services.decline(world.dinsos_head, offer, reason="Anggaran program dipotong.")
    reassignment = services.open_reassignment(
        world.mayor, offer, candidates=[world.candidate], reason="Ditolak."
    )
    appoint(world, reassignment, is_acting=True)
    return Agreement.objects.get(offer=offer)


def _reassigned_after_a_review(world: World) -> tuple[Agreement, Agreement]:
    """DPUPR's head signed, failed review, and the post passed to the candidate."""
    offer = signed(world, "dpupr")
    old = Commitment.objects.get(offer=offer)
    review = Review.objects.create(commitment=old, quarter=1)
    reassignment = services.open_reassignment(
        world.mayor, offer, candidates=[world.candidate], reason="Rotasi.", review=review
    )
    appoint(world, reassignment, is_acting=False)
    first, amended = Agreement.objects.filter(offer=offer).order_by("signed_at", "id")
    return first, amended


def test_a_plts_agreement_is_signed_with_their_own_pact(world: World) -> None:
    agreement = _plt_after_a_decline(world)
    data = agreements.document(agreement)
    _assert_signed_whole(data)
    pact = agreement.offer.answers.get(official=world.candidate)
    text = _text(data).replace("\n", "")
    assert agreement.is_acting
    assert agreement.pact_hash == pact.pact_hash
    assert pact.pact_hash in text
    assert "(SHA-256): -" not in " ".join(text.split())
    assert world.candidate.name in text


def test_a_reassigned_posts_amended_agreement_is_signed_with_the_new_holders_pact(
    world: World,
) -> None:
    first, amended = _reassigned_after_a_review(world)
    assert (first.kind, amended.kind) == ("signed", "amended")
    assert first.superseded_by == amended
    assert amended.superseded_by is None
    new_pact = amended.offer.answers.filter(official=world.candidate).get()
    assert amended.pact_hash == new_pact.pact_hash != first.pact_hash
    data = agreements.document(amended)
    _assert_signed_whole(data)
    text = _text(data).replace("\n", "")
    assert new_pact.pact_hash in text
    assert first.pact_hash not in text
    assert first.code in text  # "This agreement amends agreement <code>"
    # the old version stays as it was signed, and valid
    _assert_signed_whole(agreements.document(first))
    assert amended.offer.pdf_hash == amended.sha256


def test_the_verification_page_says_who_committed_and_whether_it_is_current(
    world: World,
) -> None:
    first, amended = _reassigned_after_a_review(world)
    page = Client().get(f"/kinerja/pk/{first.code}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Superseded" in html
    assert f'href="/kinerja/pk/{amended.code}"' in html
    assert first.sha256 in html
    assert "Panjang jalan diperbaiki" in html
    html = Client().get(f"/kinerja/pk/{amended.code.lower()}").content.decode()
    assert "Current" in html
    assert world.candidate.name in html
    assert amended.pact_hash in html
    pact = amended.offer.answers.get(official=world.candidate)
    assert timezone.localtime(pact.pact_confirmed_at).strftime("%d-%m-%Y %H:%M") in html
    assert "196801011990031001" not in html  # no NIP on the page
    download = Client().get(f"/kinerja/pk/{amended.code}/unduh")
    assert download.content == agreements.document(amended)
    assert Client().get("/kinerja/pk/ZZZZZZZZ").status_code == 404


def _check(code: str, data: bytes) -> tuple[int, str]:
    upload = SimpleUploadedFile("pk.pdf", data, content_type="application/pdf")
    response = Client().post(f"/kinerja/pk/{code}", {"document": upload})
    return response.status_code, response.content.decode()


def test_a_genuine_copy_passes_and_a_tampered_one_fails_on_the_page(world: World) -> None:
    first, amended = _reassigned_after_a_review(world)
    original = agreements.document(amended)
    status, html = _check(amended.code, original)
    assert status == 200
    assert "Genuine." in html
    assert 'data-genuine="true"' in html
    # the old version, checked on the new one's page: genuine, but superseded
    status, html = _check(amended.code, agreements.document(first))
    assert "Genuine, but another version." in html
    assert "That version has been superseded." in html
    # one target changed in the signed bytes (the same length, the content stream)
    tampered = _tamper(original)
    status, html = _check(amended.code, tampered)
    assert status == 422
    assert "Not genuine." in html
    assert "altered after it was signed" in html
    assert "matches no agreement the city signed" in html
    # a page appended after the signature
    status, html = _check(amended.code, _append_page(original))
    assert status == 422
    assert "Something was added to this PDF after it was signed." in html
    # the same document without a signature
    unsigned = exports.agreement_pdf(amended.offer, selectors.agreement_items(amended.offer))
    status, html = _check(amended.code, unsigned)
    assert "This PDF carries no signature." in html
    status, html = _check(amended.code, b"not a pdf at all")
    assert "This file is not a PDF that can be read." in html


def _tamper(data: bytes) -> bytes:
    """Change the document's info (its title's year) inside the signed byte range."""
    marker = b"/Title"
    at = data.index(marker)
    end = data.index(b")", at)
    segment = data[at:end]
    changed = segment.replace(b"2", b"3", 1)
    assert changed != segment
    return data[:at] + changed + data[end:]


def _append_page(data: bytes) -> bytes:
    """An incremental update after the signature (what a forger's editor would write)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_board_links_each_commitment_to_its_agreement(world: World) -> None:
    offer = signed(world, "dinkes")
    agreement = Agreement.objects.get(offer=offer)
    html = Client().get(f"/kinerja?tahun={YEAR}").content.decode()
    assert f'href="/kinerja/pk/{agreement.code}"' in html


def _a_document() -> bytes:
    pdf = exports._pdf("PERJANJIAN KINERJA", dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    pdf.set_font(style="B", size=10)
    pdf.cell(text="Pihak pertama: Dr. Ir. Siti Nur’aini, M.Sc.")
    return bytes(pdf.output())


def test_the_citys_own_key_signs_from_pem_or_pkcs12_and_the_demos_is_then_untrusted(
    tmp_path: Path, settings: Any
) -> None:
    city_ca = signing.make_demo_ca(tmp_path / "city")  # stands in for the city's own CA
    settings.PK_SIGNING_KEY = str(city_ca / "signer-key.pem")
    settings.PK_SIGNING_CERT = str(city_ca / "signer.pem")
    settings.PK_TRUST_ROOTS = [str(city_ca / "ca.pem")]
    who = signing.city()
    assert not who.is_demo
    signed_pem = signing.sign(_a_document(), who, reason="PK")
    assert signing.validate(signed_pem).ok
    # the same key from a PKCS#12 file with a password
    key = serialization.load_pem_private_key((city_ca / "signer-key.pem").read_bytes(), None)
    cert = x509.load_pem_x509_certificate((city_ca / "signer.pem").read_bytes())
    p12 = tmp_path / "kota.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"kota",
            key,  # type: ignore[arg-type]
            cert,
            None,
            serialization.BestAvailableEncryption(b"rahasia"),
        )
    )
    settings.PK_SIGNING_KEY = settings.PK_SIGNING_CERT = ""
    settings.PK_SIGNING_PKCS12, settings.PK_SIGNING_PASSWORD = str(p12), "rahasia"
    assert signing.validate(signing.sign(_a_document(), signing.city(), reason="PK")).ok
    # a document signed by the demo CA is not the city's
    demo_signed = signing.sign(_a_document(), signing._demo(), reason="PK")
    check = signing.validate(demo_signed)
    assert (check.ok, check.problem) == (False, "untrusted")

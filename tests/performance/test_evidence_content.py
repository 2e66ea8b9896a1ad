"""Evidence files are checked by what they contain, not by the end of their name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from balaikota.demo import images
from balaikota.performance import evidence, services
from balaikota.performance.models import CheckIn, Commitment
from tests.performance.conftest import PLAN, World, open_round

# The start of a Windows program (a DOS header).
PROGRAM = b"MZ\x90\x00" + b"\x00" * 200


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Triwulan", "Realisasi"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GENUINE = {
    "berita-acara.pdf": b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "foto-lokasi.jpg": images.picture(width=320, height=240),
    "foto-lokasi.JPEG": images.picture(width=320, height=240),
    "peta.png": images.picture(width=320, height=240, fmt="PNG"),
    "realisasi.xlsx": _xlsx(),
    "laporan.docx": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
    "laporan.odt": _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
    "realisasi.ods": _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
    "data.csv": b"kelurahan,jumlah\nSumbersari,12\nKlojen,7\n",
}


@pytest.mark.parametrize("name", list(GENUINE))
def test_a_file_whose_content_matches_its_name_is_accepted(name: str) -> None:
    assert evidence.problem(name, io.BytesIO(GENUINE[name])) is None


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("laporan.pdf", PROGRAM, "The content of laporan.pdf is not PDF but EXE."),
        (
            "foto.jpg",
            images.picture(fmt="PNG"),
            "The content of foto.jpg is not JPG but PNG.",
        ),
        (
            "realisasi.xlsx",
            _zip({"word/document.xml": b"<w/>"}),
            "The content of realisasi.xlsx is not XLSX",
        ),
        ("laporan.docx", b"%PDF-1.4 bukan docx", "The content of laporan.docx is not DOCX"),
        (
            "laporan.odt",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "The content of laporan.odt is not ODT",
        ),
        ("data.csv", b"kelurahan\x00jumlah", "The content of data.csv is not CSV"),
        ("data.csv", "Désa".encode("latin-1"), "The content of data.csv is not CSV"),
        ("peta.png", b"<html><script>alert(1)</script></html>", "The content of peta.png"),
    ],
    ids=["program-as-pdf", "png-as-jpg", "zip-as-xlsx", "pdf-as-docx", "ods-as-odt",
         "binary-csv", "latin1-csv", "html-as-png"],
)  # fmt: skip
def test_a_file_whose_content_does_not_match_its_name_is_refused(
    name: str, data: bytes, message: str
) -> None:
    refused = evidence.problem(name, io.BytesIO(data))
    assert refused is not None
    assert refused.startswith(message)


def test_a_long_csv_cut_inside_a_character_is_still_text() -> None:
    # "a" and then two-byte letters: the 64 KiB sample ends in the middle of one
    text = b"a" + "é".encode() * evidence._TEXT_SAMPLE
    assert evidence.problem("nama.csv", io.BytesIO(text)) is None


def test_an_unknown_extension_is_refused_by_name() -> None:
    assert evidence.problem("virus.exe", io.BytesIO(PROGRAM)) == (
        "virus.exe: this kind of file is not accepted."
    )


def _check_in_client(world: World) -> tuple[Client, Commitment]:
    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offers["dpupr"])
    client = Client()
    client.force_login(world.pupr_head)
    return client, Commitment.objects.get(offer=offers["dpupr"])


def test_a_check_in_with_a_renamed_program_is_refused_and_the_answer_keeps_the_rest(
    world: World,
) -> None:
    # given a head who attaches a real spreadsheet and a program renamed to .pdf
    client, commitment = _check_in_client(world)
    # when the check-in is sent through the API
    response = client.post(
        f"/api/v1/performance/commitments/{commitment.pk}/check-ins",
        {
            "quarter": 1,
            "actual": "9.5",
            "confidence": "high",
            "evidence": [
                SimpleUploadedFile("realisasi.xlsx", _xlsx()),
                SimpleUploadedFile("berita-acara.pdf", PROGRAM),
            ],
        },
    )
    # then it is refused, naming the file and what it really is, and nothing is stored
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["files"] == [
        "The content of berita-acara.pdf is not PDF but EXE. Attach the document itself."
    ]
    assert not CheckIn.objects.exists()
    # and the same check-in with the genuine document goes through
    retry = client.post(
        f"/api/v1/performance/commitments/{commitment.pk}/check-ins",
        {
            "quarter": 1,
            "actual": "9.5",
            "confidence": "high",
            "evidence": [
                SimpleUploadedFile("realisasi.xlsx", _xlsx()),
                SimpleUploadedFile("berita-acara.pdf", GENUINE["berita-acara.pdf"]),
            ],
        },
    )
    assert retry.status_code == 200, retry.content
    assert commitment.check_ins.get().evidence.count() == 2

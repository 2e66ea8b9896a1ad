"""Integrity reports (pungli, bribes, abuse of power): the routing model finds them, they go to
the Inspektorat, and they are confidential whatever the reporter chose."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from balaikota.complaints import publication
from balaikota.complaints.models import CategorySource, Privacy, Status
from balaikota.core.models import User
from balaikota.demo import loader
from tests.conftest import SUMBERSARI, Cast, submit

PUNGLI = "Staf kelurahan minta uang rokok 50rb buat bikin surat domisili, tanpa kuitansi."


def test_a_pungli_report_without_a_category_goes_to_the_inspectorate_in_confidence(
    cast: Cast,
) -> None:
    # given a citizen who picks no category and asks for a public report
    # when they describe an official asking for money
    complaint = submit(text=PUNGLI, category=None, privacy=Privacy.PUBLIC)

    # then the model's suggestion sends it to the Inspektorat, and nobody outside sees it
    assert complaint.category is not None
    assert complaint.category.slug == "integritas-pungli"
    assert complaint.category_source == CategorySource.SUGGESTED
    assert complaint.agency is not None
    assert complaint.agency.code == "inspektorat"
    assert complaint.status == Status.ASSIGNED
    assert complaint.privacy == Privacy.CONFIDENTIAL
    assert not complaint.published
    assert not publication.published().filter(pk=complaint.pk).exists()
    track = Client().get(reverse("complaints:track", args=[complaint.ticket]))
    assert "uang rokok" not in track.content.decode()


def test_choosing_the_category_makes_the_report_confidential_even_when_asked_public(
    cast: Cast,
) -> None:
    # given the integrity category, which needs no place
    # when the reporter chooses it and asks for a public report
    complaint = submit(
        text="Petugas pasar narik uang keamanan tiap minggu di luar karcis retribusi.",
        category="integritas-pungli",
        at=None,
        privacy=Privacy.PUBLIC,
    )

    # then it is confidential anyway, and with the Inspektorat
    assert complaint.privacy == Privacy.CONFIDENTIAL
    assert not complaint.published
    assert complaint.agency is not None
    assert complaint.agency.code == "inspektorat"


def test_the_demo_inspectorate_staff_read_the_report_and_other_agencies_do_not(
    cast: Cast,
) -> None:
    # given the demo's users: each agency, the Inspektorat too, has a head and staff
    loader.load_users()
    inspectorate = User.objects.get(username="inspektorat.staf")
    assert User.objects.filter(username="inspektorat.kepala").exists()

    # when a pungli report arrives
    complaint = submit(text=PUNGLI, category=None)

    # then it is in the Inspektorat's inbox with its text, and DLH cannot open it
    client = Client()
    client.force_login(inspectorate)
    assert complaint.ticket in client.get(reverse("complaints:inbox")).content.decode()
    detail = client.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    assert detail.status_code == 200
    assert "uang rokok" in detail.content.decode()
    other = Client()
    other.force_login(cast.dlh_staff)
    assert other.get(reverse("complaints:staff_detail", args=[complaint.ticket])).status_code == 404


def run_route(monkeypatch: pytest.MonkeyPatch, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(i) + "\n" for i in items)))
    out = io.StringIO()
    call_command("route", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_route_ranks_the_integrity_category_first_for_clear_pungli_texts(
    city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "Petugas kelurahan minta uang 100 ribu supaya surat pengantar saya cepat ditandatangani.",
        "oknum satpol pp minta setoran mingguan ke pedagang kaki lima biar lapaknya gak digusur",
        "ada calo berseragam di MPP nawarin e-KTP jadi sehari asal bayar 300rb",
        "Petugas pasar njaluk ojir keamanan saben minggu, gak onok karcise",
        "An official asked me for a bribe to speed up my building permit.",
    ]
    answers = run_route(
        monkeypatch, [{"text": t, "lat": SUMBERSARI[0], "lon": SUMBERSARI[1]} for t in texts]
    )
    for answer in answers:
        assert answer["category"] == "integritas-pungli"
        assert answer["candidates"][0]["category"] == "integritas-pungli"
        assert answer["agency"] == "inspektorat"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Retribusi PBG rumah saya jauh lebih mahal dari simulasi di laman resmi.", "perizinan"),
        ("tagihan air bulan ini naik 3x lipat padahal pemakaian sama aja", "air-bersih"),
        ("sekolah negeri minta uang gedung 2 juta untuk siswa baru, apakah boleh?", "pendidikan"),
        ("jukir di minimarket minta 2rb padahal gk ada karcis dan parkirnya gratis", "parkir-liar"),
    ],
)
def test_a_complaint_about_a_fee_stays_in_its_own_category(
    city: None, monkeypatch: pytest.MonkeyPatch, text: str, category: str
) -> None:
    # A fee the service itself charges is the service's business, published as usual: only
    # money an official asks for himself is an integrity report.
    (answer,) = run_route(monkeypatch, [{"text": text}])
    assert answer["category"] == category

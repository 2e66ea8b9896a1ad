"""The pages, the exports and the public API: what they show, to whom, and at what cost."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from balaikota.performance import monitoring, services
from balaikota.performance.models import Commitment, Offer
from tests.performance.conftest import PLAN, YEAR, World, open_round, signed


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def populate(world: World) -> dict[str, Offer]:
    """Three signed agreements, TW I verified for each commitment, TW II submitted."""
    offers = open_round(world)
    heads = {"dpupr": world.pupr_head, "dinkes": world.dinkes_head, "dinsos": world.dinsos_head}
    for code, head in heads.items():
        services.commit(head, offers[code], action_plan=PLAN, pact_confirmed=True)
        services.accept(world.mayor, offers[code])
    actuals = {
        "Panjang jalan diperbaiki": 9,
        "Jumlah kematian ibu": 2,
        "Persentase penduduk miskin": 3.9,
        "Inflasi tahunan": 3.2,
    }
    for commitment in Commitment.objects.select_related("indicator", "position"):
        head = heads[commitment.position.agency.code]
        value = actuals[commitment.indicator.name]
        first = monitoring.submit_check_in(
            head, commitment, monitoring.CheckInInput(quarter=1, actual=value, confidence="high")
        )
        monitoring.verify_check_in(world.verifier, first)
        monitoring.submit_check_in(
            head, commitment, monitoring.CheckInInput(quarter=2, actual=value, confidence="medium")
        )
    return offers


def test_the_public_board_shows_commitments_with_verified_figures_only(world: World) -> None:
    populate(world)
    html = Client().get(f"/kinerja?tahun={YEAR}").content.decode()
    assert "Panjang jalan diperbaiki" in html
    assert "Pupr-Head" in html  # the official who committed is public
    assert 'data-band="high"' in html  # roads: 9 of 10 in TW I = 90 %, tinggi
    # TW II is still waiting for verification: not public yet
    row = Commitment.objects.get(indicator__name="Panjang jalan diperbaiki")
    assert row.check_ins.filter(quarter=2, status="submitted").exists()
    assert html.count("<td>9.0</td>") == 1
    # no personal data: no NIP, no e-mail
    assert "196801011990031001" not in html
    assert "@example.test" not in html


def test_the_public_board_costs_the_same_queries_for_any_number_of_rows(
    world: World, django_assert_max_num_queries: object
) -> None:
    populate(world)
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = Client().get(f"/kinerja?tahun={YEAR}")
    assert response.status_code == 200


def test_the_dashboard_ranks_agencies_and_drills_down(
    world: World, django_assert_max_num_queries: object
) -> None:
    populate(world)
    client = _client(world.mayor)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        html = client.get(f"/kinerja/dasbor?tahun={YEAR}").content.decode()
    assert 'id="ranking"' in html
    # Dinkes: 2 of 2 deaths = 100 %; Dinsos: poverty (2×4−3.9)/4 = 102.5 %, inflation 100 %
    ranking = html[html.index('id="ranking"') : html.index('id="trend"')]
    assert (
        ranking.index('data-agency="dinsos"')
        < ranking.index('data-agency="dinkes"')
        < ranking.index('data-agency="dpupr"')
    )
    roads = Commitment.objects.get(indicator__name="Panjang jalan diperbaiki")
    detail = client.get(f"/kinerja/komitmen/{roads.pk}")
    assert detail.status_code == 200
    assert b'data-status="verified"' in detail.content


def test_a_head_with_only_an_offer_is_not_told_of_check_ins_due(world: World) -> None:
    offer = open_round(world)["dpupr"]
    html = _client(world.pupr_head).get("/kinerja/saya").content.decode()
    assert f'id="offer-{offer.pk}"' in html
    assert 'id="due-notice"' not in html


def _due(commitment: Commitment, day: dt.date) -> dict[str, object] | None:
    from balaikota.performance import periods, selectors, views

    year, quarter = periods.last_ended_quarter(day)
    rows = selectors.rows_for([commitment], verified_only=False)
    return views._due_notice(views._with_history(rows, year, quarter), year, quarter, day)


def test_the_head_is_told_what_is_due_then_late_then_what_comes_next(world: World) -> None:
    commitment = Commitment.objects.get(offer=signed(world))
    # early October: TW III has ended and is due by 15 October
    due = _due(commitment, dt.date(YEAR, 10, 5))
    assert due is not None
    assert (due["kind"], due["label"], due["date"]) == ("due", "TW III", dt.date(YEAR, 10, 15))
    # in December, still not reported: late
    late = _due(commitment, dt.date(YEAR, 12, 3))
    assert late is not None
    assert (late["kind"], late["label"], late["missing"]) == ("late", "TW III", 1)
    monitoring.submit_check_in(
        world.pupr_head, commitment, monitoring.CheckInInput(quarter=3, actual=7, confidence="high")
    )
    commitment = Commitment.objects.get(pk=commitment.pk)
    # reported: the next quarter and its deadline instead
    upcoming = _due(commitment, dt.date(YEAR, 12, 3))
    assert upcoming is not None
    assert (upcoming["kind"], upcoming["label"]) == ("next", "TW IV")
    assert upcoming["date"] == dt.date(YEAR + 1, 1, 15)
    # the page says so in the notice
    html = _client(world.pupr_head).get("/kinerja/saya").content.decode()
    assert 'id="due-notice"' in html


def test_committing_through_the_page(world: World) -> None:
    offer = open_round(world)["dpupr"]
    form = {f"plan_{q}": f"Rencana TW {q}" for q in (1, 2, 3, 4)} | {"pact": "on"}
    response = _client(world.pupr_head).post(f"/kinerja/tawaran/{offer.pk}/commit", form)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "committed"


def test_the_agreement_pdf_names_the_parties_targets_and_pact_hash(world: World) -> None:
    offers = populate(world)
    offer = offers["dinsos"]
    response = _client(world.dinsos_head).get(f"/kinerja/pk/{offer.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    offer.refresh_from_db()
    assert "Dinsos-Head" in text
    assert "Persentase penduduk miskin" in text
    assert offer.pact_hash in text.replace("\n", "")
    assert len(offer.pdf_hash) == 64
    # another head may not read it
    assert _client(world.pupr_head).get(f"/kinerja/pk/{offer.pk}.pdf").status_code == 404


def test_the_evaluation_table_exports_to_excel_for_the_city_and_an_agency(world: World) -> None:
    populate(world)
    client = _client(world.mayor)
    city = load_workbook(io.BytesIO(client.get(f"/kinerja/evaluasi.xlsx?tahun={YEAR}").content))
    rows = list(city.active.iter_rows(values_only=True))
    header = rows[2]
    assert header[4:7] == ("TW I target", "TW I actual", "TW I achievement (%)")
    body = {r[1]: r for r in rows[3:]}
    assert set(body) == {
        "Panjang jalan diperbaiki",
        "Jumlah kematian ibu",
        "Persentase penduduk miskin",
        "Inflasi tahunan",
    }
    assert body["Panjang jalan diperbaiki"][4:7] == (10, 9, 90)
    # the year's target is a number a spreadsheet can sum, a range stays readable text
    assert body["Panjang jalan diperbaiki"][3] == 40
    assert body["Inflasi tahunan"][3] == "2,50 - 4,50"
    agency = client.get(f"/kinerja/evaluasi.xlsx?tahun={YEAR}&opd=dinsos")
    sheet = load_workbook(io.BytesIO(agency.content)).active
    assert {r[0] for r in list(sheet.iter_rows(values_only=True))[3:]} == {"Dinsos"}


def test_the_evaluation_table_exports_to_pdf(world: World) -> None:
    populate(world)
    response = _client(world.verifier).get(f"/kinerja/evaluasi.pdf?tahun={YEAR}")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Inflasi tahunan" in text


def test_a_head_exports_only_their_own_agency(world: World) -> None:
    populate(world)
    client = _client(world.pupr_head)
    assert client.get(f"/kinerja/evaluasi.xlsx?tahun={YEAR}&opd=dpupr").status_code == 200
    assert client.get(f"/kinerja/evaluasi.xlsx?tahun={YEAR}&opd=dinsos").status_code == 404
    assert client.get(f"/kinerja/evaluasi.xlsx?tahun={YEAR}").status_code == 404


def test_the_public_api_lists_commitments_in_the_agreed_shape(
    world: World, django_assert_max_num_queries: object
) -> None:
    populate(world)
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        body = Client().get(f"/api/v1/performance/commitments?year={YEAR}").json()
    by_name = {item["indicator"]["name"]: item for item in body}
    inflation = by_name["Inflasi tahunan"]
    assert set(inflation) == {
        "id",
        "indicator",
        "agency",
        "position",
        "official",
        "baseline",
        "target",
        "range",
        "quarters",
        "achievement",
        "band",
        "status",
        "forecast",
    }
    assert inflation["indicator"] == {
        "name": "Inflasi tahunan",
        "unit": "%",
        "polarity": "range",
        "method": "selisih",
        "aggregation": "last",
    }
    assert (inflation["target"], inflation["range"]) == (None, [2.5, 4.5])
    assert inflation["quarters"][0] == {
        "quarter": 1,
        "target": None,
        "actual": 3.2,
        "achievement": 100.0,
        "band": "very_high",
    }
    assert inflation["quarters"][1]["actual"] is None  # TW II not verified yet
    roads = by_name["Panjang jalan diperbaiki"]
    assert (roads["target"], roads["achievement"], roads["band"], roads["status"]) == (
        40,
        90.0,
        "high",
        "at_risk",
    )
    assert roads["forecast"] == 36
    assert by_name["Persentase penduduk miskin"]["baseline"] == 4.1
    assert "nip" not in str(body).lower()


@pytest.mark.parametrize("kind", ["verify", "return"])
def test_the_verifier_acts_through_the_api(world: World, kind: str) -> None:
    populate(world)
    check_in = Commitment.objects.get(indicator__name="Inflasi tahunan").check_ins.get(quarter=2)
    response = _client(world.verifier).post(
        f"/api/v1/performance/check-ins/{check_in.pk}/{kind}",
        {"note": "Lampirkan data BPS."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == {"verify": "verified", "return": "returned"}[kind]


def test_the_head_checks_in_through_the_api_with_evidence(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offers["dpupr"])
    commitment = Commitment.objects.get(offer=offers["dpupr"])
    response = _client(world.pupr_head).post(
        f"/api/v1/performance/commitments/{commitment.pk}/check-ins",
        {
            "quarter": 1,
            "actual": "9.5",
            "confidence": "high",
            "evidence": SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4 bukti"),
        },
    )
    assert response.status_code == 200, response.content
    assert commitment.check_ins.get().evidence.count() == 1
    bad = _client(world.pupr_head).post(
        f"/api/v1/performance/commitments/{commitment.pk}/check-ins",
        {"quarter": 2, "actual": "1", "confidence": "sure"},
    )
    assert bad.status_code == 400
    assert "confidence" in bad.json()["errors"]


def test_the_round_page_shows_every_answer_in_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    item = offers["dinkes"].items.get()
    services.counter(
        world.dinkes_head, offers["dinkes"], proposal={str(item.pk): {"value": 10}}, reason="Berat."
    )
    services.decline(world.dinsos_head, offers["dinsos"], reason="Tidak sanggup.")
    client = _client(world.mayor)
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        response = client.get(f"/kinerja/lelang/{offers['dpupr'].auction_id}")
    html = response.content.decode()
    assert 'data-status="committed"' in html
    assert 'class="revise-form"' in html
    assert 'class="reassign-form row g-2"' in html


def test_evidence_opens_for_the_verifier_and_the_holder_only(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offers["dpupr"])
    commitment = Commitment.objects.get(offer=offers["dpupr"])
    upload = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    data = monitoring.CheckInInput(quarter=1, actual=9, confidence="high", files=[upload])
    evidence = monitoring.submit_check_in(world.pupr_head, commitment, data).evidence.get()
    url = f"/kinerja/bukti/{evidence.pk}"
    for reader in (world.verifier, world.mayor, world.pupr_head):
        response = _client(reader).get(url)
        assert b"".join(response.streaming_content) == b"%PDF-1.4 bukti"  # type: ignore[attr-defined]
    assert _client(world.dinkes_head).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in page


def test_the_heads_page_costs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    populate(world)
    client = _client(world.dinsos_head)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        html = client.get("/kinerja/saya").content.decode()
    assert html.count('class="card mb-3 commitment"') == 2


def test_the_verifier_works_the_queue_in_place_with_htmx(world: World) -> None:
    populate(world)
    check_in = Commitment.objects.get(indicator__name="Inflasi tahunan").check_ins.get(quarter=2)
    client = _client(world.verifier)
    url = f"/kinerja/verifikasi/{check_in.pk}/return"
    # returning without a note: the card comes back with the reason, nothing changes
    refused = client.post(url, {"note": ""}, HTTP_HX_REQUEST="true")
    assert b"verify-error" in refused.content
    check_in.refresh_from_db()
    assert check_in.status == "submitted"
    # with a note: the card is replaced by the result
    done = client.post(url, {"note": "Lampirkan rilis BPS."}, HTTP_HX_REQUEST="true")
    assert b'data-status="returned"' in done.content
    assert b"<html" not in done.content


def test_the_head_sees_which_commitment_still_owes_the_quarter(world: World) -> None:
    import datetime as dt

    import time_machine

    from balaikota.agencies.models import Assignment

    Assignment.objects.update(starts_at=dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC))
    offers = open_round(world)
    services.commit(world.pupr_head, offers["dpupr"], action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offers["dpupr"])
    client = _client(world.pupr_head)
    with time_machine.travel(f"{YEAR}-04-05 09:00 +0700"):
        assert b"due-badge" in client.get("/kinerja/saya").content
        commitment = Commitment.objects.get(offer=offers["dpupr"])
        data = monitoring.CheckInInput(quarter=1, actual=9, confidence="high")
        monitoring.submit_check_in(world.pupr_head, commitment, data)
        assert b"due-badge" not in client.get("/kinerja/saya").content


def test_a_check_in_typed_with_a_decimal_comma_is_taken(world: World) -> None:
    commitment = Commitment.objects.get(offer=signed(world))
    response = _client(world.pupr_head).post(
        f"/kinerja/komitmen/{commitment.pk}/lapor",
        {"quarter": 1, "actual": "2,8", "confidence": "high"},
    )
    assert response.status_code == 302
    assert commitment.check_ins.get().actual == pytest.approx(2.8)


def test_a_refused_check_in_is_answered_beside_the_form_and_stores_nothing(
    world: World,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    commitment = Commitment.objects.get(offer=signed(world))
    client = _client(world.pupr_head)
    url = f"/kinerja/komitmen/{commitment.pk}/lapor"
    refused = client.post(
        url,
        {
            "quarter": 1,
            "actual": "dua koma delapan",
            "confidence": "high",
            "evidence": SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4 bukti"),
        },
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200
    assert "HX-Redirect" not in refused
    assert 'class="alert alert-danger' in refused.content.decode()
    assert not commitment.check_ins.exists()
    sent = client.post(
        url, {"quarter": 1, "actual": "2,8", "confidence": "high"}, headers={"HX-Request": "true"}
    )
    assert sent["HX-Redirect"] == "/kinerja/saya"
    assert commitment.check_ins.get().actual == pytest.approx(2.8)


def test_the_commitment_history_names_each_step_in_words(world: World) -> None:
    commitment = Commitment.objects.get(offer=signed(world))
    check_in = monitoring.submit_check_in(
        world.pupr_head, commitment, monitoring.CheckInInput(quarter=1, actual=9, confidence="high")
    )
    monitoring.verify_check_in(world.verifier, check_in)
    page = _client(world.pupr_head).get(
        f"/kinerja/komitmen/{commitment.pk}", HTTP_ACCEPT_LANGUAGE="id"
    )
    history = page.content.decode()[page.content.decode().index('<ol class="small">') :]
    for code in ("verify_check_in", "submit_check_in", "sign (", "submitted →", "→ verified"):
        assert code not in history
    assert "laporan triwulan diverifikasi" in history

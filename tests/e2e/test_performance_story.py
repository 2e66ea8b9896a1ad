"""The performance auction in a real browser, from the plan to the public board.

The mayor's office sets a target and opens a round; PUPR's head commits, Dinkes's head
counters, Dinsos's head declines; the decline goes to an acting official; check-ins are
submitted, returned and verified; the scores show on the dashboard and the public board;
the agreement (PDF) and the evaluation (Excel) download and open. Assertions use ids,
classes and data attributes, never translated text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from balaikota.agencies.models import Position
from balaikota.core.models import Role
from balaikota.performance.models import Commitment, Offer
from tests.conftest import Cast, make_user
from tests.e2e.conftest import log_in
from tests.performance.conftest import World, holder, signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# This year: its first quarter can always be reported.
YEAR = timezone.localdate().year


def _log_in(page: Page, username: str) -> None:
    log_in(page, username)  # the password, then staff's authenticator code


def _plan_and_open_round(mayor: Page) -> None:
    mayor.goto(f"/kinerja/panel?tahun={YEAR}")
    mayor.click("#new-indicator summary")
    mayor.fill("#id_name", "Panjang jalan kota yang diperbaiki")
    mayor.fill("#id_unit", "km")
    mayor.select_option("#id_polarity", "up")
    mayor.select_option("#id_aggregation", "sum")
    mayor.fill("#id_baseline_value", "31.5")
    mayor.click("#new-indicator button[type=submit]")
    expect(mayor.locator("#indicator-table")).to_contain_text("Panjang jalan kota")

    mayor.click("#new-target summary")
    mayor.select_option("#id_indicator", label="Panjang jalan kota yang diperbaiki")
    mayor.fill("#id_value", "40")
    for quarter in (1, 2, 3, 4):
        mayor.fill(f"#id_q{quarter}", "10")
    mayor.click("#new-target button[type=submit]")
    expect(mayor.locator("#target-table")).to_contain_text("Panjang jalan kota")

    mayor.click("#new-auction summary")
    mayor.fill("#id_title", f"Lelang Kinerja {YEAR}")
    deadline = timezone.localtime() + dt.timedelta(days=7)
    mayor.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    for code in ("dpupr", "dinkes", "dinsos"):
        position = Position.objects.get(agency__code=code, is_head=True)
        mayor.select_option(f"#pkg-{position.pk}", label="Panjang jalan kota yang diperbaiki")
    mayor.click("#new-auction button[type=submit]")
    mayor.wait_for_url("**/kinerja/lelang/*")
    expect(mayor.locator(".panel-offer")).to_have_count(3)


def _answer(page: Page, kind: str) -> None:
    page.goto("/kinerja/saya")
    offer = page.locator(".offer").first
    if kind == "commit":
        for quarter in (1, 2, 3, 4):
            offer.locator(f"[name=plan_{quarter}]").fill(f"Rencana aksi triwulan {quarter}")
        offer.locator("[name=pact]").check()
        offer.locator(".commit-form button").click()
    elif kind == "counter":
        offer.locator(".counter-form [name$=-value]").fill("30")
        offer.locator(".counter-form [name=reason]").fill("Anggaran pemeliharaan dipotong.")
        offer.locator(".counter-form button").click()
    else:
        offer.locator(".decline-form [name=reason]").fill("Tidak sanggup tahun ini.")
        offer.locator(".decline-form button").click()
    expect(page.locator(".alert-success")).to_be_visible()


def _offer_card(mayor: Page, code: str) -> str:
    return f'.panel-offer[data-agency="{code}"]'


def _check_in(page: Page, actual: str, evidence: Path) -> None:
    page.goto("/kinerja/saya")
    form = page.locator(".check-in-form").first
    form.locator("[name=quarter]").select_option("1")
    form.locator("[name=actual]").fill(actual)
    form.locator("[name=obstacles]").fill("Musim hujan")
    form.locator("[name=confidence]").select_option("high")
    form.locator("[name=evidence]").set_input_files(str(evidence))
    form.locator("button").click()
    expect(page.locator(".alert-success")).to_be_visible()


def test_the_performance_auction_story(
    new_page: Callable[..., Page], cast: Cast, tmp_path: Path, shots: Path
) -> None:
    # given the heads hold their posts, a verifier and a candidate for Plt
    dinkes_head = make_user("dinkes-head", Role.AGENCY_HEAD, "dinkes")
    dinsos_head = make_user("dinsos-head", Role.AGENCY_HEAD, "dinsos")
    holder(cast.pupr_head, "dpupr", nip="196801011990031001")
    holder(dinkes_head, "dinkes", nip="197002021995032002")
    holder(dinsos_head, "dinsos", nip="197103031996031003")
    make_user("bappeda", Role.VERIFIER)
    plt_user = make_user("dinsos-sekretaris", Role.AGENCY_HEAD, "dinsos")
    from balaikota.agencies.models import Official

    Official.objects.create(name="Sekretaris Dinsos", nip="198001012005011004", user=plt_user)

    mayor = new_page()
    _log_in(mayor, cast.mayor_office.username)
    _plan_and_open_round(mayor)

    pupr, dinkes, dinsos = new_page(), new_page(), new_page()
    _log_in(pupr, cast.pupr_head.username)
    _answer(pupr, "commit")
    _log_in(dinkes, "dinkes-head")
    _answer(dinkes, "counter")
    _log_in(dinsos, "dinsos-head")
    _answer(dinsos, "decline")

    # the mayor's office signs PUPR, revises Dinkes's offer and reassigns Dinsos's post
    mayor.reload()
    mayor.locator(_offer_card(mayor, "dpupr")).locator("button").click()
    expect(mayor.locator(_offer_card(mayor, "dpupr"))).to_have_attribute("data-status", "accepted")
    card = mayor.locator(_offer_card(mayor, "dinkes"))
    card.locator("[name$=-value]").fill("35")
    card.locator(".revise-form button").click()
    expect(mayor.locator(_offer_card(mayor, "dinkes"))).to_have_attribute("data-status", "pending")
    card = mayor.locator(_offer_card(mayor, "dinsos"))
    card.locator("[name=candidates]").select_option(label="Sekretaris Dinsos (198001012005011004)")
    card.locator("[name=reason]").fill("Kepala dinas tidak sanggup.")
    card.locator(".reassign-form button").click()
    card = mayor.locator(_offer_card(mayor, "dinsos"))
    card.locator("[name=is_acting]").check()
    card.locator(".decide-form button").click()
    expect(mayor.locator(_offer_card(mayor, "dinsos"))).to_have_attribute(
        "data-status", "appointed"
    )
    # the Plt confirms their own pact, starting from the post's last plan, on a phone
    plt = new_page(phone=True)
    _log_in(plt, "dinsos-sekretaris")
    plt.goto("/kinerja/saya")
    pact_form = plt.locator(".offer .pact-form")
    for quarter in (1, 2, 3, 4):
        pact_form.locator(f"[name=plan_{quarter}]").fill(f"Rencana Plt triwulan {quarter}")
    pact_form.locator("[name=pact]").check()
    pact_form.locator("button").click()
    expect(plt.locator(".alert-success")).to_be_visible()
    assert plt.evaluate("document.documentElement.scrollWidth") <= 390
    mayor.reload()
    expect(mayor.locator(_offer_card(mayor, "dinsos"))).to_have_attribute(
        "data-status", "reassigned"
    )
    _answer(dinkes, "commit")
    mayor.reload()
    mayor.locator(_offer_card(mayor, "dinkes")).locator("button").click()
    expect(mayor.locator(_offer_card(mayor, "dinkes"))).to_have_attribute("data-status", "accepted")
    mayor.screenshot(path=shots / "kinerja-lelang.png", full_page=True)
    assert Commitment.objects.get(agency__code="dinsos").is_acting
    assert Commitment.objects.get(agency__code="dinkes").value == 35

    # PUPR checks in; the verifier returns it, PUPR corrects, the verifier verifies
    evidence = tmp_path / "berita-acara.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bukti pekerjaan\n")
    _check_in(pupr, "90", evidence)
    verifier = new_page()
    console_errors: list[str] = []
    verifier.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _log_in(verifier, "bappeda")
    verifier.goto("/kinerja/verifikasi")
    item = verifier.locator(".verify-item").first
    # returning needs a note: htmx swaps the card in place with the reason
    item.locator("button.btn-outline-danger").click()
    expect(verifier.locator(".verify-error")).to_be_visible()
    verifier.locator(".verify-item [name=note]").fill("Satuannya km, bukan ratusan meter.")
    verifier.locator(".verify-item button.btn-outline-danger").click()
    expect(verifier.locator(".verify-result")).to_have_attribute("data-status", "returned")
    pupr.goto("/kinerja/saya")
    expect(pupr.locator('.check-in[data-status="returned"]')).to_have_count(1)
    _check_in(pupr, "9", evidence)
    verifier.goto("/kinerja/verifikasi")
    verifier.locator(".verify-item").first.locator("button.btn-success").click()
    expect(verifier.locator(".verify-result")).to_have_attribute("data-status", "verified")
    verifier.goto("/kinerja/verifikasi")
    expect(verifier.locator("#queue-empty")).to_be_visible()
    assert console_errors == []  # no script or style refused by the CSP

    # the scores show on the dashboard and the public board
    mayor.goto(f"/kinerja/dasbor?tahun={YEAR}")
    roads = Commitment.objects.get(agency__code="dpupr")
    row = mayor.locator(f'#lights tr[data-commitment="{roads.pk}"]')
    expect(row.locator(".band")).to_have_attribute("data-band", "high")  # 9 of 10: 90 %
    expect(mayor.locator('#ranking tr[data-agency="dpupr"]')).to_be_visible()
    mayor.screenshot(path=shots / "kinerja-dasbor.png", full_page=True)
    public = new_page(phone=True)
    public.goto(f"/kinerja?tahun={YEAR}")
    expect(public.locator(f'tr[data-commitment="{roads.pk}"] .band')).to_have_attribute(
        "data-band", "high"
    )
    public.screenshot(path=shots / "kinerja-publik.png", full_page=True)

    # the agreement and the evaluation download and open
    offer = Offer.objects.get(position__agency__code="dpupr")
    mayor.goto(f"/kinerja/lelang/{offer.auction_id}")
    with mayor.expect_download() as pdf_download:
        mayor.locator(_offer_card(mayor, "dpupr")).locator(".agreement-link").click()
    pdf = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
    offer.refresh_from_db()
    assert offer.pact_hash in pdf.pages[0].extract_text().replace("\n", "")
    mayor.goto(f"/kinerja/dasbor?tahun={YEAR}")
    with mayor.expect_download() as xlsx_download:
        mayor.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))[3:]
    assert {r[0] for r in rows} == {"DPUPR", "Dinkes", "Dinsos"}


def test_a_refused_check_in_keeps_what_was_typed_and_chosen_and_takes_a_decimal_comma(
    new_page: Callable[..., Page], world: World, tmp_path: Path, shots: Path
) -> None:
    commitment = Commitment.objects.get(offer=signed(world))
    evidence = tmp_path / "berita-acara.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% bukti pekerjaan\n")
    head = new_page(phone=True)
    _log_in(head, world.pupr_head.username)
    head.goto("/kinerja/saya")
    form = head.locator(f"#commitment-{commitment.pk} .check-in-form")
    form.locator("[name=quarter]").select_option("1")
    form.locator("[name=actual]").fill("dua koma delapan")
    form.locator("[name=obstacles]").fill("Musim hujan")
    form.locator("[name=evidence]").set_input_files(str(evidence))
    form.locator("button").click()
    # refused beside the form; nothing typed or chosen is lost
    expect(form.locator(".check-in-refused")).to_be_visible()
    head.screenshot(path=str(shots / "check-in-refused-390.png"), full_page=True)
    assert form.locator("[name=evidence]").evaluate("input => input.files.length") == 1
    expect(form.locator("[name=obstacles]")).to_have_value("Musim hujan")
    assert not commitment.check_ins.exists()
    # the value as the pages print numbers here
    form.locator("[name=actual]").fill("2,8")
    form.locator("button").click()
    expect(head.locator(".alert-success")).to_be_visible()
    check_in = commitment.check_ins.get()
    assert check_in.actual == pytest.approx(2.8)
    assert check_in.evidence.count() == 1

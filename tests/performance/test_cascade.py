"""The cascade from the RPJMD to the budget: sums that roll up, absorption and efficiency
beside each commitment, the public pages that show them, and the LKjIP's figures, each
recomputed here from the stored rows."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import pkgutil
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from balaikota.agencies.models import Agency
from balaikota.core.models import AuditEntry
from balaikota.performance import cascade, lkjip, monitoring, selectors, services
from balaikota.performance.models import (
    Activity,
    ActivityBudget,
    CheckIn,
    CheckInStatus,
    Commitment,
    Indicator,
    Programme,
    RenstraTarget,
    RpjmdGoal,
    RpjmdIndicator,
    RpjmdTarget,
    RpjmdYearTarget,
)
from tests.performance.conftest import PLAN, YEAR, World, open_round, signed

# (agency, Renstra code, PK indicator attribute of World, programmes: code -> activities'
# (pagu, realisation TW I-IV)); odd sen so that float arithmetic would show.
BUDGETS = {
    ("dpupr", "DPUPR-1", "roads"): {
        "1.03.10": [
            ("96500000000.10", ("9650000000.05", "20265000000.00", "26055000000.33", "0")),
            ("41750000000.00", ("3340000000.00", "7515000000.10", "12107500000.00", "0")),
        ],
        "1.03.03": [("27300000000.20", ("3822000000.00", "6552000000.00", "6825000000.07", "0"))],
    },
    ("dinkes", "DINKES-1", "maternal"): {
        "1.02.02": [
            ("8450000000.00", ("929500000.00", "1774500000.00", "2281500000.00", "0")),
            ("16200000000.00", ("1296000000.00", "2916000000.00", "4698000000.00", "0")),
        ],
    },
}


def build_cascade(world: World, year: int = YEAR) -> RpjmdIndicator:
    """Two agencies' Renstra targets under one RPJMD target, with programmes, activities
    and their budget for `year` (and a budget of another year that must not count)."""
    goal = RpjmdGoal.objects.create(
        period_start=2025,
        period_end=2029,
        code="T2",
        mission="Misi 2: Mewujudkan kota yang nyaman dan berwawasan lingkungan",
        name="Meningkatnya kualitas infrastruktur kota",
    )
    target = RpjmdTarget.objects.create(
        goal=goal, code="S2.1", name="Meningkatnya kemantapan jalan kota"
    )
    roads_km = RpjmdIndicator.objects.create(
        target=target,
        name="Panjang jalan kota diperbaiki per tahun",
        unit="km",
        polarity="up",
        baseline_value=31.5,
        baseline_year=2024,
        end_target=50,
    )
    Indicator.objects.filter(pk=world.roads.indicator_id).update(rpjmd_indicator=roads_km)
    for (code, renstra_code, attribute), programmes in BUDGETS.items():
        renstra = RenstraTarget.objects.create(
            agency=Agency.objects.get(code=code),
            rpjmd_target=target,
            code=renstra_code,
            name=f"Sasaran {code}",
        )
        renstra.indicators.add(getattr(world, attribute).indicator)
        for p_code, activities in programmes.items():
            programme = Programme.objects.create(
                renstra_target=renstra, code=p_code, name=f"Program {p_code}"
            )
            for n, (ceiling, realised) in enumerate(activities, start=1):
                activity = Activity.objects.create(
                    programme=programme, code=f"{p_code}.2.0{n}", name=f"Kegiatan {p_code}.{n}"
                )
                ActivityBudget.objects.create(
                    activity=activity,
                    year=year,
                    ceiling=Decimal(ceiling),
                    **{f"realised_q{q}": Decimal(v) for q, v in enumerate(realised, start=1)},
                )
                ActivityBudget.objects.create(
                    activity=activity, year=year - 1, ceiling=Decimal(1000), realised_q1=Decimal(1)
                )
    return roads_km


def expected_sums(year: int, upto: int) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """Pagu and realisation per level, summed here from the stored budget rows."""
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in ActivityBudget.objects.filter(year=year).select_related(
        "activity__programme__renstra_target__agency"
    ):
        realised = sum((getattr(row, f"realised_q{q}") for q in range(1, upto + 1)), Decimal(0))
        programme = row.activity.programme
        target = programme.renstra_target
        for key in [
            ("city", ""),
            ("agency", target.agency.code),
            ("target", target.code),
            ("programme", f"{target.code}/{programme.code}"),
            ("activity", row.activity.code),
        ]:
            sums[key][0] += row.ceiling
            sums[key][1] += realised
    return {key: (c, r) for key, (c, r) in sums.items()}


@pytest.mark.parametrize("upto", [1, 2, 3, 4])
def test_pagu_and_realisation_roll_up_from_activities_to_the_city(world: World, upto: int) -> None:
    build_cascade(world)
    expected = expected_sums(YEAR, upto)

    tree = cascade.budget_tree(YEAR, upto=upto)

    assert (tree.ceiling, tree.realised) == expected[("city", "")]
    seen = 0
    for agency in tree.children:
        assert (agency.ceiling, agency.realised) == expected[("agency", agency.code)]
        for target in agency.children:
            assert (target.ceiling, target.realised) == expected[("target", target.code)]
            for programme in target.children:
                key = ("programme", f"{target.code}/{programme.code}")
                assert (programme.ceiling, programme.realised) == expected[key]
                for activity in programme.children:
                    assert (activity.ceiling, activity.realised) == expected[
                        ("activity", activity.code)
                    ]
                    seen += 1
    assert seen == ActivityBudget.objects.filter(year=YEAR).count() == 5
    assert tree.absorption == (tree.realised / tree.ceiling * 100).quantize(Decimal("0.01"))


def test_an_agencys_tree_holds_only_its_own_budget(world: World) -> None:
    build_cascade(world)
    dinkes = cascade.budget_tree(YEAR, Agency.objects.get(code="dinkes"))
    assert [a.code for a in dinkes.children] == ["dinkes"]
    assert (dinkes.ceiling, dinkes.realised) == expected_sums(YEAR, 4)[("agency", "dinkes")]


def shown(number: str, html: str) -> bool:
    """The number on the page, in English or Indonesian notation."""
    swapped = number.translate(str.maketrans(",.", ".,"))
    return number in html or swapped in html


def report(world: World, commitment: Commitment, quarter: int, actual: float, **kw: str) -> CheckIn:
    return monitoring.submit_check_in(
        world.pupr_head,
        commitment,
        monitoring.CheckInInput(quarter=quarter, actual=actual, confidence="high", **kw),
    )


def verified(world: World, commitment: Commitment, quarter: int, actual: float, **kw: str) -> None:
    monitoring.verify_check_in(world.verifier, report(world, commitment, quarter, actual, **kw))


def achievement_from_rows(commitment: Commitment) -> tuple[float, float]:
    """(realisation, achievement) of a "sum" indicator from its verified check-ins."""
    rows = CheckIn.objects.filter(commitment=commitment, status=CheckInStatus.VERIFIED)
    actual = sum(r.actual for r in rows if r.actual is not None)
    target = sum(getattr(commitment, f"q{r.quarter}") for r in rows)
    return actual, round(actual / target * 100, 2)


def absorption_from_rows(renstra_code: str, year: int) -> tuple[Decimal, Decimal, Decimal]:
    rows = ActivityBudget.objects.filter(
        year=year, activity__programme__renstra_target__code=renstra_code
    )
    ceiling = sum((r.ceiling for r in rows), Decimal(0))
    realised = sum((r.realised() for r in rows), Decimal(0))
    return ceiling, realised, (realised / ceiling * 100).quantize(Decimal("0.01"))


def test_a_commitment_shows_absorption_and_efficiency_beside_its_achievement(
    world: World, client: Client
) -> None:
    build_cascade(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    verified(world, roads, 1, 9.5)
    verified(world, roads, 2, 12.25)

    response = client.get(reverse("performance:board"), {"tahun": YEAR})

    _actual, achievement = achievement_from_rows(roads)
    ceiling, realised, absorption = absorption_from_rows("DPUPR-1", YEAR)
    row, eff = next(line for line in response.context["lines"] if line[0].commitment == roads)
    assert row.score.achievement == achievement
    assert (eff.money.ceiling, eff.money.realised) == (ceiling, realised)
    assert eff.absorption == absorption
    assert eff.efficiency == round(achievement / float(absorption), 2)
    html = response.content.decode()
    assert shown(f"{absorption:.2f}%", html)
    assert shown(f"{eff.efficiency:.2f}", html)
    assert "efficiency-note" in html


def test_a_target_without_programmes_shows_no_efficiency(world: World, client: Client) -> None:
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))  # no cascade at all
    verified(world, roads, 1, 9.5)

    rows = selectors.commitment_rows(YEAR, verified_only=True)
    eff = cascade.efficiencies(rows, YEAR)[roads.pk]

    assert eff.renstra is None
    assert eff.absorption is None
    assert eff.efficiency is None
    page = client.get(reverse("performance:board"), {"tahun": YEAR}).content.decode()
    assert "anggaran belum ditautkan" in page or "no budget linked" in page


def last_year_round(world: World) -> Commitment:
    """Roads in the year before, all four quarters verified."""
    target = services.set_target(
        world.mayor,
        world.roads.indicator,
        YEAR - 1,
        {"value": 30, "q1": 6, "q2": 8, "q3": 8, "q4": 8},
    )
    auction = services.open_auction(
        world.mayor,
        year=YEAR - 1,
        title="Lelang Kinerja lalu",
        deadline=timezone.now() + dt.timedelta(days=7),
        packages={world.position("dpupr"): [target]},
    )
    offer = auction.offers.get()
    services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offer)
    commitment = Commitment.objects.get(offer=offer)
    for quarter, actual in enumerate((5.5, 8.0, 7.25, 9.0), start=1):
        verified(world, commitment, quarter, actual)
    return commitment


def sheet_rows(sheet: Worksheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_lkjip_figures_are_recomputed_from_stored_check_ins(world: World) -> None:
    roads_km = build_cascade(world)
    before = last_year_round(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    verified(world, roads, 1, 9.5, obstacles="Hujan deras menunda pengaspalan.")
    verified(world, roads, 2, 12.25, next_steps="Lembur di ruas Jalan Soekarno-Hatta.")
    report(world, roads, 3, 99.0, obstacles="Belum diverifikasi.")  # waits: does not count
    dpupr = Agency.objects.get(code="dpupr")

    book = load_workbook(io.BytesIO(lkjip.xlsx(lkjip.report(YEAR, dpupr))))

    sheet = book.worksheets[0]
    rows = sheet_rows(sheet)
    with translation.override(settings.LANGUAGE_CODE):
        assert lkjip._headings() in rows  # in the city's language
    with translation.override("en"):
        names = lkjip._headings()
    found = next(r for r in rows if r[2] == roads.indicator.name)
    line = dict(zip(names, found, strict=True))
    actual, achievement = achievement_from_rows(roads)
    last_actual, last_achievement = achievement_from_rows(before)
    ceiling, realised, absorption = absorption_from_rows("DPUPR-1", YEAR)
    assert roads_km.end_target is not None
    assert line["Realisation"] == actual == 21.75
    assert line["Target"] == roads.value
    assert line["Achievement (%)"] == achievement
    assert line["Last year's realisation"] == last_actual
    assert line["Last year's achievement (%)"] == last_achievement
    assert line["RPJMD end-of-period target"] == roads_km.end_target
    # half a year of a yearly sum is not set against the end of the period
    assert line["Achievement against the RPJMD end target (%)"] is None
    assert Decimal(str(line["Budget ceiling (Rp)"])) == ceiling
    assert Decimal(str(line["Budget realised (Rp)"])) == realised
    assert line["Budget absorption (%)"] == float(absorption)
    assert line["Efficiency"] == round(achievement / float(absorption), 2)
    # every figure is a number cell with a number format, not text
    row_number = rows.index(found) + 1
    for cell in sheet[row_number][4:]:
        if cell.value is not None:
            assert cell.data_type == "n", cell.coordinate
            assert cell.number_format != "General", cell.coordinate
    budget_sheet = book.worksheets[1]
    (target_row,) = [r for r in budget_sheet.iter_rows() if r[1].value == "DPUPR-1"]
    assert Decimal(str(target_row[3].value)) == ceiling
    assert Decimal(str(target_row[4].value)) == realised
    assert all(cell.data_type == "n" for cell in target_row[3:])
    notes = " ".join(str(v) for r in sheet_rows(book.worksheets[2]) for v in r if v)
    assert "Hujan deras menunda pengaspalan." in notes
    assert "Lembur di ruas Jalan Soekarno-Hatta." in notes
    assert "Belum diverifikasi." not in notes


def test_the_citys_lkjip_covers_every_agency_and_its_budget(world: World) -> None:
    roads_km = build_cascade(world)
    RpjmdYearTarget.objects.create(indicator=roads_km, year=YEAR, value=42)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    for quarter, actual in enumerate((9.5, 11.0, 10.25, 12.0), start=1):
        verified(world, roads, quarter, actual)

    data = lkjip.report(YEAR)

    # the RPJMD's indicator, against this year's RPJMD target and the period's end
    actual, _achievement = achievement_from_rows(roads)
    (rpjmd,) = data.rpjmd
    assert (rpjmd.year_target, rpjmd.actual) == (42, actual)
    assert rpjmd.achievement == round(actual / 42 * 100, 2)
    assert rpjmd.end_achievement == round(actual / 50 * 100, 2)
    book = load_workbook(io.BytesIO(lkjip.xlsx(data)))
    rpjmd_sheet = book["RPJMD"]
    (found,) = [r for r in rpjmd_sheet.iter_rows(min_row=2) if r[1].value == roads_km.name]
    assert [c.value for c in found[3:]] == [
        42,
        actual,
        rpjmd.achievement,
        50,
        rpjmd.end_achievement,
    ]
    assert all(c.data_type == "n" for c in found[3:])

    expected = expected_sums(YEAR, 4)
    assert (data.budget.ceiling, data.budget.realised) == expected[("city", "")]
    assert {line.commitment.agency.code for line in data.lines} == {"dpupr"}
    assert data.reported_upto == 4
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(lkjip.pdf(data))).pages)
    assert roads.indicator.name in text
    assert shown(f"{data.budget.ceiling:,.0f}", text)  # the city's pagu, in rupiah
    assert shown(f"{data.budget.absorption:.2f}", text)


def test_the_lkjip_downloads_are_public(world: World, client: Client) -> None:
    build_cascade(world)
    url = reverse("performance:lkjip_xlsx")

    xlsx = client.get(url, {"tahun": YEAR, "opd": "dpupr"})
    pdf = client.get(reverse("performance:lkjip_pdf"), {"tahun": YEAR})

    assert xlsx.status_code == 200
    assert 'filename="lkjip-2026-dpupr.xlsx"' in xlsx["Content-Disposition"]
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.get(url, {"tahun": YEAR, "opd": "tidak-ada"}).status_code == 404


def test_the_lkjip_downloads_are_limited_per_connection(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from balaikota.performance import views

    build_cascade(world)
    monkeypatch.setattr(views, "LKJIP_RATE", (2, 3600))
    url = reverse("performance:lkjip_xlsx")

    answers = [client.get(url, {"tahun": YEAR}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert "Too many requests" in answers[-1].content.decode()


def test_the_cascade_page_shows_the_line_from_the_rpjmd_to_the_budget(
    world: World, client: Client
) -> None:
    build_cascade(world)
    ceiling, _realised, absorption = absorption_from_rows("DINKES-1", YEAR)

    page = client.get(reverse("performance:cascade"), {"tahun": YEAR}).content.decode()

    assert "Meningkatnya kualitas infrastruktur kota" in page
    assert "Meningkatnya kemantapan jalan kota" in page
    assert "Sasaran dinkes" in page
    assert "Program 1.02.02" in page
    assert "Kegiatan 1.02.02.1" in page
    assert world.maternal.indicator.name in page
    assert shown(f"{ceiling:,.0f}", page)
    assert shown(f"{absorption:.2f}%", page)


def test_goals_typed_as_text_become_the_cascades_first_goals(world: World) -> None:
    Indicator.objects.filter(pk=world.poverty.indicator_id).update(
        mission="Misi 1: Kota yang sejahtera", goal="Menurunnya kemiskinan"
    )
    package = importlib.import_module("balaikota.performance.migrations")
    name = next(
        m.name
        for m in pkgutil.iter_modules(package.__path__)
        if m.name.endswith("_cascade_rpjmd_budget")
    )
    migration = importlib.import_module(f"balaikota.performance.migrations.{name}")

    migration.goals_from_text(apps, None)

    goal = RpjmdGoal.objects.get()
    assert (goal.name, goal.mission, goal.period_start) == (
        "Menurunnya kemiskinan",
        "Misi 1: Kota yang sejahtera",
        YEAR,
    )
    # the text stays where it was, and still reads as the indicator's mission
    assert Indicator.objects.get(pk=world.poverty.indicator_id).rpjmd_mission == (
        "Misi 1: Kota yang sejahtera"
    )


def test_a_commitments_page_shows_each_quarters_spending_beside_its_achievement(
    world: World, client: Client
) -> None:
    build_cascade(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    verified(world, roads, 1, 9.5)
    client.force_login(world.mayor)

    response = client.get(reverse("performance:commitment", args=[roads.pk]))

    rows = ActivityBudget.objects.filter(
        year=YEAR, activity__programme__renstra_target__code="DPUPR-1"
    )
    ceiling = sum((r.ceiling for r in rows), Decimal(0))
    quarters = response.context["budget_quarters"]
    assert [m.realised for _q, m in quarters] == [
        sum((getattr(r, f"realised_q{n}") for r in rows), Decimal(0)) for n in (1, 2, 3, 4)
    ]
    assert quarters[1][1].absorption == (
        (quarters[0][1].realised + quarters[1][1].realised) / ceiling * 100
    ).quantize(Decimal("0.01"))
    assert quarters[0][0].achievement == round(9.5 / roads.q1 * 100, 2)
    assert 'id="budget-quarters"' in response.content.decode()


def test_bappeda_records_a_quarters_realisation_in_the_admin_and_it_is_audited(
    world: World, client: Client
) -> None:
    build_cascade(world)
    activity = Activity.objects.get(code="1.02.02.2.01")
    row = ActivityBudget.objects.get(activity=activity, year=YEAR)
    admin = world.cast.admin
    admin.is_superuser = True  # as `balaikota createsuperuser` makes the city's administrator
    admin.save()
    client.force_login(admin)
    url = reverse("admin:performance_activity_change", args=[activity.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    budgets = ActivityBudget.objects.filter(activity=activity).order_by("id")
    data.update(
        {
            "budgets-TOTAL_FORMS": str(budgets.count()),
            "budgets-INITIAL_FORMS": str(budgets.count()),
            "budgets-MIN_NUM_FORMS": "0",
            "budgets-MAX_NUM_FORMS": "1000",
        }
    )
    for n, budget_row in enumerate(budgets):
        data.update(
            {
                f"budgets-{n}-id": str(budget_row.pk),
                f"budgets-{n}-activity": str(activity.pk),
                f"budgets-{n}-year": str(budget_row.year),
                f"budgets-{n}-ceiling": str(budget_row.ceiling),
                **{
                    f"budgets-{n}-realised_q{q}": str(getattr(budget_row, f"realised_q{q}"))
                    for q in (1, 2, 3, 4)
                },
            }
        )
        if budget_row.pk == row.pk:
            data[f"budgets-{n}-realised_q4"] = "1234567.89"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.realised_q4 == Decimal("1234567.89")
    entry = AuditEntry.objects.filter(
        object_type="performance.activitybudget", object_id=str(row.pk)
    ).latest("created_at")
    assert entry.actor == world.cast.admin
    assert entry.after is not None
    assert "1234567.89" in str(entry.after)
    assert (
        client.get(
            reverse("admin:performance_indicator_change", args=[world.roads.indicator_id])
        ).status_code
        == 200
    )
    for name in ("rpjmdgoal", "rpjmdindicator", "renstratarget", "programme", "activity"):
        assert client.get(reverse(f"admin:performance_{name}_changelist")).status_code == 200


def test_the_plan_shows_an_indicators_mission_from_the_cascade_else_the_text_typed(
    world: World, client: Client
) -> None:
    build_cascade(world)  # links roads to an RPJMD indicator under "Misi 2"
    Indicator.objects.filter(pk=world.poverty.indicator_id).update(mission="Misi 1: diketik")
    client.force_login(world.mayor)

    page = client.get(reverse("performance:plan"), {"tahun": YEAR}).content.decode()

    assert "Misi 2: Mewujudkan kota yang nyaman dan berwawasan lingkungan" in page
    assert "Misi 1: diketik" in page


def every_agency_signed(world: World) -> dict[str, Commitment]:
    """All three heads of the round committed and accepted, each indicator counting towards
    an RPJMD indicator of its own, each with a verified TW I."""
    offers = open_round(world)
    heads = {"dpupr": world.pupr_head, "dinkes": world.dinkes_head, "dinsos": world.dinsos_head}
    found = {}
    for code, head in heads.items():
        services.commit(head, offers[code], action_plan=PLAN, pact_confirmed=True)
        services.accept(world.mayor, offers[code])
    target = RpjmdTarget.objects.get(code="S2.1")
    for commitment in Commitment.objects.filter(year=YEAR).select_related("indicator", "agency"):
        indicator = commitment.indicator
        if indicator.rpjmd_indicator_id is None:
            indicator.rpjmd_indicator = RpjmdIndicator.objects.create(
                target=target,
                name=f"RPJMD {indicator.name}",
                unit=indicator.unit,
                polarity=indicator.polarity,
                end_target=1,
            )
            indicator.save(update_fields=["rpjmd_indicator"])
        head = heads[commitment.agency.code]
        value = commitment.low if commitment.value is None else commitment.value
        check_in = monitoring.submit_check_in(
            head,
            commitment,
            monitoring.CheckInInput(
                quarter=1, actual=value, confidence="high", obstacles=f"Kendala {indicator.name}"
            ),
        )
        monitoring.verify_check_in(world.verifier, check_in)
        found[indicator.name] = commitment
    return found


def lkjip_queries(agency: Agency | None = None) -> int:
    """The queries it takes to read the LKjIP and print it as Excel and PDF."""
    with CaptureQueriesContext(connection) as queries:
        data = lkjip.report(YEAR, agency)
        lkjip.xlsx(data)
        lkjip.pdf(data)
    return len(queries)


def test_the_lkjip_reads_in_the_same_few_queries_however_many_indicators(
    world: World, django_assert_max_num_queries: Any
) -> None:
    build_cascade(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    verified(world, roads, 1, 9.5)
    one_line = lkjip_queries()
    Commitment.objects.all().delete()
    CheckIn.objects.all().delete()

    every_agency_signed(world)

    with django_assert_max_num_queries(16):
        data = lkjip.report(YEAR)
        lkjip.xlsx(data)
        lkjip.pdf(data)
    assert len(data.lines) == 4
    assert all(line.end_target is not None for line in data.lines)
    assert lkjip_queries() == one_line
    assert lkjip_queries(Agency.objects.get(code="dinsos")) <= one_line


def test_the_cascade_page_and_the_board_read_in_a_few_queries(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    build_cascade(world)
    every_agency_signed(world)

    with django_assert_max_num_queries(16):
        cascade_page = client.get(reverse("performance:cascade"), {"tahun": YEAR})
    with django_assert_max_num_queries(16):
        board = client.get(reverse("performance:board"), {"tahun": YEAR})

    assert cascade_page.status_code == board.status_code == 200
    assert cascade_page.content.decode().count('class="border-start ps-3 mb-3 renstra"') == 2
    assert len(board.context["lines"]) == 4


def test_the_public_lkjip_hides_a_residents_contact_copied_into_a_check_in_note(
    world: World, client: Client
) -> None:
    build_cascade(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    note = (
        "Warga (Pak Joko Susilo, HP 0812-3456-7890, joko.susilo@example.com, "
        "NIK 3573015807900001) menolak pelebaran; ruas Jalan Soekarno-Hatta tertunda."
    )
    verified(world, roads, 1, 9.5, obstacles=note, next_steps="Mediasi dengan warga, Bu Sri.")

    xlsx = client.get(reverse("performance:lkjip_xlsx"), {"tahun": YEAR, "opd": "dpupr"})
    pdf = client.get(reverse("performance:lkjip_pdf"), {"tahun": YEAR})

    book = load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(str(v) for sheet in book.worksheets for r in sheet_rows(sheet) for v in r)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for printed in (cells, " ".join(text.split())):
        assert "menolak pelebaran" in printed  # the obstacle itself is reported
        assert "Soekarno-Hatta" in printed
        for personal in ("Joko", "0812", "3456-7890", "example.com", "3573015807900001", "Sri"):
            assert personal not in printed, personal


def test_the_lkjip_pdf_rounds_half_a_rupiah_as_the_page_and_the_excel_do(
    world: World, client: Client
) -> None:
    target = RpjmdTarget.objects.create(
        goal=RpjmdGoal.objects.create(period_start=2025, period_end=2029, code="T1", name="G"),
        code="S1.1",
        name="Menurunnya kemiskinan",
    )
    renstra = RenstraTarget.objects.create(
        agency=Agency.objects.get(code="dinsos"), rpjmd_target=target, code="DINSOS-1", name="S"
    )
    programme = Programme.objects.create(renstra_target=renstra, code="1.06.02", name="P")
    activity = Activity.objects.create(programme=programme, code="1.06.02.2.01", name="K")
    ActivityBudget.objects.create(
        activity=activity,
        year=YEAR,
        ceiling=Decimal("1234567890.50"),
        realised_q1=Decimal("2.50"),
    )

    pdf = client.get(reverse("performance:lkjip_pdf"), {"tahun": YEAR, "opd": "dinsos"})
    page = client.get(reverse("performance:cascade"), {"tahun": YEAR}).content.decode()

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "1.234.567.891" in text
    assert "1.234.567.890" not in text
    assert "Rp 3," in text  # realised, in the summary
    assert shown("1,234,567,891", page)


def test_a_note_that_reads_like_a_formula_stays_text_in_the_lkjips_excel(
    world: World, client: Client
) -> None:
    build_cascade(world)
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    formula = '=HYPERLINK("http://contoh.test/","Klik untuk rincian")'
    verified(world, roads, 1, 9.5, obstacles=formula, next_steps="Aspal\x0b datang TW II.")

    response = client.get(reverse("performance:lkjip_xlsx"), {"tahun": YEAR, "opd": "dpupr"})

    assert response.status_code == 200
    notes = load_workbook(io.BytesIO(response.content)).worksheets[2]
    (row,) = [r for r in notes.iter_rows(min_row=2) if r[4].value]
    assert (row[5].value, row[5].data_type) == (formula, "s")
    assert row[6].value == "Aspal datang TW II."


def test_a_yearly_count_is_set_against_the_rpjmds_targets_only_once_the_year_is_reported(
    world: World,
) -> None:
    # maternal deaths: lower is better, counted over the year, the ratio method
    build_cascade(world)
    deaths = RpjmdIndicator.objects.create(
        target=RpjmdTarget.objects.get(code="S2.1"),
        name="Jumlah kematian ibu",
        unit="jiwa",
        polarity="down",
        method="rasio",
        end_target=5,
    )
    RpjmdYearTarget.objects.create(indicator=deaths, year=YEAR, value=7)
    Indicator.objects.filter(pk=world.maternal.indicator_id).update(rpjmd_indicator=deaths)
    maternal = Commitment.objects.get(offer=signed(world, "dinkes"))

    def dinkes_reports(quarter: int, count: float) -> None:
        check_in = monitoring.submit_check_in(
            world.dinkes_head,
            maternal,
            monitoring.CheckInInput(quarter=quarter, actual=count, confidence="high"),
        )
        monitoring.verify_check_in(world.verifier, check_in)

    dinkes_reports(1, 1)
    data = lkjip.report(YEAR)
    (line,) = data.lines
    (rpjmd,) = [r for r in data.rpjmd if r.indicator == deaths]
    # one death by TW I is no 500% of the period's target of 5 a year, nor 700% of this year's
    assert (line.actual, line.end_achievement) == (1, None)
    assert (rpjmd.actual, rpjmd.achievement, rpjmd.end_achievement) == (1, None, None)

    for quarter, count in ((2, 2), (3, 1), (4, 2)):
        dinkes_reports(quarter, count)
    data = lkjip.report(YEAR)
    (line,) = data.lines
    (rpjmd,) = [r for r in data.rpjmd if r.indicator == deaths]
    assert (line.actual, line.end_achievement) == (6, round(5 / 6 * 100, 2))
    assert (rpjmd.achievement, rpjmd.end_achievement) == (round(7 / 6 * 100, 2), 83.33)
    sheet = load_workbook(io.BytesIO(lkjip.xlsx(data)))["RPJMD"]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[1].value == deaths.name]
    assert [c.value for c in row[3:]] == [7, 6, 116.67, 5, 83.33]


def test_last_years_lkjip_keeps_its_own_rpjmd_once_the_indicator_serves_the_next_one(
    world: World,
) -> None:
    build_cascade(world)  # RPJMD 2025-2029, roads' end target 50 km
    roads = Commitment.objects.get(offer=signed(world, "dpupr"))
    verified(world, roads, 1, 9.5)
    assert lkjip.report(YEAR).lines[0].end_target == 50
    later = RpjmdIndicator.objects.create(
        target=RpjmdTarget.objects.create(
            goal=RpjmdGoal.objects.create(
                period_start=YEAR + 1, period_end=YEAR + 5, code="T2", name="Jalan"
            ),
            code="S2.1",
            name="Jalan mantap",
        ),
        name="Panjang jalan kota diperbaiki per tahun",
        unit="km",
        polarity="up",
        end_target=80,
    )

    Indicator.objects.filter(pk=roads.indicator_id).update(rpjmd_indicator=later)

    (line,) = lkjip.report(YEAR).lines
    assert (line.end_target, line.end_achievement) == (None, None)  # not the next plan's 80

"""The demo's cascade: the RPJMD of Kota Malang 2025-2029 (two goals, four targets), the
Renstra targets of five agencies tied to it and to the auction's indicators, and their
programmes and activities with this year's budget ceiling (pagu) and its realisation for
each quarter already over. Names follow the regional programme nomenclature; the figures
are made up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from balaikota.agencies.models import Agency
from balaikota.performance.models import (
    Activity,
    ActivityBudget,
    Indicator,
    Programme,
    RenstraTarget,
    RpjmdGoal,
    RpjmdIndicator,
    RpjmdTarget,
    RpjmdYearTarget,
)

PERIOD = (2025, 2029)
MISSION_WELFARE = "Misi 1: Mewujudkan kota yang sejahtera dan berkeadilan"
MISSION_ENVIRONMENT = "Misi 2: Mewujudkan kota yang nyaman, hijau dan berwawasan lingkungan"


@dataclass(frozen=True)
class Measure:
    """An RPJMD indicator; `pk_name` names the auction's indicator that counts towards it."""

    name: str
    unit: str
    polarity: str
    baseline: float
    yearly: tuple[float, float, float, float, float]
    pk_name: str = ""
    method: str = "selisih"


@dataclass(frozen=True)
class Strategic:
    """An agency's Renstra target with the PK indicators measuring it and its programmes:
    (code, name, ((activity code, name, pagu in rupiah), ...))."""

    agency: str
    code: str
    name: str
    indicators: tuple[str, ...]
    programmes: tuple[tuple[str, str, tuple[tuple[str, str, int], ...]], ...]


GOALS = (
    (
        "T1",
        "Meningkatnya kesejahteraan dan kualitas hidup masyarakat",
        MISSION_WELFARE,
        (
            (
                "S1.1",
                "Menurunnya angka kemiskinan",
                (
                    Measure(
                        "Persentase penduduk miskin", "%", "down", 4.26,
                        (4.1, 3.9, 3.8, 3.65, 3.5), "Persentase penduduk miskin",
                    ),
                ),
            ),
            (
                "S1.2",
                "Meningkatnya kualitas sumber daya manusia",
                (
                    Measure(
                        "Indeks Pembangunan Manusia (IPM)", "poin", "up", 83.04,
                        (83.3, 83.6, 83.9, 84.2, 84.5), "Indeks Pembangunan Manusia (IPM)",
                    ),
                    Measure(
                        "Jumlah kematian ibu", "jiwa", "down", 9,
                        (8, 7, 7, 6, 5), "Jumlah kematian ibu", method="rasio",
                    ),
                ),
            ),
        ),
    ),
    (
        "T2",
        "Meningkatnya kualitas infrastruktur dan lingkungan hidup kota",
        MISSION_ENVIRONMENT,
        (
            (
                "S2.1",
                "Meningkatnya kemantapan jalan kota",
                (Measure("Persentase jalan kota dalam kondisi mantap", "%", "up", 86.2,
                         (87.0, 88.0, 89.0, 90.0, 91.0)),),
            ),
            (
                "S2.2",
                "Meningkatnya kualitas pengelolaan sampah",
                (
                    Measure(
                        "Persentase sampah terkelola", "%", "up", 72.0,
                        (76.0, 80.0, 82.0, 84.0, 85.0), "Persentase sampah terkelola",
                    ),
                ),
            ),
        ),
    ),
)  # fmt: skip

SAMBAT = "Aduan SAMBAT ditindaklanjuti tepat waktu"

STRATEGIC = (
    (
        "S1.1",
        Strategic(
            "dinsos", "DINSOS-1", "Meningkatnya kemandirian keluarga miskin",
            ("Persentase penduduk miskin",),
            (
                ("1.06.04", "Program Rehabilitasi Sosial", (
                    ("1.06.04.2.01", "Rehabilitasi sosial dasar penyandang disabilitas terlantar",
                     2_350_000_000),
                    ("1.06.04.2.02", "Rehabilitasi sosial dasar anak terlantar", 1_780_000_000),
                )),
                ("1.06.05", "Program Perlindungan dan Jaminan Sosial", (
                    ("1.06.05.2.01", "Pengelolaan data fakir miskin cakupan daerah kota",
                     1_240_000_000),
                    ("1.06.05.2.02", "Pemberdayaan sosial keluarga penerima manfaat",
                     6_900_000_000),
                )),
            ),
        ),
    ),
    (
        "S1.2",
        Strategic(
            "dinkes", "DINKES-1", "Meningkatnya derajat kesehatan ibu dan anak",
            ("Jumlah kematian ibu",),
            (
                ("1.02.02", "Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya Kesehatan "
                 "Masyarakat", (
                    ("1.02.02.2.02", "Pelayanan kesehatan ibu hamil dan bersalin",
                     8_450_000_000),
                    ("1.02.02.2.03", "Penyediaan layanan kesehatan rujukan tingkat kota",
                     16_200_000_000),
                )),
            ),
        ),
    ),
    (
        "S1.2",
        Strategic(
            "disdikbud", "DISDIKBUD-1", "Meningkatnya akses dan mutu pendidikan dasar",
            ("Indeks Pembangunan Manusia (IPM)",),
            (
                ("1.01.02", "Program Pengelolaan Pendidikan", (
                    ("1.01.02.2.02", "Pengelolaan pendidikan sekolah dasar", 38_600_000_000),
                    ("1.01.02.2.03", "Pengelolaan pendidikan sekolah menengah pertama",
                     24_100_000_000),
                )),
            ),
        ),
    ),
    (
        "S2.1",
        Strategic(
            "dpupr", "DPUPR-1", "Meningkatnya kualitas jalan dan layanan aduan prasarana",
            ("Panjang jalan kota yang diperbaiki", SAMBAT),
            (
                ("1.03.10", "Program Penyelenggaraan Jalan", (
                    ("1.03.10.2.01", "Rehabilitasi jalan kota", 96_500_000_000),
                    ("1.03.10.2.02", "Pemeliharaan rutin jalan dan jembatan", 41_750_000_000),
                )),
                ("1.03.03", "Program Pengelolaan dan Pengembangan Sistem Drainase", (
                    ("1.03.03.2.01", "Pembangunan dan rehabilitasi saluran drainase",
                     27_300_000_000),
                )),
            ),
        ),
    ),
    (
        "S2.2",
        Strategic(
            "dlh", "DLH-1", "Meningkatnya cakupan pengelolaan sampah",
            ("Persentase sampah terkelola", SAMBAT),
            (
                ("2.11.03", "Program Pengelolaan Persampahan", (
                    ("2.11.03.2.01", "Pengelolaan sampah dan operasional TPA Supit Urang",
                     31_800_000_000),
                    ("2.11.03.2.02", "Penyediaan sarana TPS3R dan bank sampah", 9_400_000_000),
                )),
            ),
        ),
    ),
)  # fmt: skip

# The share of each activity's ceiling spent in TW I-IV: slow at first, as usual.
SPENDING = ((0.11, 0.21, 0.27, 0.31), (0.08, 0.18, 0.29, 0.36), (0.14, 0.24, 0.25, 0.30))


def _rupiah(amount: float) -> Decimal:
    return Decimal(round(amount, -3))


def load_cascade(year: int, quarters_over: int) -> int:
    """The RPJMD, the Renstra targets and this year's budget; returns the activities made.
    Realisation is recorded for the `quarters_over` quarters already over."""
    targets: dict[str, RpjmdTarget] = {}
    indicators = {i.name: i for i in Indicator.objects.all()}
    for code, name, mission, sasaran in GOALS:
        goal, _ = RpjmdGoal.objects.get_or_create(
            period_start=PERIOD[0],
            code=code,
            defaults={"period_end": PERIOD[1], "name": name, "mission": mission},
        )
        for s_code, s_name, measures in sasaran:
            target = RpjmdTarget.objects.create(goal=goal, code=s_code, name=s_name)
            targets[s_code] = target
            for m in measures:
                _measure(target, m, indicators)
    count = 0
    for rpjmd_code, strategic in STRATEGIC:
        count += _strategic(targets[rpjmd_code], strategic, indicators, year, quarters_over)
    return count


def _measure(target: RpjmdTarget, m: Measure, indicators: dict[str, Indicator]) -> None:
    measure = RpjmdIndicator.objects.create(
        target=target,
        name=m.name,
        unit=m.unit,
        polarity=m.polarity,
        method=m.method,
        baseline_value=m.baseline,
        baseline_year=PERIOD[0] - 1,
        end_target=m.yearly[-1],
    )
    RpjmdYearTarget.objects.bulk_create(
        RpjmdYearTarget(indicator=measure, year=PERIOD[0] + n, value=value)
        for n, value in enumerate(m.yearly)
    )
    if m.pk_name in indicators:
        Indicator.objects.filter(pk=indicators[m.pk_name].pk).update(rpjmd_indicator=measure)


def _strategic(
    rpjmd: RpjmdTarget,
    s: Strategic,
    indicators: dict[str, Indicator],
    year: int,
    quarters_over: int,
) -> int:
    renstra = RenstraTarget.objects.create(
        agency=Agency.objects.get(code=s.agency), rpjmd_target=rpjmd, code=s.code, name=s.name
    )
    renstra.indicators.set([indicators[name] for name in s.indicators if name in indicators])
    count = 0
    for p_code, p_name, activities in s.programmes:
        programme = Programme.objects.create(renstra_target=renstra, code=p_code, name=p_name)
        for a_code, a_name, ceiling in activities:
            activity = Activity.objects.create(programme=programme, code=a_code, name=a_name)
            shares = SPENDING[count % len(SPENDING)]
            ActivityBudget.objects.create(
                activity=activity,
                year=year,
                ceiling=Decimal(ceiling),
                **{
                    f"realised_q{q}": _rupiah(ceiling * shares[q - 1])
                    for q in range(1, quarters_over + 1)
                },
            )
            count += 1
    return count

"""The performance auction of the demo: this year's round in Kota Malang, through the same
services the pages use.

Most heads commit; Dinkes counters and settles on a revised offer; Dinsos declines and the
post goes to an acting official (Plt); Dishub has not answered yet. Past quarters have
check-ins, most verified, one returned; SAMBAT's follow-up share is drafted from complaints.
The cascade from the RPJMD to the budget ties five agencies' targets to their programmes
(see `demo.cascade`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from balaikota.agencies.models import Agency, Assignment, Membership, Official, Position
from balaikota.core.models import Role, User
from balaikota.demo.cascade import load_cascade
from balaikota.demo.loader import Login, _start_of, _user
from balaikota.performance import access, monitoring, periods, services, signing
from balaikota.performance.models import (
    Agreement,
    Auction,
    Commitment,
    Indicator,
    Offer,
    Source,
    Target,
)


@dataclass(frozen=True)
class Plan:
    name: str
    unit: str
    polarity: str
    aggregation: str
    baseline: float
    values: dict[str, float]
    actuals: tuple[float, float, float, float]
    agencies: tuple[str, ...]
    method: str = "selisih"
    source: str = Source.MANUAL
    mission: str = ""
    is_key: bool = True


MISSION_WELFARE = "Misi 1: Mewujudkan kota yang sejahtera dan berkeadilan"
MISSION_SERVICE = "Misi 3: Mewujudkan tata kelola pemerintahan yang bersih dan melayani"

PLANS = (
    Plan(
        "Persentase penduduk miskin", "%", "down", "last", 4.26,
        {"value": 3.9, "q1": 4.2, "q2": 4.1, "q3": 4.0, "q4": 3.9},
        (4.21, 4.12, 4.02, 3.92), ("dinsos",), mission=MISSION_WELFARE,
    ),
    Plan(
        "Indeks Pembangunan Manusia (IPM)", "poin", "up", "last", 83.04,
        {"value": 83.6, "q1": 83.2, "q2": 83.3, "q3": 83.45, "q4": 83.6},
        (83.18, 83.31, 83.4, 83.55), ("disdikbud",), mission=MISSION_WELFARE,
    ),
    Plan(
        "Jumlah kematian ibu", "jiwa", "down", "sum", 9,
        {"value": 7, "q1": 2, "q2": 2, "q3": 2, "q4": 1},
        (2, 3, 1, 1), ("dinkes",), method="rasio", mission=MISSION_WELFARE,
    ),
    Plan(
        "Inflasi tahunan (y-o-y)", "%", "range", "last", 1.4,
        {"low": 1.5, "high": 3.5},
        (2.1, 2.6, 3.9, 3.0), ("setda",), mission=MISSION_WELFARE,
    ),
    Plan(
        "Panjang jalan kota yang diperbaiki", "km", "up", "sum", 31.5,
        {"value": 40, "q1": 8, "q2": 12, "q3": 12, "q4": 8},
        (7.5, 12.4, 9.0, 8.0), ("dpupr",), mission=MISSION_SERVICE, is_key=False,
    ),
    Plan(
        "Persentase sampah terkelola", "%", "up", "last", 72.0,
        {"value": 80, "q1": 74, "q2": 76, "q3": 78, "q4": 80},
        (74.5, 76.2, 77.1, 80.0), ("dlh",), mission=MISSION_WELFARE, is_key=False,
    ),
    Plan(
        "Aduan SAMBAT ditindaklanjuti tepat waktu", "%", "up", "average", 81.0,
        {"value": 90, "q1": 90, "q2": 90, "q3": 90, "q4": 90},
        (84.0, 88.5, 91.0, 92.0), ("dpupr", "dlh"), source=Source.FOLLOWUP_SHARE,
        mission=MISSION_SERVICE,
    ),
    Plan(
        "Rata-rata waktu izin terbit", "hari kerja", "down", "average", 6.0,
        {"value": 4, "q1": 5, "q2": 4.5, "q3": 4, "q4": 4},
        (6.5, 6.2, 6.0, 5.5), ("dishub", "dpmptsp"), mission=MISSION_SERVICE, is_key=False,
    ),
)  # fmt: skip

LOGINS = [
    Login("bappeda", "verifier"),
    Login("setda.sekda", "agency_head", "setda"),
    Login("dinsos.sekretaris", "agency_head", "dinsos"),
]

PLAN_TEXT = {
    "1": "Pendataan sasaran dan penyusunan jadwal kegiatan.",
    "2": "Pelaksanaan program prioritas di seluruh kecamatan.",
    "3": "Percepatan kegiatan yang tertinggal dan pemantauan lapangan.",
    "4": "Evaluasi capaian dan penyusunan laporan akhir tahun.",
}


def _person(username: str, role: str, first: str, last: str, agency: Agency | None) -> User:
    user = _user(username, role, first, last)
    if agency is not None:
        Membership.objects.get_or_create(user=user, agency=agency)
    return user


def _officials(today: dt.date) -> tuple[User, User, Official]:
    """The mayor's office and a verifier; a Sekda to hold Setda's post; a Plt candidate."""
    mayor = User.objects.get(username="walikota")
    verifier = _person("bappeda", Role.VERIFIER, "Verifikator", "Bappeda", None)
    setda = Agency.objects.get(code="setda")
    sekda = _person("setda.sekda", Role.AGENCY_HEAD, "Sekretaris", "Daerah", setda)
    official, _ = Official.objects.get_or_create(user=sekda, defaults={"name": "Sekretaris Daerah"})
    Assignment.objects.get_or_create(
        position=Position.objects.get(agency=setda, is_head=True),
        official=official,
        defaults={"starts_at": _start_of(today)},
    )
    dinsos = Agency.objects.get(code="dinsos")
    plt = _person("dinsos.sekretaris", Role.AGENCY_HEAD, "Sekretaris", "Dinas Sosial", dinsos)
    candidate, _ = Official.objects.get_or_create(
        user=plt, defaults={"name": "Sekretaris Dinas Sosial", "nip": "198203152006042011"}
    )
    return mayor, verifier, candidate


def _plan(mayor: User, year: int) -> dict[str, list[tuple[Plan, Target]]]:
    packages: dict[str, list[tuple[Plan, Target]]] = {}
    for plan in PLANS:
        indicator = services.create_indicator(
            mayor,
            services.IndicatorInput(
                name=plan.name,
                unit=plan.unit,
                polarity=plan.polarity,
                aggregation=plan.aggregation,
                method=plan.method,
                source=plan.source,
                baseline_value=plan.baseline,
                baseline_year=year - 2,
                mission=plan.mission,
                goal="Sasaran RPJMD Kota Malang 2025-2029",
                is_key=plan.is_key,
            ),
        )
        target = services.set_target(mayor, indicator, year, plan.values)
        for code in plan.agencies:
            packages.setdefault(code, []).append((plan, target))
    return packages


def _holder(offer: Offer) -> User:
    assignment = access.holder_of(offer.position)
    assert assignment is not None
    assert assignment.official.user is not None
    return assignment.official.user


def load_performance() -> int:
    """This year's auction and its monitoring; only into a database without one."""
    today = timezone.localdate()
    year = today.year
    if Auction.objects.filter(year=year).exists():
        return Commitment.objects.filter(year=year).count()
    # Every agreement is signed (PAdES): with the city's key when one is configured, else
    # with a demo CA made now under VAR_DIR/pk-demo, and each PK says so on its face.
    signing.city()
    mayor, verifier, candidate = _officials(today)
    packages = _plan(mayor, year)
    positions = {
        p.agency.code: p
        for p in Position.objects.filter(is_head=True, agency__code__in=packages).select_related(
            "agency"
        )
    }
    auction = services.open_auction(
        mayor,
        year=year,
        title=f"Lelang Kinerja Kota Malang {year}",
        deadline=timezone.now() + dt.timedelta(days=14),
        packages={positions[code]: [t for _, t in items] for code, items in packages.items()},
    )
    offers = {o.position.agency.code: o for o in auction.offers.select_related("position__agency")}
    for code, offer in offers.items():
        if code in {"dinkes", "dinsos", "dishub"}:
            continue
        services.commit(_holder(offer), offer, action_plan=PLAN_TEXT, pact_confirmed=True)
        services.accept(mayor, offer)
    _negotiate(mayor, offers["dinkes"])
    _reassign(mayor, offers["dinsos"], candidate)
    _monitor(verifier, year, periods.quarter_of(today) - 1)
    load_cascade(year, periods.quarter_of(today) - 1)
    _last_year(mayor, verifier, year - 1)
    return Commitment.objects.filter(year=year).count()


def agreements_note() -> str:
    """What the demo says about its signed agreements."""
    latest = Agreement.objects.filter(superseded_by=None).order_by("-signed_at").first()
    if latest is None:
        return "Performance agreements: none signed"
    who = signing.city()
    key = "a DEMO CA under VAR_DIR/pk-demo (not the city's key)" if who.is_demo else who.subject
    count = Agreement.objects.count()
    return (
        f"Performance agreements signed with {key}: {count}; "
        f"verify one at /kinerja/pk/{latest.code}"
    )


def _negotiate(mayor: User, offer: Offer) -> None:
    head = _holder(offer)
    item = offer.items.get()
    services.counter(
        head,
        offer,
        proposal={str(item.pk): {"value": 9, "q1": 3, "q2": 2, "q3": 2, "q4": 2}},
        reason="Dua puskesmas PONED sedang direnovasi; rujukan ibu hamil risiko tinggi "
        "terhambat sampai pertengahan tahun.",
    )
    services.revise_offer(
        mayor,
        offer,
        values={str(item.pk): {"value": 8, "q1": 2, "q2": 2, "q3": 2, "q4": 2}},
        note="Disepakati 8 jiwa dengan pendampingan RSUD untuk rujukan.",
    )
    services.commit(head, offer, action_plan=PLAN_TEXT, pact_confirmed=True)
    services.accept(mayor, offer)


def _reassign(mayor: User, offer: Offer, candidate: Official) -> None:
    services.decline(
        _holder(offer),
        offer,
        reason="Data terpadu kesejahteraan sosial belum dimutakhirkan; target tidak realistis.",
    )
    reassignment = services.open_reassignment(
        mayor,
        offer,
        candidates=[candidate],
        reason="Kepala Dinas Sosial menyatakan tidak sanggup; jabatan dilelang ulang.",
    )
    services.decide_reassignment(
        mayor,
        reassignment,
        official=candidate,
        is_acting=True,
        note="Ditunjuk sebagai Plt sampai pejabat definitif dilantik.",
    )
    # The Plt confirms their own pact; the post's targets then become theirs.
    assert candidate.user is not None
    services.commit(
        candidate.user,
        offer,
        action_plan={
            "1": "Pemutakhiran data terpadu kesejahteraan sosial bersama kelurahan.",
            "2": "Penyaluran bantuan sosial tepat sasaran dan pendampingan keluarga.",
            "3": "Pelatihan usaha mikro bagi keluarga penerima manfaat.",
            "4": "Evaluasi graduasi keluarga penerima manfaat.",
        },
        pact_confirmed=True,
    )


# Last year's round, fully reported, for the LKjIP's comparison with the year before: the
# targets and the four quarterly actuals of the indicators whose agency held them then.
LAST_YEAR: dict[str, tuple[dict[str, float | None], tuple[float, ...]]] = {
    "Indeks Pembangunan Manusia (IPM)": (
        {"value": 83.3, "q1": 83.0, "q2": 83.1, "q3": 83.2, "q4": 83.3},
        (82.95, 83.02, 83.1, 83.19),
    ),
    "Jumlah kematian ibu": ({"value": 8, "q1": 2, "q2": 2, "q3": 2, "q4": 2}, (3, 2, 2, 2)),
    "Panjang jalan kota yang diperbaiki": (
        {"value": 35, "q1": 6, "q2": 10, "q3": 11, "q4": 8},
        (6.2, 9.8, 10.5, 7.0),
    ),
    "Persentase sampah terkelola": (
        {"value": 76, "q1": 73, "q2": 74, "q3": 75, "q4": 76},
        (72.4, 73.1, 74.0, 75.2),
    ),
}


def _last_year(mayor: User, verifier: User, year: int) -> None:
    by_name = {plan.name: plan for plan in PLANS}
    packages: dict[Position, list[Target]] = {}
    for indicator in Indicator.objects.filter(name__in=LAST_YEAR):
        values, _actuals = LAST_YEAR[indicator.name]
        target = services.set_target(mayor, indicator, year, values)
        for code in by_name[indicator.name].agencies:
            position = Position.objects.get(agency__code=code, is_head=True)
            packages.setdefault(position, []).append(target)
    auction = services.open_auction(
        mayor,
        year=year,
        title=f"Lelang Kinerja Kota Malang {year}",
        deadline=timezone.now() + dt.timedelta(days=1),
        packages=packages,
    )
    for offer in auction.offers.select_related("position"):
        services.commit(_holder(offer), offer, action_plan=PLAN_TEXT, pact_confirmed=True)
        services.accept(mayor, offer)
    for commitment in Commitment.objects.filter(year=year).select_related(
        "indicator", "official__user"
    ):
        user = commitment.official.user
        assert user is not None
        for quarter, actual in enumerate(LAST_YEAR[commitment.indicator.name][1], start=1):
            check_in = monitoring.submit_check_in(
                user,
                commitment,
                monitoring.CheckInInput(quarter=quarter, actual=actual, confidence="high"),
            )
            monitoring.verify_check_in(verifier, check_in)


def _monitor(verifier: User, year: int, quarters: int) -> None:
    """Check-ins for each quarter already over: verified, except the latest quarter of
    Disdikbud (returned) and of DLH (waiting); complaint-fed ones are drafted."""
    by_name = {plan.name: plan for plan in PLANS}
    commitments = Commitment.objects.filter(year=year).select_related(
        "indicator", "agency", "official__user"
    )
    for commitment in commitments:
        plan = by_name[commitment.indicator.name]
        user = commitment.official.user
        assert user is not None
        for quarter in range(1, quarters + 1):
            last = quarter == quarters
            if last and plan.source != Source.MANUAL:
                continue  # drafted from complaints below, for the holder to complete
            check_in = monitoring.submit_check_in(
                user,
                commitment,
                monitoring.CheckInInput(
                    quarter=quarter,
                    actual=plan.actuals[quarter - 1],
                    obstacles="Anggaran perubahan belum cair." if quarter == 2 else "",
                    next_steps="Koordinasi lintas OPD setiap bulan.",
                    confidence="medium" if quarter == 3 else "high",
                ),
            )
            if last and commitment.agency.code == "disdikbud":
                monitoring.return_check_in(
                    verifier, check_in, "Lampirkan rilis BPS sebagai bukti angka IPM."
                )
            elif not (last and commitment.agency.code == "dlh"):
                monitoring.verify_check_in(verifier, check_in)
    if quarters:
        monitoring.draft_complaint_check_ins(periods.quarter_end(year, quarters) + dt.timedelta(1))

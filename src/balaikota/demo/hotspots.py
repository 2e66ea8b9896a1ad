"""Two hotspots for the demo: potholes that keep coming back on a road in Sumbersari, with
a planned resurfacing under way, and garbage dumped again and again at a corner in Klojen.
Made through the same services as real complaints and plans, so every step is audited."""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone

from balaikota.complaints import intake
from balaikota.complaints.models import Category, Channel
from balaikota.core.models import User
from balaikota.hotspots import build, services
from balaikota.hotspots.clustering import METRES_PER_DEGREE
from balaikota.hotspots.models import Hotspot, PlannedWork, WorkStatus
from balaikota.regions.models import Level, Region

ROAD = (
    "35.73.05.1005",  # Sumbersari
    "jalan-rusak",
    (
        "Jalan berlubang lagi di depan kampus, padahal bulan lalu sudah ditambal.",
        "Lubang besar di jalan ini muncul lagi setelah hujan, motor hampir jatuh.",
        "Aspal mengelupas dan berlubang, sudah beberapa kali dilaporkan warga.",
        "Tambalan jalan rusak lagi, genangan air di lubang membahayakan pengendara.",
    ),
)
GARBAGE = (
    "35.73.02.1001",  # Klojen
    "sampah",
    (
        "Sampah dibuang sembarangan lagi di pojok jalan dekat pasar.",
        "Tumpukan sampah di sudut jalan ini belum diangkut dan bau sekali.",
        "Warga terus membuang sampah di tempat ini walau sudah ada larangan.",
    ),
)
DEMO_REPORTER = "Warga Titik Rawan"


def _near(region: Region, north_m: float, east_m: float) -> tuple[float, float]:
    lat = (region.centre_lat or 0.0) + north_m / METRES_PER_DEGREE
    scale = METRES_PER_DEGREE * math.cos(math.radians(lat))
    return lat, (region.centre_lon or 0.0) + east_m / scale


def _report_place(code: str, slug: str, texts: tuple[str, ...]) -> None:
    village = Region.objects.get(code=code, level=Level.VILLAGE)
    category = Category.objects.get(slug=slug)
    for number, text in enumerate(texts):
        lat, lon = _near(village, 60 + 8 * number, 40 - 6 * number)
        intake.submit_complaint(
            text=text,
            category=category,
            lat=lat,
            lon=lon,
            location_source="device",
            channel=Channel.WEB,
            contact=intake.Contact(name=DEMO_REPORTER),
        )


def load_hotspots() -> int:
    """The two places, the hotspots computed, and the road's planned work under way; only
    once. Returns the current hotspots."""
    if PlannedWork.objects.exists():
        return Hotspot.objects.filter(active=True).count()
    _report_place(*ROAD)
    _report_place(*GARBAGE)
    # The window ends at the computation's whole second: a second on, the complaints just
    # made are all in it.
    build.rebuild(timezone.now() + dt.timedelta(seconds=1))
    road = (
        Hotspot.objects.filter(active=True, category__slug=ROAD[1], region__code=ROAD[0])
        .order_by("-count")
        .first()
    )
    staff = User.objects.filter(username="dpupr.staf").first()
    if road is not None and staff is not None:
        today = timezone.localdate()
        work = services.create_work(
            road,
            staff,
            services.WorkInput(
                title="Pengaspalan ulang dan perbaikan saluran tepi jalan",
                description=(
                    "Lubang di ruas ini muncul lagi setiap musim hujan karena air menggenang "
                    "di tepi jalan. Aspal diganti sepanjang 150 m dan saluran tepi diperbaiki "
                    "agar air tidak lagi merusak jalan."
                ),
                planned_start=today - dt.timedelta(days=3),
                planned_end=today + dt.timedelta(days=25),
                budget=None,
            ),
        )
        services.change_status(
            work, staff, WorkStatus.IN_PROGRESS, "Kontraktor mulai bekerja di lokasi."
        )
    return Hotspot.objects.filter(active=True).count()

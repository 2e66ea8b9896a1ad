"""A small city history, counted by hand, made through the real services at set times.

| | category (agency) | kelurahan (kecamatan) | submitted | accepted | resolved | rating |
|---|---|---|---|---|---|---|
| A | jalan-rusak (DPUPR) | Sumbersari (Lowokwaru) | Mon 2 Nov 09:00 | Wed 4 Nov | Fri 6 Nov | 5 |
| B | jalan-rusak (DPUPR) | Klojen (Klojen) | Mon 2 Nov 10:00 | Thu 12 Nov (late) | - | - |
| C | sampah (DLH) | Klojen (Klojen) | Tue 3 Nov 09:00 | - | - | - |
| D | sampah (DLH) | Sumbersari (Lowokwaru) | Thu 15 Oct 09:00 | same day | same day, closed | 3 |
| E | duplicate of A | Sumbersari | Mon 2 Nov 11:00 | - | - | - |

Seen on Mon 30 Nov 2026 at 10:00: B's resolve deadline (Thu 26 Nov) and C's follow-up
deadline (Tue 10 Nov) have passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from balaikota.complaints import services
from balaikota.complaints.models import Complaint
from balaikota.core.workdays import JAKARTA
from tests.conftest import KLOJEN, SUMBERSARI, Cast, jpeg, submit

NOW = dt.datetime(2026, 11, 30, 10, tzinfo=JAKARTA)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=JAKARTA)


@dataclass
class Story:
    a: Complaint
    b: Complaint
    c: Complaint
    d: Complaint
    e: Complaint


@pytest.fixture
def story(cast: Cast) -> Story:
    def travel(moment: dt.datetime) -> time_machine.travel:
        return time_machine.travel(moment, tick=False)

    road = "Jalan berlubang besar di depan sekolah, motor sering jatuh."
    trash = "Sampah menumpuk di pinggir jalan sudah seminggu tidak diangkut."
    with travel(at(10, 15)):
        d = submit(text=trash, category="sampah", at=SUMBERSARI)
        services.accept_complaint(d, cast.dlh_staff)
        services.resolve_complaint(d, cast.dlh_staff, "Sudah diangkut.", jpeg())
        services.confirm_resolution(d, rating=3)
    with travel(at(11, 2, 9)):
        a = submit(text=road, at=SUMBERSARI)
    with travel(at(11, 2, 10)):
        b = submit(text="Aspal jalan mengelupas dan berlubang di dekat pasar.", at=KLOJEN)
    with travel(at(11, 2, 11)):
        e = submit(text="Jalan depan sekolah berlubang, sudah ada yang jatuh.", at=SUMBERSARI)
        services.mark_duplicate(e, cast.operator, a)
    with travel(at(11, 3)):
        c = submit(text=trash, category="sampah", at=KLOJEN)
    with travel(at(11, 4)):
        services.accept_complaint(a, cast.pupr_staff)
    with travel(at(11, 6)):
        services.resolve_complaint(a, cast.pupr_staff, "Sudah ditambal.", jpeg())
        services.confirm_resolution(a, rating=5)
    with travel(at(11, 12)):
        services.accept_complaint(b, cast.pupr_staff)
    for complaint in (a, b, c, d, e):
        complaint.refresh_from_db()
    return Story(a, b, c, d, e)


@pytest.fixture
def now() -> time_machine.Coordinates:  # type: ignore[misc]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Map answers are cached for a minute; each test starts without them."""
    from django.core.cache import cache

    cache.clear()

"""Same problem, reported again: found within radius and period, supported, merged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from balaikota.complaints import duplicates, intake, services
from balaikota.complaints.models import Category, Complaint, Status
from balaikota.core.workdays import JAKARTA
from tests.conftest import SUMBERSARI, Cast, submit

pytestmark = pytest.mark.django_db

HOLE = "Jalan berlubang besar di depan warung, motor sering jatuh."
# About 55 m and 180 m north of SUMBERSARI.
NEAR = (SUMBERSARI[0] + 0.0005, SUMBERSARI[1])
FAR = (SUMBERSARI[0] + 0.0016, SUMBERSARI[1])


def similar_to(text: str = HOLE, at: tuple[float, float] = SUMBERSARI) -> list[str]:
    found = duplicates.find_similar(
        category=Category.objects.get(slug="jalan-rusak"), lat=at[0], lon=at[1], text=text
    )
    return [s.complaint.ticket for s in found]


def test_a_similar_open_complaint_nearby_is_found(cast: Cast) -> None:
    earlier = submit(
        text="Ada lubang besar di jalan depan warung, sudah banyak motor jatuh.", at=NEAR
    )
    assert similar_to() == [earlier.ticket]


def test_one_further_than_the_radius_is_not(cast: Cast) -> None:
    submit(text=HOLE, at=FAR)
    assert similar_to() == []


def test_one_older_than_the_period_is_not(cast: Cast) -> None:
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, tzinfo=JAKARTA), tick=False):
        submit(text=HOLE, at=NEAR)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), tick=False):
        assert similar_to() == []


def test_other_categories_and_closed_complaints_are_not(cast: Cast) -> None:
    submit(text="Sampah menumpuk di depan warung, bau sekali.", category="sampah", at=NEAR)
    rejected = submit(text=HOLE, at=NEAR, category=None)
    Complaint.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    assert similar_to() == []


def test_unrelated_words_at_the_same_place_are_not_a_duplicate(cast: Cast) -> None:
    submit(text="Jembatan kayu di gang lapuk, papannya patah dua.", at=NEAR)
    assert similar_to() == []


def test_saya_juga_counts_once_per_browser(cast: Cast) -> None:
    complaint = submit(text=HOLE)
    browser = Client()
    url = reverse("complaints:support", args=[complaint.ticket])
    first = browser.post(url, headers={"accept": "application/json"}).json()
    again = browser.post(url, headers={"accept": "application/json"}).json()
    Client(REMOTE_ADDR="198.51.100.2").post(url)  # someone else, elsewhere
    assert (first["counted"], again["counted"]) == (True, False)
    complaint.refresh_from_db()
    assert complaint.supporters == 2
    page = Client().get(reverse("complaints:track", args=[complaint.ticket])).content.decode()
    assert 'id="supporters">2<' in page


def test_merging_a_duplicate_gives_its_supporters_to_the_original(cast: Cast) -> None:
    original = submit(text=HOLE)
    copy = submit(text=HOLE, at=NEAR)
    duplicates.support(copy, "session:a")
    services.mark_duplicate(copy, cast.operator, original)
    original.refresh_from_db()
    assert original.supporters == 2  # the copy's reporter and its one supporter


def test_the_report_form_api_offers_similar_complaints_without_personal_data(cast: Cast) -> None:
    earlier = submit(
        text=HOLE, at=NEAR, contact=intake.Contact(name="Siti Aminah", phone="081234567890")
    )
    answer = Client().get(
        "/api/v1/complaints/similar",
        {
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "text": HOLE,
        },
    )
    assert [item["ticket"] for item in answer.json()] == [earlier.ticket]
    assert "Siti" not in answer.content.decode()


def test_operators_see_possible_duplicates_on_the_complaint(cast: Cast) -> None:
    first = submit(text=HOLE)
    second = submit(text=HOLE, at=NEAR)
    client = Client()
    client.force_login(cast.operator)
    page = client.get(reverse("complaints:staff_detail", args=[second.ticket]))
    assert [s.complaint.ticket for s in page.context["similar"]] == [first.ticket]


def test_distance_is_measured_in_metres() -> None:
    assert duplicates.distance_m(-7.96, 112.614, -7.961, 112.614) == pytest.approx(111, abs=1)


def _nearby(**params: object) -> list[dict[str, object]]:
    query = {"lat": SUMBERSARI[0], "lon": SUMBERSARI[1], **params}
    answer = Client().get("/api/v1/complaints/similar", query)
    assert answer.status_code == 200
    return list(answer.json())


def test_the_pin_alone_shows_open_reports_nearby_of_every_category(cast: Cast) -> None:
    hole = submit(text=HOLE, at=NEAR)
    rubbish = submit(text="Sampah menumpuk di depan warung.", category="sampah", at=NEAR)
    submit(text=HOLE, at=FAR)  # too far
    closed = submit(text=HOLE, at=NEAR, category=None)
    Complaint.objects.filter(pk=closed.pk).update(status=Status.REJECTED)

    shown = _nearby()

    assert {item["ticket"] for item in shown} == {hole.ticket, rubbish.ticket}
    assert {item["category"] for item in shown} == {"jalan-rusak", "sampah"}


def test_choosing_a_category_narrows_the_nearby_reports_to_it(cast: Cast) -> None:
    hole = submit(text=HOLE, at=NEAR)
    submit(text="Sampah menumpuk di depan warung, bau sekali.", category="sampah", at=NEAR)

    assert [item["ticket"] for item in _nearby(category="jalan-rusak")] == [hole.ticket]
    assert _nearby(category="tidak-ada") == []


def test_nearby_reports_carry_no_personal_data(cast: Cast) -> None:
    submit(
        text="Jalan berlubang di depan rumah Siti Aminah, telepon 081234567890.",
        at=NEAR,
        contact=intake.Contact(name="Siti Aminah", phone="081234567890", email="siti@x.test"),
    )

    answer = str(_nearby())

    assert "081234567890" not in answer
    assert "siti@x.test" not in answer


def test_nearby_reports_cost_the_same_few_queries_however_many_there_are(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    for category in ["jalan-rusak", "sampah", "jalan-rusak", "sampah", "jalan-rusak", "sampah"]:
        submit(text=HOLE, category=category, at=NEAR)

    with django_assert_max_num_queries(2):  # type: ignore[operator]
        shown = _nearby()

    assert len(shown) == 5

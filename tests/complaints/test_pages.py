"""The public and staff pages: what each person sees, and what nobody else does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from balaikota.complaints import intake, services
from balaikota.complaints.models import Complaint, Status
from tests.conftest import SUMBERSARI, Cast, jpeg, submit

pytestmark = pytest.mark.django_db

PERSONAL = intake.Contact(
    name="Siti Aminah", phone="081234567890", email="siti@example.test", nik="3573010101010001"
)
SECRETS = ("Siti Aminah", "081234567890", "siti@example.test", "3573010101010001")


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_form_creates_a_complaint_and_shows_the_tracking_code(cast: Cast) -> None:
    client = Client()
    response = client.post(
        reverse("complaints:report"),
        {
            "text": "Jalan berlubang dalam di depan pasar.",
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "location_source": "map",
            "photos": [jpeg()],
            "submission_key": "form-1",
        },
        follow=True,
    )
    complaint = Complaint.objects.get()
    assert complaint.channel == "web"
    assert complaint.ticket in response.content.decode()
    assert "Sumbersari" in response.content.decode()


def test_report_form_keeps_the_answers_to_the_chosen_categorys_questions(cast: Cast) -> None:
    form = {
        "text": "Jalan berlubang dalam di depan pasar.",
        "category": "jalan-rusak",
        "lat": SUMBERSARI[0],
        "lon": SUMBERSARI[1],
        "location_source": "map",
        # Another category's question, sent by a browser without scripts, is ignored.
        "attribute[nomor-tiang]": "PJU-17",
    }

    page = Client().get(reverse("complaints:report")).content.decode()
    wrong = Client().post(reverse("complaints:report"), form | {"attribute[ukuran]": "raksasa"})
    right = Client().post(reverse("complaints:report"), form | {"attribute[ukuran]": "besar"})

    assert "Seberapa besar kerusakannya?" in page or "How large is the damage?" in page
    assert wrong.status_code == 400
    assert right.status_code == 302
    assert Complaint.objects.get().attributes == {"ukuran": "besar"}


def test_the_form_never_requires_an_answer(cast: Cast) -> None:
    response = Client().post(
        reverse("complaints:report"),
        {
            "text": "Pohon besar tumbang di Jl. Ijen, menutup separuh jalan.",
            "category": "pohon-tumbang",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "location_source": "map",
        },
    )

    assert response.status_code == 302
    assert Complaint.objects.get().attributes == {}


def test_report_form_answers_json_for_the_upload_script(cast: Cast) -> None:
    response = Client().post(
        reverse("complaints:report"),
        {
            "text": "Sampah menumpuk di pinggir kali.",
            "category": "sampah",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "location_source": "device",
        },
        headers={"accept": "application/json"},
    )
    assert response.status_code == 201
    assert response.json()["redirect"].endswith(response.json()["ticket"])


def test_report_form_shows_the_outside_error_and_keeps_the_text(cast: Cast) -> None:
    response = Client().post(
        reverse("complaints:report"),
        {
            "text": "Jalan rusak parah sekali di sini.",
            "lat": -7.5,
            "lon": 112.2,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Jalan rusak parah sekali di sini." in page
    assert not Complaint.objects.exists()


def test_tracking_page_shows_the_steps_and_no_personal_data(cast: Cast) -> None:
    complaint = submit(contact=PERSONAL)
    services.accept_complaint(complaint, cast.pupr_staff, "Tim menuju lokasi.")
    page = Client().get(reverse("complaints:track", args=[complaint.ticket])).content.decode()
    assert "Tim menuju lokasi." in page
    assert "Sumbersari" in page
    for secret in SECRETS:
        assert secret not in page


def test_home_page_lists_complaints_without_personal_data(cast: Cast) -> None:
    submit(contact=PERSONAL)
    page = Client().get("/").content.decode()
    for secret in SECRETS:
        assert secret not in page


def test_a_lowercase_tracking_code_finds_the_complaint(cast: Cast) -> None:
    complaint = submit()
    response = Client().get(
        reverse("complaints:track_lookup"), {"ticket": complaint.ticket.lower()}, follow=True
    )
    assert response.status_code == 200
    assert complaint.ticket in response.content.decode()


def test_a_mistyped_tracking_code_says_so_in_indonesian_with_the_code_to_correct(
    cast: Cast,
) -> None:
    response = Client().get(
        reverse("complaints:track_lookup"),
        {"ticket": "SBT-0000OOOO"},
        follow=True,
        headers={"Accept-Language": "id"},
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert 'id="ticket-not-found"' in page
    assert "Kode tidak ditemukan" in page
    assert 'value="SBT-00000000"' in page  # to correct, not to type again


def test_a_rejected_complaint_does_not_say_it_waits_for_the_operator(
    cast: Cast, unsure_router: None
) -> None:
    complaint = submit(category=None)
    services.reject_complaint(complaint, cast.operator, "Bukan kewenangan pemerintah kota.")
    page = (
        Client()
        .get(
            reverse("complaints:track", args=[complaint.ticket]), headers={"Accept-Language": "id"}
        )
        .content.decode()
    )
    handled_by = page[page.index('id="agency"') :]
    handled_by = handled_by[: handled_by.index("</dd>")]
    assert "Menunggu operator" not in handled_by
    assert "ditolak" in handled_by


def test_agency_inbox_shows_only_its_own_complaints(cast: Cast) -> None:
    road = submit(category="jalan-rusak")
    garbage = submit(text="Sampah menumpuk tiga hari.", category="sampah")
    page = logged_in(cast.pupr_staff).get(reverse("complaints:inbox")).content.decode()
    assert road.ticket in page
    assert garbage.ticket not in page


def test_the_inbox_finds_a_complaint_by_its_code_however_typed_or_by_its_words(
    cast: Cast,
) -> None:
    road = submit(category="jalan-rusak")
    bridge = submit(text="Jembatan kayu di gang Melati retak dan miring.", category="jalan-rusak")
    services.accept_complaint(bridge, cast.pupr_staff)
    services.resolve_complaint(bridge, cast.pupr_staff, "Diperbaiki.", jpeg())
    services.confirm_resolution(bridge, rating=5)
    staff = logged_in(cast.pupr_staff)

    def found(search: str) -> list[str]:
        page = staff.get(reverse("complaints:inbox"), {"cari": search}).content.decode()
        return [c.ticket for c in (road, bridge) if c.ticket in page]

    assert found(road.ticket.lower().replace("sbt-", "")) == [road.ticket]
    assert found("gang melati") == [bridge.ticket]  # closed ones too: a search is not a queue
    assert found("tidak ada yang seperti ini") == []


def test_the_inbox_search_cannot_find_an_anonymous_reporter_by_their_contact(
    cast: Cast,
) -> None:
    hidden = submit(
        text="Jalan di depan rumah saya rusak parah. Hubungi saya di 081298765432.",
        privacy="anonymous",
    )
    inbox = logged_in(cast.operator)

    def found(search: str) -> bool:
        page = inbox.get(reverse("complaints:inbox"), {"cari": search}).content.decode()
        return hidden.ticket in page

    assert not found("081298765432")  # staff never see it: a search must not confirm it
    assert found("depan rumah")


def test_staff_of_other_agency_cannot_see_the_complaint(cast: Cast) -> None:
    road = submit(category="jalan-rusak")
    response = logged_in(cast.dlh_staff).get(reverse("complaints:staff_detail", args=[road.ticket]))
    assert response.status_code == 404


def test_staff_of_other_agency_cannot_act_through_the_page(cast: Cast) -> None:
    road = submit(category="jalan-rusak")
    response = logged_in(cast.dlh_staff).post(
        reverse("complaints:staff_action", args=[road.ticket, "accept"])
    )
    assert response.status_code == 404
    road.refresh_from_db()
    assert road.status == Status.ASSIGNED


def test_agency_staff_accept_and_resolve_through_the_page(cast: Cast) -> None:
    road = submit()
    client = logged_in(cast.pupr_staff)
    client.post(reverse("complaints:staff_action", args=[road.ticket, "accept"]), {"note": ""})
    client.post(
        reverse("complaints:staff_action", args=[road.ticket, "resolve"]),
        {"note": "Sudah diaspal.", "photo": jpeg("after.jpg")},
    )
    road.refresh_from_db()
    assert road.status == Status.RESOLVED


def test_citizens_cannot_open_staff_pages(cast: Cast) -> None:
    assert logged_in(cast.citizen).get(reverse("complaints:inbox")).status_code == 403
    anonymous = Client().get(reverse("complaints:inbox"))
    assert anonymous.status_code == 302
    assert "/masuk/" in anonymous["Location"]


def test_operator_queue_holds_complaints_without_an_agency(cast: Cast, unsure_router: None) -> None:
    waiting = submit(category=None)
    routed = submit()
    page = logged_in(cast.operator).get(reverse("complaints:operator_queue")).content.decode()
    assert waiting.ticket in page
    assert routed.ticket not in page


def test_inbox_filters_by_kelurahan_and_overdue(cast: Cast) -> None:
    here = submit()
    Complaint.objects.filter(pk=here.pk).update(due_at="2020-01-01T00:00:00+07:00")
    elsewhere = submit(at=(-7.973, 112.635))
    client = logged_in(cast.pupr_staff)
    by_place = client.get(reverse("complaints:inbox"), {"wilayah": "35.73.05.1005"})
    assert here.ticket in by_place.content.decode()
    assert elsewhere.ticket not in by_place.content.decode()
    overdue = client.get(reverse("complaints:inbox"), {"terlambat": "1"}).content.decode()
    assert here.ticket in overdue
    assert elsewhere.ticket not in overdue


def test_inbox_query_count_does_not_grow_with_complaints(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        submit()
    client = logged_in(cast.pupr_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:inbox"))
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"]) == 25


def test_tracking_page_query_count_is_fixed(cast: Cast, django_assert_max_num_queries: Any) -> None:
    complaint = submit(photo_files=[jpeg(), jpeg()])
    services.accept_complaint(complaint, cast.pupr_staff)
    for i in range(12):
        services.add_progress_note(complaint, cast.pupr_staff, f"Langkah {i}")
    with django_assert_max_num_queries(8):
        response = Client().get(reverse("complaints:track", args=[complaint.ticket]))
    assert response.status_code == 200
    assert len(response.context["events"]) == 15


def test_reporter_confirms_with_the_private_link(cast: Cast) -> None:
    from balaikota.complaints.models import Category

    submission = intake.submit_complaint(
        text="Lampu PJU mati di depan masjid.",
        category=Category.objects.get(slug="jalan-rusak"),
        lat=SUMBERSARI[0],
        lon=SUMBERSARI[1],
    )
    complaint = submission.complaint
    services.accept_complaint(complaint, cast.pupr_staff)
    services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", jpeg())
    stranger = Client().post(
        reverse("complaints:reporter_action", args=[complaint.ticket, "confirm"]), {"rating": 5}
    )
    assert stranger.status_code == 403
    Client().post(
        reverse("complaints:reporter_action", args=[complaint.ticket, "confirm"]),
        {"rating": 4, "kunci": submission.reporter_key},
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.rating == 4


def test_pages_declare_a_strict_content_security_policy(cast: Cast) -> None:
    policy = Client().get(reverse("complaints:report"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_inbox_shows_how_many_are_open_new_and_overdue(cast: Cast) -> None:
    late = submit()
    submit()
    services.accept_complaint(submit(), cast.pupr_staff)
    Complaint.objects.filter(pk=late.pk).update(due_at="2020-01-01T00:00:00+07:00")
    health = logged_in(cast.pupr_staff).get(reverse("complaints:inbox")).context["health"]
    assert (health.open, health.new, health.overdue) == (3, 2, 1)


def test_my_complaints_lists_what_this_browser_sent(cast: Cast) -> None:
    client = Client()
    client.post(
        reverse("complaints:report"),
        {
            "text": "Jalan berlubang dalam di depan pasar.",
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
        },
    )
    someone_else = submit()
    page = client.get(reverse("complaints:mine")).content.decode()
    assert Complaint.objects.exclude(pk=someone_else.pk).get().ticket in page
    assert someone_else.ticket not in page


def test_a_retry_whose_answer_was_lost_still_gets_the_private_link(cast: Cast) -> None:
    data = {
        "text": "Jalan berlubang dalam di depan pasar.",
        "category": "jalan-rusak",
        "lat": SUMBERSARI[0],
        "lon": SUMBERSARI[1],
        "submission_key": "slow-phone-1",
    }
    Client().post(reverse("complaints:report"), data)  # committed; the answer never arrived
    retry = Client()
    page = retry.post(reverse("complaints:report"), data, follow=True).content.decode()
    assert Complaint.objects.count() == 1
    assert "kunci=" in page


def test_a_form_reused_for_another_report_makes_a_new_complaint(cast: Cast) -> None:
    client = Client()
    base = {
        "category": "jalan-rusak",
        "lat": SUMBERSARI[0],
        "lon": SUMBERSARI[1],
        "submission_key": "back-button",
    }
    client.post(reverse("complaints:report"), base | {"text": "Jalan berlubang di depan pasar."})
    client.post(reverse("complaints:report"), base | {"text": "Trotoar ambles dekat sekolah."})
    assert Complaint.objects.count() == 2


def test_the_private_key_leaves_the_address_bar_at_once(cast: Cast) -> None:
    complaint = submit()
    response = Client().get(reverse("complaints:track", args=[complaint.ticket]) + "?kunci=abc")
    assert response.status_code == 302
    assert "kunci" not in response["Location"]


def test_staff_detail_query_count_does_not_grow_with_the_timeline(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    complaint = submit(photo_files=[jpeg()])
    services.accept_complaint(complaint, cast.pupr_staff)
    for i in range(12):
        services.add_progress_note(complaint, cast.pupr_staff, f"Langkah {i}")
    client = logged_in(cast.pupr_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    assert response.status_code == 200
    assert len(response.context["events"]) == 15

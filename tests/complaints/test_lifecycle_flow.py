"""Complaints moving through their lifecycle in the database, by the people allowed to."""

from __future__ import annotations

import pytest

from balaikota.agencies.models import Agency
from balaikota.complaints import intake, services
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Category, Complaint, Status
from balaikota.complaints.tickets import new_reporter_key
from balaikota.notifications.models import OutboxMessage
from tests.conftest import SUMBERSARI, Cast, jpeg, submit

pytestmark = pytest.mark.django_db


def statuses(complaint: Complaint) -> list[str]:
    return list(complaint.events.order_by("id").values_list("to_status", flat=True))


def test_the_whole_road_from_report_to_closed(cast: Cast) -> None:
    complaint = submit(contact=intake.Contact(email="warga@example.test"))
    services.accept_complaint(complaint, cast.pupr_staff, "Tim dijadwalkan.")
    services.add_progress_note(complaint, cast.pupr_staff, "Material sudah dipesan.")
    services.resolve_complaint(complaint, cast.pupr_staff, "Sudah ditambal.", jpeg("after.jpg"))
    services.confirm_resolution(complaint, rating=5, comment="Cepat sekali.")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.rating == 5
    assert statuses(complaint) == [
        "submitted",
        "assigned",
        "in_progress",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert complaint.photos.filter(kind="after").count() == 1
    # The reporter, who left an e-mail address, heard of each step.
    subjects = OutboxMessage.objects.filter(address="warga@example.test").values_list(
        "subject", flat=True
    )
    assert len(subjects) >= 4


def test_an_uncategorised_complaint_goes_where_the_rules_send_it_once_categorised(
    cast: Cast, unsure_router: None
) -> None:
    complaint = submit(category=None)
    services.verify_complaint(complaint, cast.operator)
    services.correct_complaint(
        complaint, cast.operator, category=Category.objects.get(slug="sampah")
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.agency is not None
    assert complaint.agency.code == "dlh"
    assert complaint.category_source == "operator"
    assert complaint.followup_due is not None
    assert complaint.due_at == complaint.followup_due
    assert list(complaint.events.values_list("action", flat=True))[-2:] == ["correct", "assign"]


def test_the_assign_form_proposes_the_agency_the_rules_name(
    cast: Cast, unsure_router: None
) -> None:
    from django.test import Client
    from django.urls import reverse

    complaint = submit(category=None)
    operator = Client()
    operator.force_login(cast.operator)
    page = operator.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    assert page.context["assign_form"].initial["agency"] is None  # no category, no rule
    Complaint.objects.filter(pk=complaint.pk).update(
        category=Category.objects.get(slug="jalan-rusak")
    )
    page = operator.get(reverse("complaints:staff_detail", args=[complaint.ticket]))
    assert page.context["assign_form"].initial["agency"] == Agency.objects.get(code="dpupr")


def test_operator_sends_an_uncategorised_complaint_to_an_agency_by_hand(
    cast: Cast, unsure_router: None
) -> None:
    complaint = submit(category=None)
    services.assign_complaint(complaint, cast.operator, Agency.objects.get(code="dlh"))
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.agency is not None
    assert complaint.agency.code == "dlh"


def test_agency_returns_a_complaint_that_is_not_theirs(cast: Cast) -> None:
    complaint = submit()
    services.return_to_operator(complaint, cast.pupr_staff, "Ini saluran, bukan jalan.")
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED
    assert complaint.agency is None
    assert OutboxMessage.objects.filter(
        event="complaint.returned", recipient_user=cast.operator
    ).exists()


def test_operator_rejects_with_a_reason(cast: Cast, unsure_router: None) -> None:
    complaint = submit(category=None)
    services.reject_complaint(complaint, cast.operator, "Bukan wewenang pemerintah kota.")
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED
    assert complaint.rejection_reason == "Bukan wewenang pemerintah kota."


def test_operator_marks_a_duplicate_of_an_earlier_complaint(cast: Cast) -> None:
    first = submit()
    second = submit()
    services.mark_duplicate(second, cast.operator, first)
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE
    assert second.duplicate_of == first


def test_a_complaint_cannot_duplicate_itself(cast: Cast) -> None:
    complaint = submit()
    with pytest.raises(TransitionNotAllowed):
        services.mark_duplicate(complaint, cast.operator, complaint)


def test_citizen_reopens_and_it_goes_back_to_the_same_agency(cast: Cast) -> None:
    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff)
    services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", jpeg())
    services.reopen_complaint(complaint, "Lubangnya masih ada.")
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.agency is not None
    assert complaint.agency.code == "dpupr"
    assert statuses(complaint)[-2:] == ["reopened", "assigned"]


def test_resolving_needs_an_after_photo(cast: Cast) -> None:
    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff)
    with pytest.raises(TransitionNotAllowed, match="after"):
        services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", None)
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_staff_of_other_agency_cannot_resolve(cast: Cast) -> None:
    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff)
    with pytest.raises(TransitionNotAllowed):
        services.resolve_complaint(complaint, cast.dlh_staff, "Selesai.", jpeg())
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_staff_of_other_agency_cannot_accept(cast: Cast) -> None:
    complaint = submit()
    with pytest.raises(TransitionNotAllowed):
        services.accept_complaint(complaint, cast.dlh_staff)


def test_a_citizen_account_cannot_act_as_staff(cast: Cast, unsure_router: None) -> None:
    complaint = submit(category=None)
    with pytest.raises(TransitionNotAllowed):
        services.verify_complaint(complaint, cast.citizen)


def test_mayor_office_reads_but_does_not_act(cast: Cast) -> None:
    complaint = submit()
    with pytest.raises(TransitionNotAllowed):
        services.accept_complaint(complaint, cast.mayor_office)


def test_only_the_reporter_key_opens_the_reporter_actions(cast: Cast) -> None:
    submission = intake.submit_complaint(
        text="Pohon besar miring hampir tumbang.",
        category=Category.objects.get(slug="pohon-tumbang"),
        lat=SUMBERSARI[0],
        lon=SUMBERSARI[1],
    )
    complaint = submission.complaint
    assert services.reporter_may_act(complaint, key=submission.reporter_key, user=None)
    assert not services.reporter_may_act(complaint, key=new_reporter_key(), user=None)
    assert not services.reporter_may_act(complaint, key=None, user=cast.citizen)


def test_a_failed_transition_changes_nothing(cast: Cast) -> None:
    complaint = submit()
    events_before = complaint.events.count()
    with pytest.raises(TransitionNotAllowed):
        services.confirm_resolution(complaint, rating=5)
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.events.count() == events_before


def test_operator_moves_a_complaint_from_one_agency_to_another(cast: Cast) -> None:
    complaint = submit()  # routed to DPUPR by the rules
    services.accept_complaint(complaint, cast.pupr_staff)
    services.assign_complaint(complaint, cast.operator, Agency.objects.get(code="dlh"), "Pohon.")
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.agency is not None
    assert complaint.agency.code == "dlh"
    told = OutboxMessage.objects.filter(event="complaint.moved", channel="in_app")
    assert set(told.values_list("recipient_user__username", flat=True)) == {"pupr", "pupr-head"}


def test_two_complaints_cannot_be_marked_duplicates_of_each_other(cast: Cast) -> None:
    first = submit()
    second = submit()
    stale_first = Complaint.objects.get(pk=first.pk)
    services.mark_duplicate(second, cast.operator, first)
    # Another operator, looking at an older page, tries the reverse.
    with pytest.raises(TransitionNotAllowed):
        services.mark_duplicate(stale_first, cast.operator, Complaint.objects.get(pk=second.pk))
    first.refresh_from_db()
    assert first.status == Status.ASSIGNED


def test_a_returned_complaint_gets_a_fresh_deadline_for_the_operator(cast: Cast) -> None:
    import datetime as dt

    import time_machine

    from balaikota.core.workdays import JAKARTA

    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), tick=False):
        complaint = submit()
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, tzinfo=JAKARTA), tick=False):
        services.return_to_operator(complaint, cast.pupr_staff, "Bukan urusan kami.")
        complaint.refresh_from_db()
        assert not complaint.is_overdue()
        assert services.escalate_overdue() == 0


def test_verifying_an_overdue_complaint_does_not_escalate_it_again(
    cast: Cast, unsure_router: None
) -> None:
    import datetime as dt

    import time_machine

    from balaikota.core.workdays import JAKARTA

    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=JAKARTA), tick=False):
        complaint = submit(category=None)
    with time_machine.travel(dt.datetime(2026, 11, 12, 9, tzinfo=JAKARTA), tick=False):
        assert services.escalate_overdue() == 1
        services.verify_complaint(complaint, cast.operator)
        assert services.escalate_overdue() == 0


def test_system_notes_are_stored_in_the_citys_language(cast: Cast, settings: object) -> None:
    from django.utils import translation

    settings.LANGUAGE_CODE = "id"  # type: ignore[attr-defined]
    complaint = submit()
    services.accept_complaint(complaint, cast.pupr_staff)
    services.resolve_complaint(complaint, cast.pupr_staff, "Selesai.", jpeg())
    with translation.override("en"):  # the citizen reads the site in English
        services.reopen_complaint(complaint, "Still broken.")
    note = complaint.events.filter(action="assign").last().note
    assert note
    assert note != "Sent back to the agency that resolved it."

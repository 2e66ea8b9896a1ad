"""The agency or the operator asks the reporter for information ("butuh informasi"): the
complaint waits with its clock stopped, the answer brings it back, and silence closes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from balaikota.complaints import intake, lifecycle, replies, services
from balaikota.complaints.lifecycle import Action, Actor, TransitionNotAllowed
from balaikota.complaints.models import Complaint, Privacy, Status
from balaikota.core.models import AuditEntry
from balaikota.core.workdays import JAKARTA
from balaikota.notifications.models import OutboxMessage
from tests.conftest import Cast, jpeg, submit

pytestmark = pytest.mark.django_db

EMAIL = "warga@example.test"
QUESTION = "Di sisi mana lubangnya, dekat gerbang atau dekat kantin?"


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=JAKARTA)


def end_of(day: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, 23, 59, 59, tzinfo=JAKARTA)


def reported(**kwargs: Any) -> Complaint:
    kwargs.setdefault("contact", intake.Contact(name="Budi Santoso", email=EMAIL))
    return submit(**kwargs)


def test_the_table_lets_each_side_ask_only_while_it_holds_the_complaint() -> None:
    assert lifecycle.check(Action.ASK, Status.VERIFIED, Actor.OPERATOR, "?") == Status.WAITING
    assert lifecycle.check(Action.ASK, Status.IN_PROGRESS, Actor.AGENCY, "?") == Status.WAITING
    with pytest.raises(TransitionNotAllowed):
        lifecycle.check(Action.ASK, Status.ASSIGNED, Actor.OPERATOR, "?")
    with pytest.raises(TransitionNotAllowed):
        lifecycle.check(Action.ASK, Status.VERIFIED, Actor.AGENCY, "?")
    with pytest.raises(TransitionNotAllowed):
        lifecycle.check(Action.ASK, Status.IN_PROGRESS, Actor.AGENCY, "  ")
    assert Action.ESCALATE not in lifecycle.allowed_actions(Status.WAITING, Actor.SYSTEM)
    assert lifecycle.allowed_actions(Status.WAITING, Actor.AGENCY) == [Action.RESUME]


def test_the_agency_asks_and_the_reporter_gets_the_question_with_a_link_and_a_reply_address(
    cast: Cast, settings: Any
) -> None:
    settings.REPLY_EMAIL_DOMAIN = "balas.malangkota.test"
    complaint = reported()
    services.accept_complaint(complaint, cast.pupr_staff)

    event = services.ask_reporter(complaint, cast.pupr_staff, QUESTION)

    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING
    assert complaint.waiting_from == Status.IN_PROGRESS
    assert complaint.clock_paused_at is not None
    assert complaint.get_clock_pause_reason_display() == "waiting for the reporter's answer"
    mail = OutboxMessage.objects.get(address=EMAIL, event="complaint.question")
    token = replies.token_for(event.pk)
    assert QUESTION in mail.body
    assert f"/lacak/{complaint.ticket}?jawab={token}" in mail.body
    assert f"BALAS {complaint.ticket}" in mail.body
    assert mail.payload == {"headers": {"Reply-To": f"balas+{token}@balas.malangkota.test"}}
    assert AuditEntry.objects.filter(action="complaint.ask", object_id=complaint.ticket).exists()
    assert AuditEntry.objects.filter(action="complaint.clock_paused").exists()


def test_the_operator_cannot_ask_while_the_agency_holds_it(cast: Cast) -> None:
    complaint = reported()
    with pytest.raises(TransitionNotAllowed):
        services.ask_reporter(complaint, cast.operator, QUESTION)


def test_a_reporter_without_any_contact_cannot_be_asked(cast: Cast) -> None:
    complaint = submit()
    with pytest.raises(TransitionNotAllowed, match="no way to reach them"):
        services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED


def test_the_answer_brings_the_complaint_back_with_its_deadlines_moved(cast: Cast) -> None:
    with time_machine.travel(at(4), tick=False):  # Friday
        complaint = reported()
        assert complaint.due_at == end_of(11)
        services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    with time_machine.travel(at(8), tick=False):  # Tuesday: Monday and Tuesday waited
        services.answer_question(
            complaint, text="Dekat gerbang, sebelah kiri.", photo_files=[jpeg("lubang.jpg")]
        )

    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.clock_paused_at is None
    assert complaint.due_at == end_of(15)
    assert complaint.reporter_answered_at is not None
    answer = complaint.events.get(action=Action.ANSWER)
    assert answer.note == "Dekat gerbang, sebelah kiri."
    assert answer.photo is not None
    assert answer.photo.kind == "before"
    # The agency's staff hear of it in their notices.
    notice = OutboxMessage.objects.get(
        recipient_user=cast.pupr_staff, channel="in_app", event="complaint.answered"
    )
    assert "Dekat gerbang" in notice.body


def test_the_inbox_shows_the_answer_until_the_agency_acts(cast: Cast) -> None:
    complaint = reported()
    services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    services.answer_question(complaint, text="Dekat gerbang.")
    staff = Client()
    staff.force_login(cast.pupr_staff)

    assert "answered by the reporter" in staff.get("/staf/kotak-masuk").content.decode()
    page = staff.get(f"/staf/aduan/{complaint.ticket}").content.decode()
    assert 'id="reporter-answer"' in page
    assert "Dekat gerbang." in page

    services.accept_complaint(complaint, cast.pupr_staff)
    assert "answered by the reporter" not in staff.get("/staf/kotak-masuk").content.decode()


def test_an_empty_answer_is_refused_and_the_complaint_keeps_waiting(cast: Cast) -> None:
    complaint = reported()
    services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    with pytest.raises(TransitionNotAllowed, match="Write your answer"):
        services.answer_question(complaint, text="   ")
    complaint.refresh_from_db()
    assert complaint.status == Status.WAITING


def test_an_answer_to_an_old_question_is_refused(cast: Cast) -> None:
    complaint = reported()
    first = services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    services.answer_question(complaint, text="Dekat gerbang.")
    services.ask_reporter(complaint, cast.pupr_staff, "Sejak kapan?")
    with pytest.raises(TransitionNotAllowed, match="already answered"):
        services.answer_question(complaint, text="Sebelah kiri.", question_id=first.pk)


def test_the_public_sees_that_the_reporter_answered_but_not_their_personal_data(
    cast: Cast, client: Client
) -> None:
    complaint = reported()
    services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    services.answer_question(complaint, text="Dekat gerbang. Hubungi saya di 081234567890.")

    page = client.get(f"/lacak/{complaint.ticket}").content.decode()
    assert "The reporter answered" in page
    assert "Dekat gerbang. Hubungi saya di [disamarkan]." in page
    assert "081234567890" not in page


def test_an_anonymous_reporters_answer_is_not_published_at_all(cast: Cast, client: Client) -> None:
    complaint = reported(privacy=Privacy.ANONYMOUS)
    services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    services.answer_question(complaint, text="Dekat gerbang, rumah saya yang bercat hijau.")

    page = client.get(f"/lacak/{complaint.ticket}").content.decode()
    assert "The reporter answered" in page
    assert "bercat hijau" not in page


def test_the_asker_can_go_on_without_the_answer(cast: Cast) -> None:
    complaint = reported()
    services.accept_complaint(complaint, cast.pupr_staff)
    services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    services.continue_without_answer(complaint, cast.pupr_staff, "Tim sudah menemukan lokasinya.")
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.clock_paused_at is None


def test_silence_closes_the_complaint_after_the_working_days_allowed(cast: Cast) -> None:
    with time_machine.travel(at(4), tick=False):  # Friday: 5 working days end Friday 11 Dec
        complaint = reported()
        services.ask_reporter(complaint, cast.pupr_staff, QUESTION)
    with time_machine.travel(at(11, hour=22), tick=False):
        assert services.close_unanswered() == 0  # the last day is the reporter's in full
    with time_machine.travel(at(12, hour=1), tick=False):
        assert services.close_unanswered() == 1

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.clock_paused_at is None
    closing = complaint.events.get(action=Action.CLOSE_UNANSWERED)
    assert "did not answer within 5 working days" in closing.note
    told = OutboxMessage.objects.get(address=EMAIL, event="complaint.closed_unanswered")
    assert "did not answer" in told.body
    assert AuditEntry.objects.filter(action="complaint.close_unanswered").exists()


def test_a_forwarded_complaint_stops_its_clock_until_it_is_back(cast: Cast) -> None:
    with time_machine.travel(at(4), tick=False):
        complaint = reported()
        services.record_forward(complaint, "Diteruskan ke Sistem Provinsi.", elsewhere=True)
        complaint.refresh_from_db()
        assert complaint.get_clock_pause_reason_display() == "with another system"
    with time_machine.travel(at(8), tick=False):
        services.record_forward(complaint, "Dikembalikan oleh Sistem Provinsi.", elsewhere=False)
    complaint.refresh_from_db()
    assert complaint.clock_paused_at is None
    assert complaint.due_at == end_of(15)


def test_the_operator_asks_in_triage_and_the_answer_returns_it_to_the_operators(
    cast: Cast, unsure_router: None
) -> None:
    complaint = reported(category=None)
    services.verify_complaint(complaint, cast.operator)
    services.ask_reporter(complaint, cast.operator, "Apa yang rusak, dan di mana?")
    services.answer_question(complaint, text="Lampu jalan mati di depan pasar.")

    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED
    assert OutboxMessage.objects.filter(
        recipient_user=cast.operator, channel="in_app", event="complaint.answered"
    ).exists()

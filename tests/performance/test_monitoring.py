"""Quarterly monitoring: check-ins, verification, locked revisions, reviews, reminders and
the check-ins drafted from complaint figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from balaikota.complaints.models import Complaint, Status
from balaikota.notifications.models import OutboxMessage
from balaikota.performance import monitoring, selectors, services
from balaikota.performance.models import (
    CheckIn,
    CheckInStatus,
    Commitment,
    CommitmentStatus,
    Review,
    Source,
)
from balaikota.performance.services import InvalidInput, NotAllowed
from tests.conftest import submit
from tests.performance.conftest import PLAN, YEAR, World, indicator, open_round, signed


def report(
    world: World, commitment: Commitment, quarter: int, actual: float, **kw: object
) -> CheckIn:
    data = monitoring.CheckInInput(
        quarter=quarter, actual=actual, confidence=str(kw.pop("confidence", "high")), **kw
    )  # type: ignore[arg-type]
    return monitoring.submit_check_in(world.pupr_head, commitment, data)


@pytest.fixture
def roads(world: World) -> Commitment:
    return Commitment.objects.get(offer=signed(world, "dpupr"))


def test_a_check_in_is_scored_with_the_method_that_produced_it(
    world: World, roads: Commitment
) -> None:
    check_in = report(world, roads, 1, 9, obstacles="Hujan deras", next_steps="Lembur")
    assert check_in.status == CheckInStatus.SUBMITTED
    assert (check_in.achievement, check_in.band, check_in.method) == (90.0, "high", "up")


def test_evidence_files_are_kept_in_private_storage(world: World, roads: Commitment) -> None:
    upload = SimpleUploadedFile(
        "berita-acara.pdf", b"%PDF-1.4 bukti", content_type="application/pdf"
    )
    check_in = report(world, roads, 1, 9, files=[upload])
    evidence = check_in.evidence.get()
    assert evidence.name == "berita-acara.pdf"
    assert storages["private"].exists(evidence.file)


def test_a_program_file_is_refused_as_evidence_and_nothing_is_saved(
    world: World, roads: Commitment
) -> None:
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(InvalidInput):
        report(world, roads, 1, 9, files=[upload])
    assert not CheckIn.objects.exists()


def test_a_returned_check_in_is_corrected_and_then_verified(
    world: World, roads: Commitment
) -> None:
    check_in = report(world, roads, 1, 90)
    monitoring.return_check_in(world.verifier, check_in, "Satuan salah: km, bukan meter ratusan.")
    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.RETURNED
    assert OutboxMessage.objects.filter(
        recipient_user=world.pupr_head, event="performance.returned"
    ).exists()
    # when the head corrects it
    again = report(world, roads, 1, 9)
    assert again.pk == check_in.pk
    monitoring.verify_check_in(world.verifier, again)
    again.refresh_from_db()
    assert (again.status, again.actual, again.revision) == (CheckInStatus.VERIFIED, 9, 1)


def test_returning_needs_a_note(world: World, roads: Commitment) -> None:
    check_in = report(world, roads, 1, 9)
    with pytest.raises(InvalidInput):
        monitoring.return_check_in(world.verifier, check_in, "  ")


def test_a_verified_check_in_is_locked_and_a_correction_is_a_new_revision(
    world: World, roads: Commitment
) -> None:
    first = monitoring.verify_check_in(world.verifier, report(world, roads, 1, 9))
    # when the head corrects a verified figure
    correction = report(world, roads, 1, 9.5)
    # then the verified one stays as it was until the correction is verified
    first.refresh_from_db()
    assert (first.status, first.actual) == (CheckInStatus.VERIFIED, 9)
    assert (correction.revision, correction.corrects) == (2, first)
    monitoring.verify_check_in(world.verifier, correction)
    first.refresh_from_db()
    assert first.status == CheckInStatus.SUPERSEDED
    chosen = selectors.verified_actuals(roads)
    assert chosen[1].actual == 9.5


def test_a_second_report_while_one_waits_is_refused(world: World, roads: Commitment) -> None:
    report(world, roads, 1, 9)
    with pytest.raises(NotAllowed):
        report(world, roads, 1, 10)


def test_two_off_track_quarters_open_a_review(world: World, roads: Commitment) -> None:
    monitoring.verify_check_in(world.verifier, report(world, roads, 1, 4))
    assert not Review.objects.exists()
    monitoring.verify_check_in(world.verifier, report(world, roads, 2, 5))
    review = Review.objects.get()
    roads.refresh_from_db()
    assert (review.quarter, roads.status) == (2, CommitmentStatus.UNDER_REVIEW)
    # the panel recommends coaching and the mayor agrees: back to active
    monitoring.recommend(world.mayor, review, "coaching", "Pendampingan oleh Bappeda.")
    monitoring.decide_review(world.mayor, review, "coaching", "Setuju.")
    roads.refresh_from_db()
    assert roads.status == CommitmentStatus.ACTIVE


def test_a_review_decided_as_reassignment_opens_the_post(world: World, roads: Commitment) -> None:
    monitoring.verify_check_in(world.verifier, report(world, roads, 1, 4))
    monitoring.verify_check_in(world.verifier, report(world, roads, 2, 5))
    review = Review.objects.get()
    monitoring.recommend(world.mayor, review, "reassignment", "Ganti pejabat.")
    monitoring.decide_review(world.mayor, review, "reassignment", "Ganti.", [world.candidate])
    assert roads.offer.reassignments.get().candidates.get() == world.candidate


def test_reminders_go_out_at_fourteen_seven_and_one_day_once_each(
    world: World, roads: Commitment
) -> None:
    deadline = dt.date(YEAR, 4, 15)  # TW I ends 31 March; 15 days to report
    sent = [monitoring.send_reminders(deadline - dt.timedelta(days=d)) for d in (14, 14, 10, 7, 1)]
    assert sent == [1, 0, 0, 1, 1]
    notices = OutboxMessage.objects.filter(
        recipient_user=world.pupr_head, event="performance.reminder"
    )
    assert notices.filter(channel="email").count() == 3


def test_no_reminder_once_the_quarter_is_reported(world: World, roads: Commitment) -> None:
    report(world, roads, 1, 9)
    assert monitoring.send_reminders(dt.date(YEAR, 4, 8)) == 0


def test_complaint_figures_draft_the_check_in_at_quarter_end(world: World) -> None:
    share = indicator(
        world.mayor,
        "Aduan SAMBAT ditindaklanjuti tepat waktu",
        "up",
        "average",
        source=Source.FOLLOWUP_SHARE,
    )
    target = services.set_target(
        world.mayor, share, YEAR, {"value": 90, "q1": 90, "q2": 90, "q3": 90, "q4": 90}
    )
    offer = open_round(world)["dpupr"]
    offer.items.create(target=target, **{k: getattr(target, k) for k in services.VALUE_FIELDS})
    services.commit(world.pupr_head, offer, action_plan=PLAN, pact_confirmed=True)
    services.accept(world.mayor, offer)
    # three PUPR complaints due in TW I: two followed up in time, one late
    due = dt.datetime(YEAR, 2, 10, 16, tzinfo=dt.UTC)
    for late in (False, False, True):
        complaint = submit()
        Complaint.objects.filter(pk=complaint.pk).update(
            agency_id=offer.position.agency_id,
            status=Status.IN_PROGRESS,
            followup_due=due,
            followed_up_at=due + dt.timedelta(days=2 if late else -1),
        )
    # when the worker runs after the quarter
    drafted = monitoring.draft_complaint_check_ins(dt.date(YEAR, 4, 2))
    # then
    assert drafted == 1
    draft = CheckIn.objects.get(commitment__indicator=share)
    assert (draft.status, draft.quarter, draft.actual) == (CheckInStatus.DRAFT, 1, 66.67)
    assert draft.computed["complaints_due"] == 3
    assert monitoring.draft_complaint_check_ins(dt.date(YEAR, 4, 3)) == 0
    # the holder completes and submits it
    completed = monitoring.submit_check_in(
        world.pupr_head,
        draft.commitment,
        monitoring.CheckInInput(quarter=1, actual=66.67, confidence="medium"),
    )
    assert (completed.pk, completed.status) == (draft.pk, CheckInStatus.SUBMITTED)


def test_a_quarter_cannot_be_reported_before_it_begins(world: World, roads: Commitment) -> None:
    from balaikota.agencies.models import Assignment

    Assignment.objects.update(starts_at=dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(YEAR, 5, 20, 9, tzinfo=dt.UTC)):
        with pytest.raises(InvalidInput) as refused:
            report(world, roads, 3, 9)
        assert "quarter" in refused.value.errors
        assert report(world, roads, 2, 9).quarter == 2

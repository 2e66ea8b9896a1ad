"""`balaikota audit-verify`: the chain, the published heads and every complaint's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from balaikota.agencies.models import Agency
from balaikota.complaints import services
from balaikota.complaints.models import Category, Complaint, Event
from balaikota.core import integrity
from balaikota.core.models import AuditEntry
from tests.conftest import KLOJEN, Cast, jpeg, submit

pytestmark = pytest.mark.django_db


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[bool, str]:
    try:
        call_command("audit_verify")
    except CommandError as exc:
        returncode = exc.returncode
    else:
        return True, capsys.readouterr().out
    assert returncode == 1
    return False, capsys.readouterr().err


def story(cast: Cast) -> Complaint:
    """A complaint taken through correction, a move, acceptance, resolution and closing."""
    complaint = submit()
    services.correct_complaint(
        complaint, cast.operator, lat=KLOJEN[0], lon=KLOJEN[1], note="Pin salah."
    )
    services.assign_complaint(complaint, cast.operator, Agency.objects.get(code="dlh"))
    services.assign_complaint(complaint, cast.operator, Agency.objects.get(code="dpupr"))
    services.accept_complaint(complaint, cast.pupr_staff)
    services.resolve_complaint(complaint, cast.pupr_staff, "Sudah ditambal.", jpeg())
    services.confirm_resolution(complaint, rating=4)
    other = submit(text="Sampah menumpuk di pinggir jalan sudah seminggu.", category="sampah")
    services.correct_complaint(
        other, cast.operator, category=Category.objects.get(slug="banjir-genangan")
    )
    complaint.refresh_from_db()
    return complaint


def execute(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_passes_on_a_clean_database(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    ok, output = verify(capsys)
    assert ok
    assert "empty" in output


def test_verify_passes_after_a_real_complaint_story(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    story(cast)
    ok, output = verify(capsys)
    assert ok, output
    head = AuditEntry.objects.order_by("-id").first()
    assert head is not None
    assert head.entry_hash in output


def test_an_audit_row_changed_in_the_database_is_named(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    story(cast)
    victim = AuditEntry.objects.order_by("id")[2]
    # when
    execute("UPDATE core_auditentry SET actor_label = %s WHERE id = %s", ["someone", victim.pk])
    # then
    ok, output = verify(capsys)
    assert not ok
    assert f"audit #{victim.pk}" in output
    assert "no longer match" in output


def test_a_complaint_status_changed_in_the_database_is_named(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = story(cast)
    execute("UPDATE complaints_complaint SET status = %s WHERE id = %s", ["rejected", complaint.pk])
    ok, output = verify(capsys)
    assert not ok
    assert f"complaint {complaint.ticket}" in output
    assert "'rejected'" in output


def test_an_agency_changed_in_the_database_is_named(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = story(cast)
    dlh = Agency.objects.get(code="dlh")
    execute("UPDATE complaints_complaint SET agency_id = %s WHERE id = %s", [dlh.pk, complaint.pk])
    ok, output = verify(capsys)
    assert not ok
    assert complaint.ticket in output


@pytest.mark.parametrize(
    ("column", "value"),
    [("note", "Tidak ada apa-apa."), ("to_status", "closed"), ("actor_id", None)],
)
def test_an_event_changed_in_the_database_is_named(
    cast: Cast, capsys: pytest.CaptureFixture[str], column: str, value: object
) -> None:
    complaint = story(cast)
    event = complaint.events.get(action="accept")
    execute(f"UPDATE complaints_event SET {column} = %s WHERE id = %s", [value, event.pk])  # noqa: S608
    ok, output = verify(capsys)
    assert not ok
    assert complaint.ticket in output
    assert f"event #{event.pk}" in output


def test_a_deleted_event_is_named(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    complaint = story(cast)
    event = complaint.events.get(action="correct")
    execute("DELETE FROM complaints_event WHERE id = %s", [event.pk])
    ok, output = verify(capsys)
    assert not ok
    assert f"event #{event.pk}, which is missing" in output


def test_only_the_first_problem_is_reported_unless_all_are_asked_for(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = submit(), submit(text="Lampu jalan mati di gang tiga sejak kemarin.")
    for complaint in (first, second):
        execute(
            "UPDATE complaints_complaint SET status = %s WHERE id = %s", ["closed", complaint.pk]
        )
    with pytest.raises(CommandError):
        call_command("audit_verify", "--all")
    err = capsys.readouterr().err
    assert first.ticket in err
    assert second.ticket in err
    assert [p.label for p in integrity.problems()][:2] == [first.ticket, second.ticket]


def test_a_rewritten_history_contradicts_the_published_head(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a head published yesterday
    story(cast)
    checkpoint = integrity.publish_checkpoint()
    assert checkpoint is not None
    # when someone rewrites the chain consistently from that entry on
    head = checkpoint.entry
    execute("UPDATE core_auditentry SET entry_hash = %s WHERE id = %s", ["f" * 64, head.pk])
    # then the published head names the rewrite
    problems = [str(p) for p in integrity.checkpoint_problems()]
    assert problems
    assert f"entry #{head.pk}" in problems[0]


def test_events_without_the_lifecycle_table_are_refused(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = submit()
    event = Event.objects.filter(complaint=complaint).order_by("id").last()
    assert event is not None
    execute("UPDATE complaints_event SET action = %s WHERE id = %s", ["resolve", event.pk])
    ok, output = verify(capsys)
    assert not ok
    assert "cannot move" in output


def test_support_and_a_merged_duplicate_are_recorded_and_still_verify(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    from balaikota.complaints import duplicates

    original = submit()
    copy = submit(text="Jalan di depan sekolah berlubang, bahaya untuk motor.")
    assert duplicates.support(original, "session:abc")
    services.mark_duplicate(copy, cast.operator, original)
    supports = AuditEntry.objects.filter(object_id=original.ticket, action="complaint.support")
    assert supports.count() == 2
    ok, output = verify(capsys)
    assert ok, output


@pytest.mark.parametrize("column", ["followed_up_at", "resolved_at", "assigned_at"])
def test_a_moment_the_dashboard_counts_changed_in_the_database_is_named(
    cast: Cast, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    # given a complaint followed up late, then resolved
    complaint = story(cast)
    # when someone moves a moment to flatter the agency's figures
    assert getattr(complaint, column) is not None
    earlier = getattr(complaint, column) - dt.timedelta(days=3)
    execute(f"UPDATE complaints_complaint SET {column} = %s WHERE id = %s", [earlier, complaint.pk])  # noqa: S608
    # then
    ok, output = verify(capsys)
    assert not ok
    assert f"{column} is" in output
    assert complaint.ticket in output


def test_a_rating_changed_in_the_database_is_named(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = story(cast)
    execute("UPDATE complaints_complaint SET rating = %s WHERE id = %s", [5, complaint.pk])
    ok, output = verify(capsys)
    assert not ok
    assert "rating is 5" in output

"""Complaints handed to an agency's field teams and officers, and the "after" photo's place."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from balaikota.agencies.models import Agency, Membership, Team
from balaikota.complaints import placecheck, services
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Complaint, Photo, PlaceCheck, Status
from balaikota.core.models import AuditEntry, Role, User
from balaikota.notifications.models import OutboxMessage
from tests.conftest import KLOJEN, SUMBERSARI, Cast, jpeg, make_user, submit

pytestmark = pytest.mark.django_db


@dataclass
class Field:
    team: Team
    officer: User  # in the team
    loner: User  # a field officer of no team
    complaint: Complaint


def add_officer(username: str, agency: str, team: Team | None = None) -> User:
    user = make_user(username, Role.AGENCY_STAFF, agency)
    user.first_name = username.title()
    user.save()
    Membership.objects.filter(user=user).update(is_field_officer=True, team=team)
    return user


@pytest.fixture
def pupr_field(cast: Cast) -> Field:
    team = Team.objects.create(agency=Agency.objects.get(code="dpupr"), name="Tim Jalan Utara")
    return Field(
        team=team,
        officer=add_officer("budi", "dpupr", team),
        loner=add_officer("sari", "dpupr"),
        complaint=submit(),
    )


def test_staff_hand_a_complaint_to_an_officer_and_the_status_stays_the_agencys(
    cast: Cast, pupr_field: Field
) -> None:
    # when PUPR's staff hand the complaint to Budi
    complaint = services.dispatch_complaint(
        pupr_field.complaint, cast.pupr_staff, officer=pupr_field.officer, note="Bawa aspal."
    )
    # then Budi and his team hold it, still with PUPR, still waiting to be accepted
    complaint.refresh_from_db()
    assert (complaint.field_officer, complaint.field_team) == (
        pupr_field.officer,
        pupr_field.team,
    )
    assert complaint.status == Status.ASSIGNED
    assert complaint.field_assigned_at is not None
    event = complaint.events.order_by("-id").first()
    assert event is not None
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "dispatch",
        cast.pupr_staff,
        "assigned",
        "assigned",
    )
    assert "Budi" in event.note
    assert "Bawa aspal." in event.note
    # and the audit record names them by id, not by name
    entry = AuditEntry.objects.filter(action="complaint.dispatch").get()
    assert entry.after["field"] == {"team": pupr_field.team.pk, "officer": pupr_field.officer.pk}
    assert "Budi" not in str(entry.after)
    # and Budi is told, with a link to his task
    notice = OutboxMessage.objects.get(event="complaint.dispatched", channel="in_app")
    assert notice.recipient_user == pupr_field.officer
    assert notice.link == reverse("complaints:task", args=[complaint.ticket])


def test_a_complaint_handed_to_a_team_reaches_every_officer_of_the_team(
    cast: Cast, pupr_field: Field
) -> None:
    other = add_officer("joko", "dpupr", pupr_field.team)
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_head, team=pupr_field.team)
    told = set(
        OutboxMessage.objects.filter(event="complaint.dispatched", channel="in_app").values_list(
            "recipient_user__username", flat=True
        )
    )
    assert told == {pupr_field.officer.username, other.username}


@pytest.mark.parametrize("who", ["dlh_staff", "operator", "mayor_office"])
def test_only_the_agencys_own_staff_may_hand_it_to_the_field(
    cast: Cast, pupr_field: Field, who: str
) -> None:
    with pytest.raises(TransitionNotAllowed):
        services.dispatch_complaint(
            pupr_field.complaint, getattr(cast, who), officer=pupr_field.officer
        )
    assert not pupr_field.complaint.events.filter(action="dispatch").exists()


def test_an_officer_or_team_of_another_agency_is_refused(cast: Cast, pupr_field: Field) -> None:
    dlh_officer = add_officer("dlh-petugas", "dlh")
    dlh_team = Team.objects.create(agency=Agency.objects.get(code="dlh"), name="Tim Sampah")
    with pytest.raises(TransitionNotAllowed, match="not a field officer"):
        services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, officer=dlh_officer)
    with pytest.raises(TransitionNotAllowed, match="active teams"):
        services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, team=dlh_team)
    # nor may an inbox clerk who is not a field officer be sent out
    with pytest.raises(TransitionNotAllowed, match="not a field officer"):
        services.dispatch_complaint(pupr_field.complaint, cast.pupr_head, officer=cast.pupr_staff)


def test_a_complaint_the_agency_no_longer_holds_leaves_its_field_team(
    cast: Cast, pupr_field: Field
) -> None:
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, officer=pupr_field.officer)
    services.return_to_operator(pupr_field.complaint, cast.pupr_staff, "Bukan wewenang PUPR.")
    complaint = Complaint.objects.get(pk=pupr_field.complaint.pk)
    assert (complaint.field_officer, complaint.field_team) == (None, None)
    with pytest.raises(TransitionNotAllowed):
        services.dispatch_complaint(complaint, cast.pupr_staff, officer=pupr_field.officer)


def test_the_public_timeline_says_field_team_without_naming_the_officer(
    cast: Cast, pupr_field: Field
) -> None:
    services.dispatch_complaint(pupr_field.complaint, cast.pupr_staff, officer=pupr_field.officer)
    page = Client().get(reverse("complaints:track", args=[pupr_field.complaint.ticket]))
    text = page.content.decode()
    assert "Assigned to the field team" in text
    assert "Budi" not in text
    assert "Tim Jalan Utara" not in text


# --- The "after" photo's place ---------------------------------------------------------------

# About 2.3 km from SUMBERSARI.
FAR_AWAY = KLOJEN


def _resolve_by_officer(
    cast: Cast, field: Field, photo_gps: tuple[float, float] | None, device: object = None
) -> Photo:
    services.dispatch_complaint(field.complaint, cast.pupr_staff, officer=field.officer)
    services.accept_complaint(field.complaint, field.officer)
    services.resolve_complaint(
        field.complaint,
        field.officer,
        "Lubang sudah ditambal.",
        jpeg("after.jpg", gps=photo_gps),
        device_location=device,  # type: ignore[arg-type]
    )
    return Photo.objects.get(complaint=field.complaint, kind=Photo.Kind.AFTER)


def test_an_after_photo_taken_at_the_place_is_not_flagged(cast: Cast, pupr_field: Field) -> None:
    # 20 m north of the place
    photo = _resolve_by_officer(cast, pupr_field, (SUMBERSARI[0] + 0.00018, SUMBERSARI[1]))
    assert (photo.place_check, photo.place_source) == (PlaceCheck.NEAR, "exif")
    assert photo.place_distance_m == pytest.approx(20, abs=1)
    assert not OutboxMessage.objects.filter(event="complaint.after_photo_flagged").exists()


def test_an_after_photo_taken_far_away_is_flagged_to_the_head(
    cast: Cast, pupr_field: Field
) -> None:
    photo = _resolve_by_officer(cast, pupr_field, FAR_AWAY)
    assert photo.place_check == PlaceCheck.FAR
    assert photo.place_distance_m is not None
    assert photo.place_distance_m > 2000
    notice = OutboxMessage.objects.get(event="complaint.after_photo_flagged", channel="in_app")
    assert notice.recipient_user == cast.pupr_head
    assert "Budi" in notice.body
    entry = AuditEntry.objects.get(action="complaint.place_check")
    assert entry.after["check"] == "far"
    # and the staff page shows it
    client = Client()
    client.force_login(cast.pupr_head)
    page = client.get(reverse("complaints:staff_detail", args=[pupr_field.complaint.ticket]))
    assert b"place-flag" in page.content
    assert b"from the complaint" in page.content


def test_an_after_photo_without_any_location_is_flagged(cast: Cast, pupr_field: Field) -> None:
    photo = _resolve_by_officer(cast, pupr_field, None)
    assert (photo.place_check, photo.place_distance_m) == (PlaceCheck.UNKNOWN, None)
    assert OutboxMessage.objects.filter(
        event="complaint.after_photo_flagged", recipient_user=cast.pupr_head
    ).exists()


def test_the_devices_location_counts_when_the_photo_has_none(cast: Cast, pupr_field: Field) -> None:
    photo = _resolve_by_officer(cast, pupr_field, None, device=SUMBERSARI)
    assert (photo.place_check, photo.place_source) == (PlaceCheck.NEAR, "device")


def test_the_distance_allowed_is_a_setting(cast: Cast, pupr_field: Field, settings: object) -> None:
    settings.FIELD_PHOTO_MAX_DISTANCE_M = 5000  # type: ignore[attr-defined]
    photo = _resolve_by_officer(cast, pupr_field, FAR_AWAY)
    assert photo.place_check == PlaceCheck.NEAR


def test_the_photos_own_gps_wins_over_the_device() -> None:
    verdict = placecheck.judge(SUMBERSARI, exif=KLOJEN, device=SUMBERSARI, limit_m=100)
    assert (verdict.check, verdict.source, verdict.flagged) == (PlaceCheck.FAR, "exif", True)
    assert placecheck.judge(SUMBERSARI, exif=None, device=None, limit_m=100).flagged


@pytest.mark.parametrize("given", [("", ""), ("abc", "1"), ("nan", "112"), ("95", "112")])
def test_a_device_location_that_is_no_place_is_ignored(given: tuple[str, str]) -> None:
    assert placecheck.device_point(*given) is None
    assert placecheck.device_point("-7,96", "112.6") == (-7.96, 112.6)

"""The demo shows field work: a team and officers, and a complaint an officer resolved with
an "after" photo taken at the place."""

from __future__ import annotations

import pytest

from balaikota.complaints.models import Complaint, Photo, PlaceCheck, Status
from balaikota.demo import field, loader

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_officer_who_resolved_a_complaint_at_its_place(city: None) -> None:
    loader.load_users()
    logins = field.load_field_teams()
    assert "dpupr.petugas" in [login.username for login in logins]
    assert field.load_field_complaints() == 2
    assert field.load_field_complaints() == 0  # safe to run again
    done = Complaint.objects.get(text=field.RESOLVED_TEXT)
    assert done.status == Status.RESOLVED
    assert done.field_officer is not None
    assert done.field_officer.username == "dpupr.petugas"
    assert done.field_team is not None
    after = Photo.objects.get(complaint=done, kind=Photo.Kind.AFTER)
    assert after.place_check == PlaceCheck.NEAR
    waiting = Complaint.objects.get(text=field.OPEN_TEXT)
    assert (waiting.status, waiting.field_officer) == (Status.ASSIGNED, done.field_officer)

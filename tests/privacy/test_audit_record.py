"""The audit chain never holds personal data, so erasure and retention never need to touch
it: admin changes to people say that a personal field changed, never what it held."""

from __future__ import annotations

import pytest
from django.test import Client

from balaikota.core.models import AuditEntry
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_a_users_contact_changed_in_the_admin_is_recorded_without_the_values(
    cast: Cast,
) -> None:
    # given
    cast.admin.is_superuser = True
    cast.admin.save()
    admin = Client()
    admin.force_login(cast.admin)
    user = cast.citizen
    # when
    response = admin.post(
        f"/admin/core/user/{user.pk}/change/",
        {
            "username": "siti.aminah@example.test",
            "email": "siti.aminah@example.test",
            "first_name": "Siti",
            "last_name": "Aminah",
            "phone": "081234567890",
            "role": "citizen",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="user.change").get()
    personal = ("email", "first_name", "last_name", "phone", "username")
    assert entry.after is not None
    assert {key: entry.after[key] for key in personal} == dict.fromkeys(personal, "[disamarkan]")
    assert entry.before is not None
    assert entry.before["phone"] == ""  # it was empty, which is no secret
    stored = str(entry.before) + str(entry.after)
    for value in ("Siti", "Aminah", "081234567890", "example.test"):
        assert value not in stored

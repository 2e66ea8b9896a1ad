"""After signing in, each role lands on its own work, not on the complaint inbox."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balaikota.core.models import Role
from tests.conftest import Cast, make_user


@pytest.mark.parametrize(
    ("role", "agency", "page"),
    [
        (Role.OPERATOR, None, "complaints:staff_home"),
        (Role.AGENCY_STAFF, "dpupr", "complaints:staff_home"),
        (Role.AGENCY_HEAD, "dpupr", "performance:mine"),
        (Role.MAYOR_OFFICE, None, "performance:dashboard"),
        (Role.VERIFIER, None, "performance:verify_queue"),
        (Role.ADMIN, None, "admin:index"),
        (Role.CITIZEN, None, "complaints:home"),
    ],
)
def test_each_role_lands_on_its_own_work(
    cast: Cast, role: str, agency: str | None, page: str
) -> None:
    client = Client()
    client.force_login(make_user(f"someone-{role}", role, agency))
    assert client.get(reverse("core:landing"))["Location"] == reverse(page)


def test_a_page_that_asked_for_the_sign_in_wins_over_the_landing(cast: Cast) -> None:
    client = Client()
    login = client.post(
        reverse("core:login") + "?next=/kinerja",
        {"username": "citizen", "password": "password-123", "next": "/kinerja"},
    )
    assert login["Location"] == "/kinerja"

"""Staff sessions end after 30 idle minutes, and after 12 hours however busy; citizens'
sessions do not."""

from __future__ import annotations

import time

import time_machine
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import log_in_with_password, verified_client
from tests.conftest import Cast

MINUTE = 60


def reaches_staff_pages(client: Client) -> bool:
    response = client.get("/staf/", follow=True)
    return response.status_code == 200 and response.request["PATH_INFO"].startswith("/staf/")


def test_a_staff_session_ends_after_thirty_idle_minutes(cast: Cast) -> None:
    client = verified_client(cast.operator)
    start = time.time()

    with time_machine.travel(start + 29 * MINUTE):
        assert reaches_staff_pages(client)
    with time_machine.travel(start + 58 * MINUTE):
        assert reaches_staff_pages(client)  # still busy: not idle
    with time_machine.travel(start + 90 * MINUTE):
        ended = client.get("/staf/")
        api = client.get("/api/v1/performance/commitments?year=2026")

    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("core:login"))
    assert "_auth_user_id" not in client.session
    assert api.status_code == 200  # by then anonymous, i.e. public
    assert "Your session has ended" in client.get(ended["Location"]).content.decode()


def test_an_api_call_after_the_idle_limit_gets_json(cast: Cast) -> None:
    client = verified_client(cast.mayor_office)

    with time_machine.travel(time.time() + 31 * MINUTE):
        response = client.get("/api/v1/performance/commitments?year=2026")

    assert response.status_code == 401
    assert response.json() == {"detail": "Your session has ended. Please log in again."}


def test_a_busy_staff_session_still_ends_after_twelve_hours(cast: Cast) -> None:
    client = verified_client(cast.pupr_staff)
    start = time.time()

    # active every 25 minutes for almost twelve hours
    for step in range(1, 28):
        with time_machine.travel(start + step * 25 * MINUTE):
            assert client.get("/staf/kotak-masuk").status_code == 200, step
    with time_machine.travel(start + 12 * 60 * MINUTE + MINUTE):
        ended = client.get("/staf/kotak-masuk")

    assert ended["Location"].startswith(reverse("core:login"))


def test_the_limits_come_from_settings(cast: Cast, settings: object) -> None:
    settings.STAFF_IDLE_SECONDS = 5 * MINUTE  # type: ignore[attr-defined]
    client = verified_client(cast.operator)

    with time_machine.travel(time.time() + 6 * MINUTE):
        assert client.get("/staf/")["Location"].startswith(reverse("core:login"))


def test_a_citizen_session_has_no_staff_limits(cast: Cast) -> None:
    client = Client()
    log_in_with_password(client, cast.citizen)

    with time_machine.travel(time.time() + 13 * 60 * MINUTE):
        client.get("/")
        assert "_auth_user_id" in client.session

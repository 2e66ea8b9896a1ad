"""A page on another site cannot write to /api/v1 with a signed-in user's session (CSRF):
the session's writes need the token, while apps (a key, or no account at all) need none."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.test import Client

from balaikota.complaints.models import Complaint
from balaikota.open311 import services
from balaikota.open311.models import Scope
from tests.conftest import SUMBERSARI, Cast

COMPLAINT = {
    "text": "Lampu penerangan jalan mati sejak seminggu, gelap sekali malam hari.",
    "category": "jalan-rusak",
    "lat": str(SUMBERSARI[0]),
    "lon": str(SUMBERSARI[1]),
}
FOREIGN = {"Origin": "https://evil.example", "Referer": "https://evil.example/page"}


def signed_in(cast: Cast) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.citizen)
    return browser


@pytest.mark.django_db
def test_a_session_post_from_a_foreign_origin_without_the_token_is_refused(cast: Cast) -> None:
    browser = signed_in(cast)
    response = browser.post("/api/v1/complaints", COMPLAINT, headers=FOREIGN)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF check failed")
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_a_session_post_without_the_token_is_refused_even_from_the_same_site(
    cast: Cast,
) -> None:
    response = signed_in(cast).post("/api/v1/complaints", COMPLAINT)
    assert response.status_code == 403
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_a_session_post_with_the_token_is_the_signed_in_citizens(cast: Cast) -> None:
    browser = signed_in(cast)
    browser.get("/lapor")  # the page sets the csrftoken cookie, as the browser keeps it
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/complaints", COMPLAINT, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    assert Complaint.objects.get(ticket=response.json()["ticket"]).reporter == cast.citizen


@pytest.mark.django_db
def test_a_post_without_any_session_needs_no_token(cast: Cast) -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/complaints", COMPLAINT)
    assert response.status_code == 201
    assert Complaint.objects.get().reporter is None


@pytest.mark.django_db
def test_a_key_post_needs_no_token_and_is_not_the_sessions_user(cast: Cast) -> None:
    _client, key = services.create_client(
        name="Malang Bersuara", organisation="Komunitas", scopes={Scope.INTAKE}
    )
    # Even with a session cookie beside it, the key is who posts.
    browser = signed_in(cast)
    response = browser.post(
        "/api/v1/complaints", COMPLAINT, headers={"Authorization": f"Bearer {key}"} | FOREIGN
    )
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().reporter is None


@pytest.mark.django_db
def test_a_session_read_needs_no_token(cast: Cast) -> None:
    assert signed_in(cast).get("/api/v1/categories", headers=FOREIGN).status_code == 200


@pytest.mark.django_db
def test_a_performance_action_under_a_session_needs_the_token(cast: Cast) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.mayor_office)
    response = browser.post(
        "/api/v1/performance/auctions",
        json.dumps({}),
        content_type="application/json",
        headers=FOREIGN,
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def http_post(url: str, data: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.django_db(transaction=True)
def test_over_http_a_foreign_page_cannot_post_with_the_citizens_cookie(
    live_server: Any, cast: Cast
) -> None:
    # given the citizen's session cookie, as their browser would send it to any page's form
    browser = Client()
    browser.force_login(cast.citizen)
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    url = f"{live_server.url}/api/v1/complaints"
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    # when a foreign page posts, then it is refused and nothing is filed
    status, body = http_post(url, COMPLAINT, headers | FOREIGN)
    assert status == 403
    assert body["detail"].startswith("CSRF check failed")
    assert not Complaint.objects.exists()
    # while a citizen's app without an account still reports
    status, body = http_post(url, COMPLAINT, {"Content-Type": headers["Content-Type"]})
    assert status == 201

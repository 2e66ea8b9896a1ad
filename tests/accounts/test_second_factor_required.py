"""Until the second factor is given, a staff session reaches no staff page, no admin page
and no API; citizens never see the factor at all."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import code_for, enrolled, log_in_with_password, verified_client
from tests.conftest import Cast


def test_staff_with_only_a_password_are_sent_to_the_factor_everywhere(cast: Cast) -> None:
    # given an operator who typed the right password but no code yet
    enrolled(cast.operator)
    client = Client()
    log_in_with_password(client, cast.operator)

    # then every staff page and the front page send them to the code, keeping where to go
    for path in ["/staf/", "/staf/kotak-masuk", "/", reverse("performance:board")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert (
            response["Location"] == f"{reverse('accounts:verify')}?next={path.replace('/', '%2F')}"
        )
    # and htmx requests are told to load the code page instead of swapping it in
    partial = client.get("/staf/kotak-masuk", headers={"HX-Request": "true"})
    assert partial["HX-Redirect"].startswith(reverse("accounts:verify"))


def test_the_admin_needs_the_factor_too(cast: Cast) -> None:
    enrolled(cast.admin)
    client = Client()
    log_in_with_password(client, cast.admin)

    refused = client.get("/admin/core/user/")

    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("accounts:verify"))
    device = cast.admin.totpdevice_set.get()
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_a_session_api_call_is_refused_with_json_until_the_factor(cast: Cast) -> None:
    enrolled(cast.mayor_office)
    client = Client()
    log_in_with_password(client, cast.mayor_office)

    response = client.get("/api/v1/performance/commitments?year=2026")

    assert response.status_code == 403
    assert response.json() == {"detail": "Give your second factor (authenticator code) first."}
    assert (
        verified_client(cast.mayor_office)
        .get("/api/v1/performance/commitments?year=2026")
        .status_code
        == 200
    )


def test_staff_without_an_authenticator_are_sent_to_enrol(cast: Cast) -> None:
    client = Client()
    log_in_with_password(client, cast.dlh_staff)

    response = client.get("/staf/kotak-masuk")

    assert response["Location"].startswith(reverse("accounts:enrol"))


def test_the_sign_in_pages_stay_reachable_before_the_factor(cast: Cast) -> None:
    enrolled(cast.pupr_staff)
    client = Client()
    log_in_with_password(client, cast.pupr_staff)

    assert client.get(reverse("accounts:verify")).status_code == 200
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.post(reverse("core:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizens_never_meet_the_factor(cast: Cast) -> None:
    client = Client()
    log_in_with_password(client, cast.citizen)

    assert client.get("/").status_code == 200
    assert client.get("/api/v1/performance/commitments?year=2026").status_code == 200
    assert client.get(reverse("accounts:verify"))["Location"] == reverse("core:landing")


def test_a_superuser_with_the_citizen_role_needs_the_factor_for_the_admin(cast: Cast) -> None:
    # `createsuperuser` leaves the role at citizen, but the account opens the admin
    cast.citizen.is_superuser = cast.citizen.is_staff = True
    cast.citizen.save()
    client = Client()
    log_in_with_password(client, cast.citizen)

    response = client.get("/admin/")

    assert response["Location"].startswith(reverse("accounts:enrol"))

"""Changing a password (it ends the user's other sessions), resetting it by e-mail, and
BSSN's rules for staff passwords."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from balaikota.accounts.passwords import StaffPasswordValidator
from balaikota.core.models import Role, User
from balaikota.notifications import delivery
from tests.accounts.conftest import PASSWORD, log_in_with_password, verified_client
from tests.conftest import Cast
from tests.peers import Inbox

STRONG = "Jalan-Ijen-2026"


def test_a_password_change_ends_every_other_session(cast: Cast) -> None:
    # given PUPR staff signed in on their office PC and on their phone
    office = verified_client(cast.pupr_staff)
    phone = verified_client(cast.pupr_staff)
    assert phone.get("/staf/kotak-masuk").status_code == 200

    # when they change the password at the office
    response = office.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )

    # then the office session goes on, and the phone's is over
    assert response["Location"] == reverse("accounts:password_change_done")
    assert office.get("/staf/kotak-masuk").status_code == 200
    ended = phone.get("/staf/kotak-masuk")
    assert ended["Location"].startswith(reverse("core:login"))


def test_a_citizen_changes_their_password_with_django_rules_only(cast: Cast) -> None:
    client = Client()
    log_in_with_password(client, cast.citizen)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kucing oren", "new_password2": "kucing oren"},
    )

    assert response.status_code == 302
    cast.citizen.refresh_from_db()
    assert cast.citizen.check_password("kucing oren")


def test_a_staff_password_change_is_held_to_bssn_rules(cast: Cast) -> None:
    client = verified_client(cast.operator)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "kucing oren", "new_password2": "kucing oren"},
    )

    assert response.status_code == 200
    assert "A staff password must have at least 12 characters." in response.content.decode()
    cast.operator.refresh_from_db()
    assert cast.operator.check_password(PASSWORD)


def test_a_password_reset_by_email_round_trip(cast: Cast, smtp_server: Inbox) -> None:
    # given staff who forgot their password ask for a link
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "pupr@example.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    delivery.deliver_due()

    # then a mail reaches their address with a link on the configured site
    (mail,) = smtp_server.messages
    assert mail["To"] == "pupr@example.test"
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://127\.0\.0\.1:8000(/akun/atur-ulang/\S+/)", body)
    assert link is not None, body

    # when they open it and choose a new password
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    weak = client.post(
        form.request["PATH_INFO"], {"new_password1": "pendek", "new_password2": "pendek"}
    )
    assert "at least 12 characters" in weak.content.decode()
    done = client.post(
        form.request["PATH_INFO"], {"new_password1": STRONG, "new_password2": STRONG}
    )

    # then the new password works and the link does not work a second time
    assert done["Location"] == reverse("accounts:password_reset_complete")
    cast.pupr_staff.refresh_from_db()
    assert cast.pupr_staff.check_password(STRONG)
    again = Client().get(link.group(1), follow=True)
    assert "This link does not work any more" in again.content.decode()


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    cast: Cast, smtp_server: Inbox
) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    delivery.deliver_due()

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("Jalan-Ijen-2026", True),  # four kinds, 15 characters
        ("jalanijen2026!", True),  # lower, digit, symbol
        ("JalanIjen2026", True),  # upper, lower, digit
        ("Ijen-2026!", False),  # four kinds but only 10 characters
        ("jalanijenmalang", False),  # long, one kind
        ("jalanijen20262026", False),  # long, two kinds
    ],
)
def test_bssn_rules_for_staff(password: str, accepted: bool) -> None:
    staff = User(username="petugas", role=Role.AGENCY_STAFF)
    validator = StaffPasswordValidator()
    if accepted:
        validator.validate(password, staff)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password, staff)


def test_bssn_rules_are_configured_for_staff_and_not_for_citizens() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("kucing oren", User(username="operator", role=Role.OPERATOR))
    validate_password("kucing oren", User(username="warga", role=Role.CITIZEN))

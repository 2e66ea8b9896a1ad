"""`balaikota totp USER` prints the code of the user's authenticator; `balaikota demo`
gives the demo staff authenticators with known secrets."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from balaikota.accounts import factors
from balaikota.accounts.demo import enrol_demo_staff
from tests.accounts.conftest import log_in_with_password
from tests.conftest import Cast


def _totp(username: str) -> str:
    out = StringIO()
    call_command("totp", username, stdout=out)
    return out.getvalue().strip()


def test_the_printed_code_signs_a_demo_staff_user_in(cast: Cast) -> None:
    # given the demo's enrolment
    enrol_demo_staff()
    client = Client()
    log_in_with_password(client, cast.pupr_staff)

    # when the code printed by the command is typed in
    code = _totp(cast.pupr_staff.username)
    response = client.post(reverse("accounts:verify"), {"code": code})

    # then it is accepted
    assert len(code) == 6
    assert code.isdigit()
    assert response.status_code == 302
    assert client.get("/staf/kotak-masuk").status_code == 200


def test_demo_secrets_are_known_per_user_name_and_citizens_get_none(cast: Cast) -> None:
    enrol_demo_staff()
    enrol_demo_staff()  # safe to run again

    device = TOTPDevice.objects.get(user=cast.operator)
    assert device.key == factors.demo_key("operator")
    assert device.confirmed
    assert not TOTPDevice.objects.filter(user=cast.citizen).exists()


def test_a_user_without_an_authenticator_is_refused(cast: Cast) -> None:
    with pytest.raises(CommandError, match="no authenticator"):
        _totp(cast.dlh_staff.username)
    with pytest.raises(CommandError, match="no user"):
        _totp("tidak-ada")

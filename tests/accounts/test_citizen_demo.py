"""The demo's citizen: `warga` holds the reports made with the demo number, and logs in
with a code that `balaikota citizen-code` prints when no SMS gateway is configured."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from balaikota.demo import loader
from balaikota.demo.citizens import DEMO_CITIZEN_PHONE, load_citizen_account
from tests.accounts.test_citizen_codes import signed_in_user
from tests.conftest import submit


def test_the_demo_citizen_holds_its_reports_and_logs_in_with_the_printed_code(
    city: None, settings: Any
) -> None:
    # given the demo's users and a report made with the demo number
    loader.load_users()
    report = submit(contact=_contact(phone="+62 812 3456 7890"))

    # when the demo's citizen is loaded (twice: `make demo` runs again)
    load_citizen_account()
    assert load_citizen_account() == 1

    # then the report is the demo citizen's
    report.refresh_from_db()
    assert report.reporter is not None
    assert report.reporter.username == "warga"

    # and the code asked for on the site is the one the command prints
    settings.DEBUG = True
    client = Client()
    client.post(reverse("accounts:citizen_sign_in"), {"address": "0812 3456 7890"})
    out = StringIO()
    call_command("citizen_code", DEMO_CITIZEN_PHONE, stdout=out)
    client.post(reverse("accounts:citizen_code"), {"code": out.getvalue().strip()})
    user = signed_in_user(client)
    assert user is not None
    assert user.username == "warga"


def test_the_code_command_refuses_outside_the_demo(db: None, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("citizen_code", DEMO_CITIZEN_PHONE)


def _contact(**kwargs: str) -> Any:
    from balaikota.complaints.intake import Contact

    return Contact(**kwargs)

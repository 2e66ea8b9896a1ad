"""`balaikota personal-data export|erase (--ticket | --email | --phone)`: export prints
JSON, erase prints what it removed."""

from __future__ import annotations

import json
import sys

import pytest
from django.core import management
from django.core.management import CommandError, call_command

from balaikota import cli
from balaikota.complaints.models import Complaint
from tests.conftest import Cast
from tests.privacy.conftest import BUDI, BUDI_VALUES, audit_verifies, holds_any, report

pytestmark = pytest.mark.django_db


def test_export_prints_the_persons_data_as_json(
    cast: Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    complaint = report().complaint
    report(contact=BUDI)
    call_command("personal_data", "export", "--phone", "+62 812-3456-7890")
    data = json.loads(capsys.readouterr().out)
    assert [c["ticket"] for c in data["complaints"]] == [complaint.ticket]
    assert data["complaints"][0]["contact"]["nik"] == "3573010101010001"
    assert holds_any(json.dumps(data), BUDI_VALUES) == []


def test_erase_prints_what_it_removed(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    complaint = report().complaint
    call_command("personal_data", "erase", "--ticket", complaint.ticket)
    out = capsys.readouterr().out
    assert complaint.ticket in out
    for field in ("reporter_name", "reporter_phone", "reporter_email", "reporter_nik", "text"):
        assert field in out
    assert "Siti" not in out
    assert Complaint.objects.get(pk=complaint.pk).reporter_email == ""
    # a second time, there is nothing left to remove
    call_command("personal_data", "erase", "--email", "siti@example.test")
    assert capsys.readouterr().out.strip() == "No personal data was found."
    audit_verifies(capsys)


def test_exactly_one_way_to_find_the_person(db: None) -> None:
    with pytest.raises(CommandError):
        call_command("personal_data", "export")
    with pytest.raises(CommandError):
        call_command("personal_data", "erase", "--email", "a@example.test", "--phone", "0812")


def test_the_console_script_takes_the_dashed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(management, "execute_from_command_line", seen.append)
    for argv in (
        ["balaikota", "personal-data", "export", "--ticket", "SBT-1"],
        ["balaikota", "purge-personal-data", "--dry-run"],
    ):
        monkeypatch.setattr(sys, "argv", argv)
        cli.main()
    assert [args[1] for args in seen] == ["personal_data", "purge_personal_data"]

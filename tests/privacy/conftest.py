"""Siti reports with her full contact, and writes her own name and number into the text;
Budi, another citizen, reports too. Their data must never mix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from balaikota.complaints import intake
from balaikota.complaints.models import Category, Complaint
from balaikota.core.models import Role, User
from balaikota.open311 import services as open311
from tests.conftest import KLOJEN, SUMBERSARI, make_user

SITI = intake.Contact(
    name="Siti Aminah", phone="081234567890", email="siti@example.test", nik="3573010101010001"
)
# Everything that names Siti, in the writings she used.
SITI_VALUES = (
    "Siti Aminah",
    "081234567890",
    "0812-3456-7890",
    "siti@example.test",
    "3573010101010001",
)
SITI_TEXT = (
    "Nama saya Siti Aminah, hubungi 0812-3456-7890. Jalan berlubang besar di depan sekolah, "
    "motor sering jatuh."
)
BUDI = intake.Contact(name="Budi Santoso", phone="085700001111", email="budi@example.test")
BUDI_VALUES = ("Budi Santoso", "085700001111", "budi@example.test")


def report(
    contact: intake.Contact = SITI,
    text: str = SITI_TEXT,
    at: tuple[float, float] = SUMBERSARI,
    **kwargs: Any,
) -> intake.Submission:
    return intake.submit_complaint(
        text=text,
        category=Category.objects.get(slug="jalan-rusak"),
        lat=at[0],
        lon=at[1],
        location_source="map",
        contact=contact,
        **kwargs,
    )


def report_through_open311(
    contact: intake.Contact = SITI, device: str = "device-siti-1"
) -> Complaint:
    client, _key = open311.create_client(name="Malang Bersuara", organisation="Komunitas Ngalam")
    posted = open311.post_request(
        client,
        category=Category.objects.get(slug="sampah"),
        description="Sampah menumpuk di pinggir jalan sudah seminggu.",
        lat=KLOJEN[0],
        lon=KLOJEN[1],
        address="",
        answers={},
        media_urls=[],
        contact=contact,
        device_id=device,
        account_id="akun-siti",
    )
    return Complaint.objects.get(ticket=posted.ticket)


def as_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)


def holds_any(text: str, values: tuple[str, ...]) -> list[str]:
    return [value for value in values if value.lower() in text.lower()]


def reporter_client(submission: intake.Submission) -> Client:
    """A browser that opened the private link of the complaint."""
    client = Client()
    client.get(
        reverse("privacy:complaint", args=[submission.complaint.ticket])
        + f"?kunci={submission.reporter_key}"
    )
    return client


def audit_verifies(capsys: pytest.CaptureFixture[str]) -> str:
    try:
        call_command("audit_verify")
    except CommandError:
        pytest.fail(capsys.readouterr().err)
    return capsys.readouterr().out


@pytest.fixture
def officer(city: None) -> User:
    return make_user("dpo", Role.PRIVACY_OFFICER)

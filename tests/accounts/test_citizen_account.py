"""What a citizen account is worth: reports made before signing up with the same number or
address join it (and the citizen is told how many), /lapor knows them, the account page
shows what they log in with, and deleting it keeps the reports without their contact."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from balaikota.accounts import citizens
from balaikota.accounts.models import Identifier
from balaikota.complaints.models import Complaint
from balaikota.core.models import AuditEntry, Role, User
from balaikota.privacy.models import DataSubjectRequest, RequestKind
from tests.accounts.test_citizen_codes import ask, code_sent, enter, signed_in_user
from tests.conftest import SUMBERSARI, Cast, submit


def sign_up(client: Client, address: str) -> str:
    ask(client, address)
    return enter(client, code_sent(address)).content.decode()


def test_earlier_reports_with_the_number_in_any_writing_are_claimed(cast: Cast) -> None:
    # given reports made without an account, with the number written three ways
    mine = [
        submit(contact=_contact(phone="+62 812-3456-7890")),
        submit(contact=_contact(phone="081234567890")),
        submit(contact=_contact(phone="6281234567890")),
    ]
    other = submit(contact=_contact(phone="081299998888"))

    # when the citizen signs up with the number
    client = Client()
    page = sign_up(client, "0812 3456 7890")

    # then the three are theirs, on any device, and they are told how many
    user = signed_in_user(client)
    assert {c.ticket for c in Complaint.objects.filter(reporter=user)} == {c.ticket for c in mine}
    assert "3 reports you made earlier" in page
    listed = client.get(reverse("complaints:mine")).content.decode()
    assert all(c.ticket in listed for c in mine)
    assert other.ticket not in listed
    # in one audited step naming the tickets (no number)
    entry = AuditEntry.objects.get(action="complaints.claimed")
    assert sorted(entry.after["tickets"]) == sorted(c.ticket for c in mine)
    assert "0812" not in str(entry.after)


def test_an_email_address_claims_whatever_its_case(cast: Cast) -> None:
    report = submit(contact=_contact(email="Budi.Santoso@Example.test"))
    client = Client()
    sign_up(client, "budi.santoso@example.test")
    report.refresh_from_db()
    assert report.reporter == signed_in_user(client)


def test_only_a_proved_number_claims(cast: Cast) -> None:
    # given a report, and someone who asks for a code for its number but never enters it
    report = submit(contact=_contact(phone="081234567890"))
    stranger = Client()
    ask(stranger, "081234567890")
    enter(stranger, "000000")

    # then the report is nobody's
    report.refresh_from_db()
    assert report.reporter is None
    assert not AuditEntry.objects.filter(action="complaints.claimed").exists()


def test_a_report_another_account_holds_is_not_claimed(cast: Cast) -> None:
    held = submit(contact=_contact(phone="081234567890"), reporter=cast.citizen)
    client = Client()
    page = sign_up(client, "081234567890")
    held.refresh_from_db()
    assert held.reporter == cast.citizen
    assert "earlier" not in page


def test_a_report_sent_while_signed_in_is_prefilled_and_joins_the_account(cast: Cast) -> None:
    client = Client()
    sign_up(client, "081234567890")
    user = signed_in_user(client)
    assert user is not None

    form = client.get(reverse("complaints:report")).context["form"]
    assert form["phone"].value() == "081234567890"
    response = client.post(
        reverse("complaints:report"),
        {
            "text": "Jalan berlubang besar di depan masjid, motor sering jatuh.",
            "category": "jalan-rusak",
            "lat": SUMBERSARI[0],
            "lon": SUMBERSARI[1],
            "location_source": "map",
            "phone": "081234567890",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    complaint = Complaint.objects.get()
    assert complaint.reporter == user
    # and another browser of the same citizen lists it
    other = Client()
    sign_up(other, "+6281234567890")
    assert complaint.ticket in other.get(reverse("complaints:mine")).content.decode()


def test_adding_an_email_to_the_account_claims_its_reports(cast: Cast) -> None:
    report = submit(contact=_contact(email="siti@example.test"))
    client = Client()
    sign_up(client, "081234567890")

    page = sign_up(client, "siti@example.test")  # the same page, now adding to the account

    user = signed_in_user(client)
    assert user is not None
    assert {i.value for i in Identifier.objects.filter(user=user)} == {
        "081234567890",
        "siti@example.test",
    }
    report.refresh_from_db()
    assert report.reporter == user
    assert "1 report you made earlier" in page
    account = client.get(reverse("accounts:account")).content.decode()
    assert "siti@example.test" in account
    assert "081234567890" in account


def test_deleting_the_account_keeps_the_reports_without_the_contact(cast: Cast) -> None:
    # given a citizen whose earlier report joined their account
    report = submit(contact=_contact(name="Budi Santoso", phone="081234567890"))
    client = Client()
    sign_up(client, "081234567890")
    user = signed_in_user(client)
    assert user is not None

    # when they delete the account
    refused = client.post(reverse("accounts:delete_account"), {})
    response = client.post(reverse("accounts:delete_account"), {"confirm": "on"}, follow=True)

    # then the unconfirmed try changed nothing, the confirmed one signed them out
    assert refused.status_code == 302
    assert signed_in_user(client) is None
    assert "1 report stays" in response.content.decode()
    # the report stays, with no name, number nor account
    report.refresh_from_db()
    assert report.reporter is None
    assert (report.reporter_name, report.reporter_phone) == ("", "")
    assert report.contact_removed_at is not None
    # the account holds nothing that names them and can never sign in
    user.refresh_from_db()
    assert not user.is_active
    assert (user.phone, user.email) == ("", "")
    assert not Identifier.objects.exists()
    # the register records it, done at once
    request = DataSubjectRequest.objects.get(kind=RequestKind.ERASURE)
    assert list(request.complaints.all()) == [report]
    # and the number can start a new account
    again = Client()
    sign_up(again, "081234567890")
    new = signed_in_user(again)
    assert new is not None
    assert new.pk != user.pk


def test_staff_have_no_citizen_account_page(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.operator)
    assert client.get(reverse("accounts:account")).status_code == 302
    assert client.get(reverse("accounts:citizen_sign_in")).status_code == 302


def test_an_old_citizen_account_with_the_address_is_the_one_signed_into(cast: Cast) -> None:
    # the cast's citizen was made before codes, with an (unproved) address
    client = Client()
    sign_up(client, cast.citizen.email)
    assert signed_in_user(client) == cast.citizen
    assert User.objects.filter(role=Role.CITIZEN).count() == 1


def _contact(**kwargs: str) -> object:
    from balaikota.complaints.intake import Contact

    return Contact(**kwargs)


__all__ = ["citizens"]

"""Citizens sign up and log in with a one-time code sent to their phone or e-mail: the code
lives a short while, works once, stops after a few wrong tries, is kept only hashed, and
asking for codes is limited per number and per connection. Staff never get in this way."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balaikota.accounts import citizens
from balaikota.accounts.management.commands.citizen_code import newest_code
from balaikota.accounts.models import Identifier, SignInCode
from balaikota.core.models import Role, User
from balaikota.notifications.models import Channel, OutboxMessage
from tests.conftest import Cast

PHONE = "0812 3456 7890"
SIGN_IN = reverse("accounts:citizen_sign_in")
CODE = reverse("accounts:citizen_code")


def ask(client: Client, address: str, **extra: Any) -> int:
    return client.post(SIGN_IN, {"address": address}, **extra).status_code


def code_sent(address: str) -> str:
    code = newest_code(citizens.parse(address))
    assert code is not None, f"no code sent to {address}"
    return code


def enter(client: Client, code: str) -> Any:
    return client.post(CODE, {"code": code}, follow=True)


def signed_in_user(client: Client) -> User | None:
    user = client.get(reverse("complaints:home")).wsgi_request.user
    return user if isinstance(user, User) else None


def test_a_phone_number_signs_up_a_citizen_with_the_code_sent_by_sms(db: None) -> None:
    # given someone with no account
    client = Client()

    # when they ask for a code for their number and enter it
    assert ask(client, PHONE) == 302
    message = OutboxMessage.objects.get(event=citizens.CODE_EVENT)
    response = enter(client, code_sent(PHONE))

    # then the code went through the gateway, in international form
    assert message.channel == Channel.GATEWAY
    assert message.address == "+6281234567890"
    # and they are signed in to a new citizen account that holds the proved number
    user = signed_in_user(client)
    assert user is not None
    assert user.role == Role.CITIZEN
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert user.phone == "081234567890"
    assert Identifier.objects.get(user=user).value == "081234567890"
    assert "0812" not in user.username  # the user name shows where a number must not
    assert response.redirect_chain[-1][0] == reverse("complaints:mine")


def test_the_same_number_later_signs_in_to_the_same_account(db: None) -> None:
    first = Client()
    ask(first, PHONE)
    enter(first, code_sent(PHONE))
    second = Client()

    ask(second, "+62 812-3456-7890")  # another writing of the same number
    enter(second, code_sent(PHONE))

    assert signed_in_user(second) == signed_in_user(first)
    assert User.objects.filter(role=Role.CITIZEN).count() == 1


def test_an_email_address_gets_a_code_and_a_link_that_works_on_another_device(db: None) -> None:
    # given a code asked for on a phone
    ask(Client(), "Siti@Example.test")
    message = OutboxMessage.objects.get(event=citizens.CODE_EVENT)
    assert message.channel == Channel.EMAIL
    assert message.address == "siti@example.test"

    # when the link is opened on a computer: the page holds the code, the button uses it
    computer = Client()
    page = computer.get(message.link)
    assert page.status_code == 200
    assert code_sent("siti@example.test") in page.content.decode()
    assert signed_in_user(computer) is None  # opening the link alone does not sign in
    pending = page.context["pending"]
    computer.post(CODE, {"code": code_sent("siti@example.test"), "p": pending})

    # then the computer is signed in to the account of that address
    user = signed_in_user(computer)
    assert user is not None
    assert user.email == "siti@example.test"


def test_the_code_is_kept_only_as_a_keyed_hash(db: None) -> None:
    ask(Client(), PHONE)
    code = code_sent(PHONE)
    row = SignInCode.objects.get()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64


def test_a_code_works_once(db: None) -> None:
    client = Client()
    ask(client, PHONE)
    code = code_sent(PHONE)
    enter(client, code)
    client.logout()

    other = Client()
    response = other.post(CODE, {"code": code, "p": SignInCode.objects.get().pk})

    assert response.status_code == 400
    assert signed_in_user(other) is None


def test_an_expired_code_is_refused(db: None, settings: Any) -> None:
    client = Client()
    ask(client, PHONE)
    SignInCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = enter(client, code_sent(PHONE))

    assert signed_in_user(client) is None
    assert b"no longer works" in response.content


def test_a_code_stops_working_after_five_wrong_tries(db: None) -> None:
    client = Client()
    ask(client, PHONE)
    right = code_sent(PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    answers = [enter(client, wrong) for _ in range(5)]
    last = enter(client, right)

    assert b"You can try 4 more times" in answers[0].content
    assert b"no longer works" in answers[-1].content
    assert signed_in_user(client) is None
    assert b"no longer works" in last.content


def test_a_new_code_ends_the_earlier_one(db: None) -> None:
    client = Client()
    ask(client, PHONE)
    first = code_sent(PHONE)
    first_row = SignInCode.objects.get().pk
    ask(client, PHONE)

    response = client.post(CODE, {"code": first, "p": first_row})

    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_codes_to_one_number_are_limited_whatever_the_connection(db: None, settings: Any) -> None:
    settings.RATE_LIMIT_CITIZEN_CODES = (3, 900)
    answers = [ask(Client(), PHONE, REMOTE_ADDR=f"198.51.100.{n}") for n in range(4)]

    assert answers == [302, 302, 302, 429]
    assert OutboxMessage.objects.filter(event=citizens.CODE_EVENT).count() == 3


def test_codes_asked_from_one_connection_are_limited_whatever_the_number(
    db: None, settings: Any
) -> None:
    settings.RATE_LIMIT_CITIZEN_CODES_IP = (3, 3600)
    client = Client()
    answers = [ask(client, f"08123456780{n}", REMOTE_ADDR="203.0.113.9") for n in range(4)]

    assert answers == [302, 302, 302, 429]
    assert ask(Client(), "081234567809", REMOTE_ADDR="203.0.113.10") == 302


def test_code_tries_from_one_connection_are_limited(db: None, settings: Any) -> None:
    settings.RATE_LIMIT_CITIZEN_CODES_IP = (1, 3600)  # so 10 tries an hour
    client = Client()
    ask(client, PHONE, REMOTE_ADDR="203.0.113.9")
    statuses = [
        client.post(CODE, {"code": "000000"}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(11)
    ]
    assert statuses[-1] == 429


@pytest.mark.parametrize("address", ["not-a-number", "12345", "budi@"])
def test_a_malformed_address_is_refused_with_a_message(db: None, address: str) -> None:
    response = Client().post(SIGN_IN, {"address": address})
    assert response.status_code == 400
    assert response.context["form"].errors["address"]
    assert not SignInCode.objects.exists()


def _page_after_asking(address: str) -> str:
    client = Client()
    response = client.post(SIGN_IN, {"address": address}, follow=True)
    text = re.sub(r'csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return text.split("<main", 1)[1].split("</main>", 1)[0].split('name="p" value="')[0]


def test_the_pages_read_the_same_for_a_new_a_known_and_a_staff_address(cast: Cast) -> None:
    # given a citizen account holding one address, and a staff member with another
    citizen = Client()
    ask(citizen, "warga@example.test")
    enter(citizen, code_sent("warga@example.test"))
    assert signed_in_user(citizen) is not None
    cast.pupr_staff.email = "pupr@example.test"
    cast.pupr_staff.save()

    # when codes are asked for each (the shown address masked the same way)
    pages = [
        _page_after_asking(a)
        for a in ("baru@example.test", "warga@example.test", "pupr@example.test")
    ]

    # then nothing on the page tells them apart but the masked address
    assert pages[0].replace("b***", "X") == pages[1].replace("w***", "X")
    assert pages[1].replace("w***", "X") == pages[2].replace("p***", "X")


def test_staff_get_no_code_and_cannot_sign_in_through_the_citizen_path(cast: Cast) -> None:
    # given a staff member whose phone and e-mail are known
    cast.pupr_staff.phone = "+62 812-9999-0000"  # as an admin typed it
    cast.pupr_staff.save()

    # when someone asks for citizen codes for them and tries every way in
    for address in ("081299990000", cast.pupr_staff.email):
        client = Client()
        ask(client, address)
        row = SignInCode.objects.filter(value=citizens.parse(address).value).get()
        for guess in ("000000", "123456"):
            client.post(CODE, {"code": guess, "p": row.pk})
        assert signed_in_user(client) is None

    # then no code was sent, only a note that staff sign in with their password
    assert not OutboxMessage.objects.filter(event=citizens.CODE_EVENT).exists()
    notes = OutboxMessage.objects.filter(event=citizens.STAFF_EVENT)
    assert {n.address for n in notes} == {"+6281299990000", cast.pupr_staff.email}
    assert list(User.objects.filter(role=Role.CITIZEN)) == [cast.citizen]
    assert not Identifier.objects.exists()


def test_a_citizen_made_staff_can_no_longer_sign_in_by_code(cast: Cast) -> None:
    client = Client()
    ask(client, PHONE)
    enter(client, code_sent(PHONE))
    user = signed_in_user(client)
    assert user is not None
    user.role = Role.OPERATOR
    user.save()

    again = Client()
    ask(again, PHONE)
    enter(again, "000000")  # no code was sent: the number is now a staff member's

    assert signed_in_user(again) is None
    assert OutboxMessage.objects.filter(event=citizens.CODE_EVENT).count() == 1


def test_a_signed_in_citizen_cannot_reach_staff_pages(cast: Cast) -> None:
    client = Client()
    ask(client, PHONE)
    enter(client, code_sent(PHONE))

    for name in ("complaints:staff_home", "complaints:inbox", "complaints:operator_queue"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name
        if response.status_code == 302:
            assert reverse("complaints:inbox") not in response["Location"]
    assert client.get("/admin/").status_code == 302  # the admin's own log-in page


def test_the_log_in_page_offers_citizens_their_own_way_in(db: None) -> None:
    page = Client().get(reverse("core:login")).content.decode()
    assert reverse("accounts:citizen_sign_in") in page
    assert 'id="id_password"' in page


def test_codes_to_one_number_are_limited_to_ten_a_day(db: None, settings: Any) -> None:
    settings.RATE_LIMIT_CITIZEN_CODES = (100, 900)
    answers = [ask(Client(), PHONE, REMOTE_ADDR=f"198.51.100.{n}") for n in range(11)]
    assert answers == [302] * 10 + [429]

"""A staff user without an authenticator enrols one (QR code, first code, recovery codes);
with one, they give its code, or a recovery code once."""

from __future__ import annotations

import re
import time

import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from balaikota.accounts import factors
from tests.accounts.conftest import code_for, enrolled, log_in_with_password
from tests.conftest import Cast


def test_staff_without_authenticator_enrol_with_the_code_of_the_secret_shown(
    cast: Cast,
) -> None:
    # given PUPR staff who just typed their password
    client = Client()
    after_password = log_in_with_password(client, cast.pupr_staff, next_url="/staf/kotak-masuk")

    # when they follow on, they land on the enrolment page with a QR code and the key
    page = client.get(after_password, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("accounts:enrol"))
    html = page.content.decode()
    qr = html.split('id="totp-qr"')[1].split("</figure>")[0]
    assert "<svg" in qr
    assert "style=" not in qr
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)  # type: ignore[union-attr]
    device = TOTPDevice.objects.get(user=cast.pupr_staff, confirmed=False)
    assert secret == factors.secret_base32(device)

    # and they confirm with the code their app computes from that key
    response = client.post(
        page.redirect_chain[-1][0], {"code": factors.current_code(device)}, follow=True
    )

    # then they see ten recovery codes once, and go on to the page they asked for
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=cast.pupr_staff).values_list("token", flat=True)
    )
    assert 'href="/staf/kotak-masuk"' in response.content.decode()
    assert client.get("/staf/kotak-masuk").status_code == 200
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert TOTPDevice.objects.get(user=cast.pupr_staff).confirmed


def test_a_wrong_code_is_refused_at_enrolment_and_at_verification(cast: Cast) -> None:
    client = Client()
    log_in_with_password(client, cast.operator)
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=cast.operator)
    wrong = f"{(int(factors.current_code(device)) + 1) % 10**6:06d}"

    response = client.post(reverse("accounts:enrol"), {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.get(user=cast.operator).confirmed
    assert client.get("/staf/").status_code == 302

    # and an enrolled user guessing at the verify step is refused, then slowed down
    other = Client()
    enrolled(cast.mayor_office)
    log_in_with_password(other, cast.mayor_office)
    first = other.post(reverse("accounts:verify"), {"code": "000000"})
    second = other.post(reverse("accounts:verify"), {"code": "000000"})
    assert "That code is not right" in first.content.decode()
    assert "Too many wrong codes" in second.content.decode()
    assert other.get("/staf/")["Location"].startswith(reverse("accounts:verify"))


def test_an_enrolled_user_cannot_enrol_a_second_authenticator_without_the_first(
    cast: Cast,
) -> None:
    enrolled(cast.pupr_staff)
    client = Client()
    log_in_with_password(client, cast.pupr_staff)

    response = client.get(reverse("accounts:enrol"))

    assert response["Location"].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=cast.pupr_staff).count() == 1


def test_a_recovery_code_works_once(cast: Cast) -> None:
    # given staff who enrolled and kept their recovery codes
    device = enrolled(cast.pupr_staff)
    code = factors.new_recovery_codes(cast.pupr_staff)[0]

    # when they lose their phone and give a recovery code
    first = Client()
    log_in_with_password(first, cast.pupr_staff)
    response = first.post(reverse("accounts:verify"), {"code": code.upper()}, follow=True)

    # then they are in, and told how many codes are left
    assert response.redirect_chain[0][0] == reverse("core:landing")
    assert response.redirect_chain[1][0] == reverse("complaints:staff_home")
    assert "You used a recovery code; 9 are left." in response.content.decode()

    # and the same code does not open a second session
    second = Client()
    log_in_with_password(second, cast.pupr_staff)
    refused = second.post(reverse("accounts:verify"), {"code": code})
    assert refused.status_code == 200
    assert "not right" in refused.content.decode()
    with time_machine.travel(time.time() + 5):
        assert (
            second.post(reverse("accounts:verify"), {"code": code_for(device)}).status_code == 302
        )


def test_the_session_gets_a_new_key_when_the_factor_is_given(cast: Cast) -> None:
    device = enrolled(cast.pupr_staff)
    client = Client()
    log_in_with_password(client, cast.pupr_staff)
    before = client.cookies["sessionid"].value

    client.post(reverse("accounts:verify"), {"code": code_for(device)})

    after = client.cookies["sessionid"].value
    assert after != before
    # the key seen before the factor is worth nothing now
    stale = Client()
    stale.cookies["sessionid"] = before
    assert stale.get("/staf/")["Location"].startswith(reverse("core:login"))


def test_next_goes_only_to_this_site(cast: Cast) -> None:
    device = enrolled(cast.operator)
    client = Client()
    log_in_with_password(client, cast.operator)

    response = client.post(
        reverse("accounts:verify") + "?next=https://evil.example/", {"code": code_for(device)}
    )

    assert response["Location"] == reverse("core:landing")

"""An admin resets a lost second factor from the user list; the audit log says who did."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from balaikota.accounts import factors
from balaikota.core import audit
from balaikota.core.models import AuditEntry
from tests.accounts.conftest import enrolled, verified_client
from tests.conftest import Cast


def test_an_admin_resets_a_lost_factor_and_the_audit_log_records_it(cast: Cast) -> None:
    # given PUPR staff with an authenticator and recovery codes, signed in on a phone
    enrolled(cast.pupr_staff)
    factors.new_recovery_codes(cast.pupr_staff)
    phone = verified_client(cast.pupr_staff)
    cast.admin.is_superuser = True
    cast.admin.save()
    admin = Client()
    admin.force_login(cast.admin)

    # when the admin resets their second factor from the user list
    response = admin.post(
        "/admin/core/user/",
        {"action": "reset_second_factor", "_selected_action": [cast.pupr_staff.pk]},
        follow=True,
    )

    # then the devices are gone, the admin is told, and the log names the admin
    assert "The second factor of 1 user is reset." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.pupr_staff).exists()
    assert not StaticDevice.objects.filter(user=cast.pupr_staff).exists()
    entry = AuditEntry.objects.get(action="user.second_factor_reset")
    assert entry.actor == cast.admin
    assert entry.object_id == str(cast.pupr_staff.pk)
    assert entry.after == {"devices": 0}
    assert list(audit.broken_links()) == []
    # and the lost phone's session must enrol a new authenticator before going on
    assert phone.get("/staf/kotak-masuk")["Location"].startswith(reverse("accounts:enrol"))


def test_the_device_admin_pages_are_not_offered(cast: Cast) -> None:
    cast.admin.is_superuser = True
    cast.admin.save()
    admin = Client()
    admin.force_login(cast.admin)

    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404

"""The admin's way to reset a lost second factor, on the user list.

django-otp's own device admins are removed: deleting a device there would skip the audit
log, and they would show every user's TOTP secret.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from balaikota.accounts import factors
from balaikota.core.admin import BalaikotaUserAdmin
from balaikota.core.models import User

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BalaikotaUserAdmin):
    actions = ["reset_second_factor"]

    @admin.action(
        description=_("Reset the second factor (lost phone): enrol again at next log-in"),
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for user in queryset:
            factors.reset(user, actor=actor)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d user is reset.",
                "The second factors of %(count)d users are reset.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

"""Citizens' sign-in: the phone numbers and e-mail addresses an account has proved it holds,
and the one-time codes that prove it.

django-otp (the staff's second factor) was weighed for the codes and not used: its
side-channel devices belong to an existing user (a citizen signing up has none yet), keep
the code in clear and compare it with `==`. Here a code is kept only as a keyed hash,
compared in constant time, used once, and stops working after a few wrong tries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")


class Identifier(models.Model):
    """A phone number (national form, 08…) or e-mail address (lower case) a citizen proved
    they hold, with a code sent to it. One account per identifier."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identifiers"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=IdentifierKind.choices)
    value = models.CharField(_("phone number or e-mail address"), max_length=254)
    verified_at = models.DateTimeField(_("verified"), default=timezone.now)

    class Meta:
        ordering = ["kind", "verified_at"]
        verbose_name = _("verified identifier")
        verbose_name_plural = _("verified identifiers")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="one_account_per_identifier")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.user_id}"


class SignInCode(models.Model):
    """A one-time code sent to a phone number or e-mail address.

    The code itself is never stored, only a keyed hash of it (HMAC with the secret key, so
    that a copy of the table does not give the codes away by trying all million). The
    identifier is kept so that the code, or the e-mailed link, can be checked from another
    device; expired rows are deleted whenever a new code is sent, and by the nightly
    retention job (`privacy.retention`).
    """

    kind = models.CharField(max_length=5, choices=IdentifierKind.choices)
    value = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    # The account that asked to add this identifier; None for signing in or up.
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value", "created_at"], name="signin_code_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

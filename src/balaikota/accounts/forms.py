from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from balaikota.accounts import citizens
from balaikota.notifications.services import send_email


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the notification outbox (retried, sent by the worker)
    instead of talking to the mail server inside the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(to_email, event="password.reset", subject=subject, body=body)


class IdentifierForm(forms.Form):
    """A citizen's mobile number or e-mail address, to send a sign-in code to."""

    address = forms.CharField(
        label=_("Mobile number (SMS/WhatsApp) or e-mail address"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "off",
                "spellcheck": "false",
                "placeholder": "0812 3456 7890",
            }
        ),
    )

    def clean_address(self) -> citizens.Address:
        return citizens.parse(self.cleaned_data["address"])


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my account is deleted and cannot be restored."),
    )

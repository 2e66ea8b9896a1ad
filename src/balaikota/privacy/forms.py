from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balaikota.complaints.forms import StyledForm


class ContactForm(StyledForm):
    """The reporter's corrected contact: every field may be left empty."""

    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: my contact is removed from this complaint for good, and updates "
            "about it will stop."
        ),
        required=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

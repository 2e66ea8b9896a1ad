from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balaikota.hotspots.models import WorkStatus
from balaikota.hotspots.services import WorkInput

MAX_BUDGET = Decimal("999999999999999")


class WorkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What will be done, and why it should stop the complaints coming back."),
    )
    planned_start = forms.DateField(
        label=_("Planned start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_end = forms.DateField(
        label=_("Planned end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.CharField(
        label=_("Budget (Rp, optional)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("In whole rupiah, e.g. 150.000.000."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_budget(self) -> Decimal | None:
        raw = re.sub(r"^\s*rp\.?\s*", "", self.cleaned_data["budget"], flags=re.IGNORECASE)
        digits = re.sub(r"[.,\s]", "", raw)
        if not digits:
            return None
        if not digits.isdigit() or Decimal(digits) > MAX_BUDGET:
            raise forms.ValidationError(_("Enter the budget in whole rupiah, e.g. 150.000.000."))
        return Decimal(digits)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the planned start."))
        return data

    def work_input(self) -> WorkInput:
        data = self.cleaned_data
        return WorkInput(
            title=data["title"],
            description=data["description"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            budget=data["budget"],
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=WorkStatus.choices)
    note = forms.CharField(
        label=_("Note (shown publicly)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

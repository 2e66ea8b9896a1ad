"""Parsing the performance pages' input; the services check the rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balaikota.agencies.models import Official
from balaikota.performance.models import (
    Aggregation,
    Confidence,
    Indicator,
    Method,
    OfferItem,
    Polarity,
    Recommendation,
    Source,
)

VALUE_FIELDS = ("value", "low", "high", "q1", "q2", "q3", "q4")


class Number(forms.FloatField):
    """A number as people here type it: "2,8" as well as "2.8" (the pages print "2,8")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(localize=True, **kwargs)

    def to_python(self, value: Any) -> Any:  # float | None (the stubs say int)
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=250)
    unit = forms.CharField(label=_("unit"), max_length=40)
    polarity = forms.ChoiceField(label=_("polarity"), choices=Polarity.choices)
    method = forms.ChoiceField(
        label=_("method for lower is better"), choices=Method.choices, initial=Method.SELISIH
    )
    aggregation = forms.ChoiceField(
        label=_("aggregation over the year"), choices=Aggregation.choices
    )
    baseline_value = Number(label=_("baseline value"), required=False)
    baseline_year = forms.IntegerField(
        label=_("baseline year"), required=False, min_value=2000, max_value=2100
    )
    source = forms.ChoiceField(label=_("data source"), choices=Source.choices, initial="manual")
    mission = forms.CharField(label=_("RPJMD mission"), max_length=250, required=False)
    goal = forms.CharField(label=_("RPJMD goal"), max_length=250, required=False)
    is_key = forms.BooleanField(label=_("key performance indicator (IKU)"), required=False)


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=Indicator.objects.all())
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    value = Number(label=_("year's target"), required=False)
    low = Number(label=_("range from"), required=False)
    high = Number(label=_("range to"), required=False)
    q1 = Number(label=_("TW I target"), required=False)
    q2 = Number(label=_("TW II target"), required=False)
    q3 = Number(label=_("TW III target"), required=False)
    q4 = Number(label=_("TW IV target"), required=False)

    def values(self) -> dict[str, float | None]:
        return {name: self.cleaned_data[name] for name in VALUE_FIELDS}


class AuctionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    deadline = forms.DateTimeField(
        label=_("answer by"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class CommitForm(forms.Form):
    plan_1 = forms.CharField(label=_("Action plan TW I"), widget=forms.Textarea(attrs={"rows": 2}))
    plan_2 = forms.CharField(label=_("Action plan TW II"), widget=forms.Textarea(attrs={"rows": 2}))
    plan_3 = forms.CharField(
        label=_("Action plan TW III"), widget=forms.Textarea(attrs={"rows": 2})
    )
    plan_4 = forms.CharField(label=_("Action plan TW IV"), widget=forms.Textarea(attrs={"rows": 2}))
    pact = forms.BooleanField(
        label=_("I have read the pact of integrity and confirm it."), required=False
    )

    def plan(self) -> dict[str, str]:
        return {str(q): self.cleaned_data[f"plan_{q}"] for q in (1, 2, 3, 4)}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CheckInForm(forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("quarter"),
        coerce=int,
        choices=[(1, "TW I"), (2, "TW II"), (3, "TW III"), (4, "TW IV")],
    )
    actual = Number(label=_("actual"))
    obstacles = forms.CharField(
        label=_("obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label=_("next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confidence = forms.ChoiceField(label=_("confidence"), choices=Confidence.choices)


class ReassignmentForm(forms.Form):
    candidates = forms.ModelMultipleChoiceField(
        label=_("candidates"), queryset=Official.objects.all()
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    official = forms.ModelChoiceField(label=_("appointed"), queryset=Official.objects.none())
    is_acting = forms.BooleanField(label=_("acting (Plt)"), required=False)
    note = forms.CharField(label=_("note"), required=False)

    def __init__(self, *args: Any, candidates: Iterable[Official] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["official"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Official.objects.filter(pk__in=[c.pk for c in candidates])


class ReviewForm(forms.Form):
    choice = forms.ChoiceField(label=_("recommendation"), choices=Recommendation.choices)
    note = forms.CharField(label=_("note"), required=False)
    candidates = forms.ModelMultipleChoiceField(
        label=_("candidates"), queryset=Official.objects.all(), required=False
    )


def item_values(
    data: Mapping[str, Any], items: Iterable[OfferItem]
) -> tuple[dict[str, dict[str, float | None]], dict[str, list[str]]]:
    """Values typed per offered target (`item-<id>-<field>`), only those that differ."""
    proposal: dict[str, dict[str, float | None]] = {}
    errors: dict[str, list[str]] = {}
    for item in items:
        changed: dict[str, float | None] = {}
        for name in VALUE_FIELDS:
            raw = str(data.get(f"item-{item.pk}-{name}", "")).strip().replace(",", ".")
            if raw == "":
                continue
            try:
                value = float(raw)
            except ValueError:
                errors.setdefault(f"item-{item.pk}-{name}", []).append(str(_("Not a number.")))
                continue
            if value != getattr(item, name):
                changed[name] = value
        if changed:
            proposal[str(item.pk)] = changed
    return proposal, errors

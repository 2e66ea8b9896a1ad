from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, LocationSource, NotifyBy, PhoneChannel, Privacy


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in items]


class StyledForm(forms.Form):
    """Bootstrap's classes on every widget, so `as_div` renders usable fields on phones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ReportForm(forms.Form):
    photos = MultiplePhotoField(
        label=_("Photos (up to 5)"),
        required=False,
        widget=MultiplePhotoInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/heif", "capture": "environment"}
        ),
    )
    text = forms.CharField(
        label=_("What is the problem?"),
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "placeholder": _(
                    "Example: the road in front of house no. 12 has a deep hole, motorbikes fall."
                ),
            }
        ),
        max_length=5000,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("I don't know — let the operator choose"),
        to_field_name="slug",
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    location_source = forms.ChoiceField(
        choices=[("", ""), *list(LocationSource.choices)],
        required=False,
        widget=forms.HiddenInput,
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=120)
    phone = forms.CharField(label=_("Phone / WhatsApp"), required=False, max_length=30)
    email = forms.EmailField(label=_("E-mail (to receive updates)"), required=False)
    nik = forms.CharField(label=_("NIK"), required=False, max_length=16)
    notify_by = forms.ChoiceField(
        label=_("Send me the news of this report by"),
        choices=[
            ("", _("Automatic")),
            (NotifyBy.EMAIL, _("E-mail")),
            (NotifyBy.PHONE, _("SMS or WhatsApp")),
            (NotifyBy.BOTH, _("Both")),
        ],
        initial="",
        required=False,
        widget=forms.RadioSelect,
    )
    phone_channel = forms.ChoiceField(
        label=_("On the phone by"),
        choices=PhoneChannel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    privacy = forms.ChoiceField(
        label=_("Who may know of this complaint?"),
        choices=[
            (Privacy.PUBLIC, _("Public: the complaint is published, your name is not")),
            (
                Privacy.ANONYMOUS,
                _("Anonymous: the complaint is published; nobody in the city sees who you are"),
            ),
            (
                Privacy.CONFIDENTIAL,
                _("Confidential: nothing is published; only the officers handling it see it"),
            ),
        ],
        initial=Privacy.PUBLIC,
        required=False,
        widget=forms.RadioSelect,
    )
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)


class TrackForm(StyledForm):
    ticket = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "SBT-XXXXXXXX"}),
    )


class NoteForm(StyledForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class PhotoNoteForm(NoteForm):
    photo = forms.FileField(label=_("Photo"), required=False)


class AssignForm(NoteForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True), to_field_name="code"
    )


class CorrectForm(NoteForm):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
    )
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)


class DuplicateForm(NoteForm):
    original = forms.CharField(label=_("Tracking code of the original complaint"), max_length=20)


class ConfirmForm(StyledForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the result?"),
        coerce=int,
        required=False,
        choices=[("", "-")] + [(i, str(i)) for i in range(1, 6)],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ReopenForm(StyledForm):
    reason = forms.CharField(
        label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PublicTextForm(StyledForm):
    public_text = forms.CharField(
        label=_("Text the public reads"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class FollowForm(StyledForm):
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)

    too_many_message = _(
        "Several requests for this address wait for confirmation: check your e-mail."
    )

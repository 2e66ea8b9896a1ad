from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balaikota.agencies.models import Agency
from balaikota.complaints.models import Category, Status
from balaikota.opendata.selectors import ExportFilter
from balaikota.regions.models import Region

FORMATS = ("csv", "geojson", "xlsx")
YEARS = range(2000, 2101)


def _status_choices() -> list[tuple[str, Any]]:
    return [("", _("All")), ("open", _("Open")), ("closed", _("Closed")), *Status.choices]


# The names the map and the dashboard use (dashboards/filters.py) are the names here too;
# the English names of the first release still work.
FORMER_NAMES = {"start": "dari", "end": "sampai", "category": "kategori", "agency": "opd"}


class ExportForm(forms.Form):
    dari = forms.DateField(label=_("From (date submitted)"), required=False)
    sampai = forms.DateField(label=_("Up to and including"), required=False)
    kategori = forms.ChoiceField(label=_("Category"), required=False)
    opd = forms.ChoiceField(label=_("Agency"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_status_choices)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = {FORMER_NAMES.get(name, name): value for name, value in data.items()}
        super().__init__(data, **kwargs)
        every = [("", _("All"))]
        self.fields["kategori"].choices = every + [  # type: ignore[attr-defined]
            (c.slug, c.display_name) for c in Category.objects.order_by("position")
        ]
        self.fields["opd"].choices = every + list(  # type: ignore[attr-defined]
            Agency.objects.order_by("name").values_list("code", "short_name")
        )
        self.fields["kecamatan"].choices = every + list(  # type: ignore[attr-defined]
            Region.objects.filter(level="district").order_by("name").values_list("code", "name")
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        unknown = sorted(name for name in self.data if name not in self.fields)
        if unknown:
            # Ignored, `?kategori=` would download the whole city as if it were filtered.
            raise forms.ValidationError(
                _("Unknown parameter %(names)s; the known ones are %(known)s.")
                % {
                    "names": ", ".join(name[:40] for name in unknown[:5]),
                    "known": ", ".join(self.fields),
                }
            )
        start, end = data.get("dari"), data.get("sampai")
        for day in (start, end):
            if isinstance(day, dt.date) and day.year not in YEARS:
                raise forms.ValidationError(_("The dates are out of range."))
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data

    def export_filter(self) -> ExportFilter:
        data = self.cleaned_data

        def moment(day: dt.date | None) -> dt.datetime | None:
            if day is None:
                return None
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

        end = data.get("sampai")
        return ExportFilter(
            start=moment(data.get("dari")),
            end=moment(end + dt.timedelta(days=1)) if end else None,
            category=data.get("kategori") or "",
            agency=data.get("opd") or "",
            kecamatan=data.get("kecamatan") or "",
            status=data.get("status") or "",
        )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))
    kelurahan = forms.ChoiceField(label=_("Kelurahan"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    radius = forms.IntegerField(
        label=_("Radius (m)"), required=False, min_value=100, max_value=3000, initial=500
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        villages = Region.objects.filter(level="village").order_by("name")
        self.fields["kelurahan"].choices = [  # type: ignore[attr-defined]
            ("", _("— or a circle around a point —")),
            *villages.values_list("code", "name"),
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        point = data.get("lat") is not None and data.get("lon") is not None
        if not data.get("kelurahan") and not point:
            raise forms.ValidationError(
                _("Choose a kelurahan, or give a point (latitude and longitude) and a radius.")
            )
        if point and not data.get("kelurahan"):
            from balaikota.regions import selectors as regions

            place = regions.locate(float(data["lat"]), float(data["lon"]))
            if not place.inside_city:
                raise forms.ValidationError(_("This point is outside the city."))
            if not data.get("radius"):
                data["radius"] = 500
        return data

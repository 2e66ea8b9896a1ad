from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from balaikota.core.admin import AuditedAdmin
from balaikota.regions.models import Region, RegionAlias
from balaikota.regions.selectors import boundaries_are_approximate


class AliasInline(admin.TabularInline):
    model = RegionAlias
    fields = ("name",)
    extra = 1


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent", "area_km2", "is_approximate")
    list_filter = ("level", "is_approximate")
    search_fields = ("code", "name", "aliases__name")
    readonly_fields = ("geometry", "centre_lat", "centre_lon", "area_km2", "is_approximate")
    inlines = [AliasInline]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        if boundaries_are_approximate():
            messages.warning(
                request,
                _(
                    "The kelurahan boundaries are APPROXIMATE (laid out from centre points for "
                    "the demo). Import the official boundaries with `balaikota import-regions "
                    "FILE.geojson`."
                ),
            )
        return super().changelist_view(request, extra_context)  # type: ignore[return-value]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        from balaikota.regions.names import normalise_name

        for alias in formset.save(commit=False):
            alias.normalised = normalise_name(alias.name)
            alias.save()
        for obj in formset.deleted_objects:
            obj.delete()

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from balaikota.core.admin import AuditedAdmin, ReadOnlyAdmin
from balaikota.core.models import User
from balaikota.regions import uploads
from balaikota.regions.models import BoundaryUpload, Region, RegionAlias
from balaikota.regions.selectors import boundaries_are_approximate


class BoundaryFileForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file of the kelurahan"),
        help_text=_(
            "All kelurahan of the city in one FeatureCollection, with the properties kode, "
            "nama, kode_kecamatan and kecamatan. Nothing changes before you confirm the "
            "preview."
        ),
    )


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
    change_list_template = "admin/regions/region/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("unggah/", view(self.upload_view), name="regions_region_upload"),
            path(
                "unggah/<int:pk>/",
                view(self.upload_preview_view),
                name="regions_region_upload_preview",
            ),
            *super().get_urls(),
        ]

    def _admin(self, request: HttpRequest) -> User:
        if not (self.has_change_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        return request.user  # type: ignore[return-value]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        user = self._admin(request)
        form = BoundaryFileForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                upload = uploads.store(form.cleaned_data["file"], user)
            except uploads.UploadRejected as exc:
                problems = exc.problems
            else:
                return redirect("admin:regions_region_upload_preview", pk=upload.pk)
        return TemplateResponse(
            request,
            "admin/regions/region/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Upload kelurahan boundaries"),
                "form": form,
                "problems": problems,
            },
            status=400 if problems else 200,
        )

    def upload_preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = self._admin(request)
        upload = get_object_or_404(BoundaryUpload, pk=pk)
        problems: list[str] = []
        if request.method == "POST" and upload.applied_at is None:
            try:
                done = uploads.apply(upload.pk, user)
            except uploads.UploadRejected as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _(
                        "The boundaries were applied: %(added)s added, %(changed)s changed, "
                        "%(removed)s removed; %(moved)s complaints re-placed, %(lost)s "
                        "without a kelurahan."
                    )
                    % done,
                )
                return redirect("admin:regions_region_changelist")
        preview = upload.preview
        return TemplateResponse(
            request,
            "admin/regions/region/upload_preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Preview of the new boundaries"),
                "upload": upload,
                "preview": preview,
                "problems": problems or preview.get("problems", []),
                "has_changes": any(preview[k] for k in ("added", "changed", "removed")),
            },
            status=409 if problems else 200,
        )

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


@admin.register(BoundaryUpload)
class BoundaryUploadAdmin(ReadOnlyAdmin):
    """The boundary files uploaded, with their previews; applied through the regions page."""

    list_display = ("original_name", "size", "uploaded_by", "created_at", "applied_at")
    list_filter = ("applied_at",)

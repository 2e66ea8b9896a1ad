"""The register of data-subject requests in the admin: overdue ones first and marked, the
actions "export" and "erase", and the record of processing as CSV and JSON."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balaikota.complaints.models import Complaint
from balaikota.complaints.tickets import normalise_ticket
from balaikota.core.models import Role, User
from balaikota.privacy import processing, services
from balaikota.privacy.models import FINISHED, DataSubjectRequest, RequestStatus

_MANAGERS = frozenset({Role.ADMIN, Role.PRIVACY_OFFICER})


def _may_manage(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.is_staff and user.role in _MANAGERS))
    )


class RequestForm(forms.ModelForm):
    tickets = forms.CharField(
        label=gettext_lazy("complaints concerned (tracking codes)"),
        required=False,
        help_text=gettext_lazy("Separated by commas or spaces, e.g. SBT-K7M2QXD4."),
    )

    class Meta:
        model = DataSubjectRequest
        fields = [
            "kind",
            "arrived_by",
            "received_at",
            "requester_name",
            "requester_email",
            "requester_phone",
            "requester_address",
            "details",
            "status",
            "outcome",
            "handled_by",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tickets"] = ", ".join(c.ticket for c in self.instance.complaints.all())

    def clean_tickets(self) -> list[Complaint]:
        codes = [
            normalise_ticket(code)
            for code in self.cleaned_data["tickets"].replace(",", " ").split()
            if code.strip()
        ]
        found = {c.ticket: c for c in Complaint.objects.filter(ticket__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("No complaint has the tracking code %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return list(found.values())


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    form = RequestForm
    list_display = (
        "id",
        "kind",
        "requester_name",
        "arrived_by",
        "received_at",
        "deadline",
        "status",
        "overdue",
        "handled_by",
    )
    list_filter = ("status", "kind", "arrived_by")
    search_fields = ("requester_name", "requester_email", "requester_phone", "=id")
    readonly_fields = ("deadline", "done_at")
    date_hierarchy = "received_at"
    actions = ["export_data", "erase_data"]

    class Media:
        css = {"all": ["privacy/admin.css"]}

    # --- who may use it: administrators and the data protection officer ---

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The register is evidence: its records go only when their retention ends.
        return False

    # --- overdue first ---

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataSubjectRequest]:
        # Annotated before ordering: the ordering names the annotation.
        return (
            DataSubjectRequest.objects.select_related("handled_by")
            .annotate(
                overdue_first=Case(
                    When(
                        deadline__lt=timezone.now(),
                        then=Value(0),
                        status__in=[s for s in RequestStatus if s not in FINISHED],
                    ),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request: HttpRequest) -> list[str | Combinable]:
        return ["overdue_first", "deadline"]

    @admin.display(description=gettext_lazy("overdue"), ordering="overdue_first")
    def overdue(self, obj: DataSubjectRequest) -> str:
        if obj.is_overdue():
            return format_html('<strong class="dsr-overdue">⚠ {}</strong>', _("Overdue"))
        if obj.answered_late():
            return format_html('<span class="dsr-late">{}</span>', _("Answered late"))
        return ""

    # --- saving: status changes are audit entries ---

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        if not change:
            services.register_request(obj, actor)
            return
        previous = DataSubjectRequest.objects.values_list("status", flat=True).get(pk=obj.pk)
        services.update_request(obj, actor, previous)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.complaints.set(form.cleaned_data["tickets"])

    # --- actions ---

    @admin.action(description=gettext_lazy("Export the personal data (JSON)"))
    def export_data(
        self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Choose one request to export."), messages.WARNING)
            return None
        dsr = queryset.get()
        data = services.export_for_request(dsr)
        services.record_export(dsr, data, request.user if isinstance(request.user, User) else None)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="permintaan-{dsr.pk}.json"'
        response["Cache-Control"] = "no-store, private"
        return response

    @admin.action(description=gettext_lazy("Erase the personal data"))
    def erase_data(
        self, request: HttpRequest, queryset: QuerySet[DataSubjectRequest]
    ) -> HttpResponse | None:
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/privacy/datasubjectrequest/confirm_erase.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Erase the personal data?"),
                    "requests": list(queryset.prefetch_related("complaints")),
                    "opts": self.model._meta,
                    "action_checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        actor = request.user if isinstance(request.user, User) else None
        for dsr in queryset.prefetch_related("complaints"):
            lookup = services.lookup_for_request(dsr)
            if not (lookup.tickets or lookup.emails or lookup.phones):
                self.message_user(
                    request,
                    _(
                        "Request #%(id)s names no complaint, e-mail address or phone number: "
                        "add them first."
                    )
                    % {"id": dsr.pk},
                    messages.WARNING,
                )
                continue
            report = services.erase_for_request(dsr, actor)
            self.message_user(
                request,
                _("Request #%(id)s: %(lines)s") % {"id": dsr.pk, "lines": " ".join(report.lines())},
                messages.SUCCESS,
            )
        return None

    # --- the record of processing ---

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "catatan-pemrosesan.csv",
                self.admin_site.admin_view(self.processing_csv),
                name="privacy_processing_csv",
            ),
            path(
                "catatan-pemrosesan.json",
                self.admin_site.admin_view(self.processing_json),
                name="privacy_processing_json",
            ),
        ]
        return extra + super().get_urls()

    def _refuse(self, request: HttpRequest) -> HttpResponse | None:
        if not _may_manage(request.user):
            return HttpResponse(status=403)
        return None

    def processing_csv(self, request: HttpRequest) -> HttpResponse:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        response = HttpResponse(processing.as_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="catatan-pemrosesan.csv"'
        return response

    def processing_json(self, request: HttpRequest) -> HttpResponse:
        refused = self._refuse(request)
        if refused is not None:
            return refused
        response = HttpResponse(
            json.dumps(processing.as_json(), ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="catatan-pemrosesan.json"'
        return response

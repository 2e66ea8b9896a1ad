from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseModelFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balaikota.core.changes import record_change, snapshot, stored_snapshot
from balaikota.core.models import AuditCheckpoint, AuditEntry, DayOff, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to administrators, changed only through the application's own steps (which
    record their events and audit entries)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin, its inlines included, is written to
    the audit log with who, when, and the values before and after."""

    def save_model(self, request: HttpRequest, obj: Any, form: BaseModelForm, change: bool) -> None:
        before = stored_snapshot(obj) if change else None
        super().save_model(request, obj, form, change)
        record_change(actor=_actor(request), instance=obj, before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before, pk = snapshot(obj), obj.pk
            super().delete_model(request, obj)
            record_change(
                actor=_actor(request), instance=obj, before=before, deleted=True, object_id=pk
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(
        self, request: HttpRequest, form: BaseModelForm, formset: Any, change: bool
    ) -> None:
        assert isinstance(formset, BaseModelFormSet)
        before: dict[int, tuple[Any, dict[str, Any] | None]] = {
            id(inline.instance): (inline.instance.pk, stored_snapshot(inline.instance))
            for inline in formset.forms
            if inline.instance.pk is not None
        }
        super().save_formset(request, form, formset, change)
        actor = _actor(request)
        for obj in formset.new_objects:
            record_change(actor=actor, instance=obj, before=None)
        for obj, _fields in formset.changed_objects:
            record_change(actor=actor, instance=obj, before=before[id(obj)][1])
        for obj in formset.deleted_objects:
            pk, snap = before[id(obj)]
            record_change(actor=actor, instance=obj, before=snap, deleted=True, object_id=pk)


@admin.register(User)
class BalaikotaUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ("username", "get_full_name", "role", "email", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("Balaikota"), {"fields": ("role", "phone")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Balaikota"), {"fields": ("role",)}),
    )


@admin.register(DayOff)
class DayOffAdmin(AuditedAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is never edited, not even by admins."""

    list_display = ("id", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor_label")


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    """Read-only: the published daily heads."""

    list_display = ("date", "entry_id", "entry_hash", "entry_count", "created_at")

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from balaikota.complaints.models import (
    Category,
    CategoryAttribute,
    Complaint,
    Event,
    RoutingExample,
    RoutingRule,
)
from balaikota.core.admin import AuditedAdmin


class RuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 1


class AttributeInline(admin.TabularInline):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = (
        "slug",
        "name",
        "name_en",
        "location_required",
        "dispose_days",
        "followup_days",
        "resolve_days",
        "is_active",
    )
    list_editable = ("is_active",)
    inlines = [RuleInline, AttributeInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ("category", "region", "agency")
    list_filter = ("agency",)


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = (
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "note",
        "agency",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the staff pages, which record events."""

    list_display = ("ticket", "status", "category", "agency", "region", "created_at", "due_at")
    list_filter = ("status", "category", "agency", "channel")
    search_fields = ("ticket",)
    inlines = [EventInline]
    list_select_related = ("category", "agency", "region")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoutingExample)
class RoutingExampleAdmin(admin.ModelAdmin):
    list_display = ("text", "category", "suggested", "created_by", "created_at")
    list_filter = ("category",)
    search_fields = ("text",)
    raw_id_fields = ("complaint",)

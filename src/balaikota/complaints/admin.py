from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from balaikota.complaints.models import (
    Category,
    CategoryAttribute,
    Complaint,
    Event,
    IdentityReveal,
    RoutingExample,
    RoutingModel,
    RoutingRule,
)
from balaikota.core.admin import AuditedAdmin, ReadOnlyAdmin


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
        "force_confidential",
        "requires_moderation",
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
class ComplaintAdmin(ReadOnlyAdmin):
    """Read-only here: every change goes through the staff pages, which record events."""

    list_display = ("ticket", "status", "category", "agency", "region", "created_at", "due_at")
    list_filter = ("status", "privacy", "published", "category", "agency", "channel")
    search_fields = ("ticket",)
    inlines = [EventInline]
    list_select_related = ("category", "agency", "region")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # Nobody in the city sees an anonymous reporter's identity, administrators included;
        # the data protection officer opens it on the staff page, for a recorded reason.
        hidden: tuple[str, ...] = ("reporter_key_hash", "submission_key", "submission_hash")
        if obj is not None and obj.hides_identity:
            hidden += ANONYMOUS_HIDDEN
        return hidden


# Every field that tells who an anonymous reporter is, and the original text that may name them.
ANONYMOUS_HIDDEN = (
    "reporter",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_nik",
    "text",
)


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin):
    """Who opened which anonymous reporter's identity, and why: read-only."""

    list_display = ("complaint", "user", "created_at")
    list_select_related = ("complaint", "user")
    search_fields = ("complaint__ticket",)
    readonly_fields = ("complaint", "user", "reason", "created_at")


@admin.register(RoutingExample)
class RoutingExampleAdmin(admin.ModelAdmin):
    list_display = ("text", "category", "suggested", "created_by", "created_at")
    list_filter = ("category",)
    search_fields = ("text",)
    raw_id_fields = ("complaint",)


@admin.register(RoutingModel)
class RoutingModelAdmin(ReadOnlyAdmin):
    """Retrained routing models and which one is in use: read-only (`balaikota train_router`
    and the weekly retraining put one in use only if it scores at least as well)."""

    list_display = ("version", "trained_at", "accuracy", "examples", "corrections", "in_use")
    readonly_fields = list_display

"""Read-only views of the performance auction for administrators: every change goes
through the pages or the API (and so through the services, their events and the audit).

The cascade (RPJMD, Renstra, programmes, activities and their budget) is planning data that
Bappeda enters here; every change to it is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from balaikota.core.admin import AuditedAdmin, ReadOnlyAdmin
from balaikota.performance.models import (
    Activity,
    ActivityBudget,
    Auction,
    CheckIn,
    Commitment,
    Event,
    Indicator,
    Offer,
    Programme,
    RenstraTarget,
    RpjmdGoal,
    RpjmdIndicator,
    RpjmdTarget,
    RpjmdYearTarget,
)


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    """An indicator is made and changed through the panel's pages; here only its place in
    the cascade (the RPJMD indicator it counts towards) is set."""

    list_display = ("name", "unit", "polarity", "method", "aggregation", "source", "is_key")
    list_filter = ("polarity", "source", "is_key")
    search_fields = ("name",)
    fields = (
        "name",
        "unit",
        "polarity",
        "method",
        "aggregation",
        "baseline_value",
        "baseline_year",
        "source",
        "mission",
        "goal",
        "is_key",
        "rpjmd_indicator",
    )
    readonly_fields = fields[:-1]
    autocomplete_fields = ("rpjmd_indicator",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Auction)
class AuctionAdmin(ReadOnlyAdmin):
    list_display = ("title", "year", "deadline", "state")


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("auction", "position", "official", "status", "revision")
    list_filter = ("status", "auction")
    list_select_related = ("auction", "position", "official")


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "agency", "official", "year", "status", "is_acting")
    list_filter = ("year", "status")
    list_select_related = ("indicator", "agency", "official")


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ("commitment", "quarter", "revision", "status", "actual", "achievement")
    list_filter = ("status", "quarter")
    list_select_related = ("commitment__indicator", "commitment__position")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject", "subject_id", "action", "from_status", "to_status")
    list_filter = ("subject", "action")


# --- The cascade ----------------------------------------------------------------------------


class RpjmdTargetInline(admin.TabularInline):
    model = RpjmdTarget
    extra = 0


@admin.register(RpjmdGoal)
class RpjmdGoalAdmin(AuditedAdmin):
    list_display = ("code", "name", "mission", "period_start", "period_end")
    list_filter = ("period_start",)
    search_fields = ("name", "mission")
    inlines = [RpjmdTargetInline]


@admin.register(RpjmdTarget)
class RpjmdTargetAdmin(AuditedAdmin):
    list_display = ("code", "name", "goal")
    list_select_related = ("goal",)
    search_fields = ("code", "name")


class RpjmdYearTargetInline(admin.TabularInline):
    model = RpjmdYearTarget
    extra = 0


@admin.register(RpjmdIndicator)
class RpjmdIndicatorAdmin(AuditedAdmin):
    list_display = ("name", "unit", "target", "baseline_value", "end_target")
    list_select_related = ("target",)
    search_fields = ("name",)
    inlines = [RpjmdYearTargetInline]


@admin.register(RenstraTarget)
class RenstraTargetAdmin(AuditedAdmin):
    list_display = ("code", "name", "agency", "rpjmd_target")
    list_filter = ("agency",)
    list_select_related = ("agency", "rpjmd_target")
    search_fields = ("code", "name")
    filter_horizontal = ("indicators",)


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ("code", "name", "renstra_target")
    list_filter = ("renstra_target__agency",)
    list_select_related = ("renstra_target",)
    search_fields = ("code", "name")
    inlines = [ActivityInline]


class ActivityBudgetInline(admin.TabularInline):
    model = ActivityBudget
    extra = 0


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    list_display = ("code", "name", "programme")
    list_filter = ("programme__renstra_target__agency",)
    list_select_related = ("programme",)
    search_fields = ("code", "name")
    inlines = [ActivityBudgetInline]

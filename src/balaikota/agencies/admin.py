from django.contrib import admin

from balaikota.agencies.models import Agency, Assignment, Membership, Official, Position, Team
from balaikota.core.admin import AuditedAdmin


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "is_field_officer", "team")


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("short_name", "code", "kind", "parent", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    inlines = [PositionInline, TeamInline, MembershipInline]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "agency", "is_active")
    list_filter = ("is_active", "agency")
    search_fields = ("name", "agency__short_name")


@admin.register(Official)
class OfficialAdmin(AuditedAdmin):
    list_display = ("name", "nip", "user")
    search_fields = ("name", "nip")


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("official", "position", "starts_at", "ends_at", "is_acting")
    list_filter = ("is_acting",)

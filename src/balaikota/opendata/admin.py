from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from balaikota.opendata.models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "region", "radius_m", "created_at", "confirmed_at", "ended_at")
    list_filter = ("confirmed_at", "ended_at")
    search_fields = ("email",)
    readonly_fields = ("token", "created_at", "confirmed_at", "ended_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A citizen subscribes and confirms by e-mail; an admin does not do it for them.
        return False

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balaikota.notifications.models import DeliveryStatus, Notice, OutboxMessage


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "event", "address", "status", "attempts", "next_attempt_at")
    list_filter = ("channel", "status", "event")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "secret"]
    exclude = ("secret",)
    actions = ["send_again"]

    @admin.action(description=_("Send again now"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        queryset.update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "created_at", "read_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

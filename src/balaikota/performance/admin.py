"""Read-only views of the performance auction for administrators: every change goes
through the pages or the API (and so through the services, their events and the audit)."""

from __future__ import annotations

from django.contrib import admin

from balaikota.core.admin import ReadOnlyAdmin
from balaikota.performance.models import Auction, CheckIn, Commitment, Event, Indicator, Offer


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "polarity", "method", "aggregation", "source", "is_key")
    list_filter = ("polarity", "source", "is_key")
    search_fields = ("name",)


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

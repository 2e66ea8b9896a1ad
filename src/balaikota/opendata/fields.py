"""The open-data export's columns: name, type and meaning (the data dictionary), and how
each is read from a published complaint's public version. No personal data: no name,
phone, e-mail, NIK or account, and the public text instead of the original.

Every figure on the public dashboard can be recomputed from these columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from balaikota.complaints.models import Complaint
from balaikota.core.workdays import working_days_between
from balaikota.open311.georeport import open311_status


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, integer, decimal, datetime, boolean, url
    meaning: Promise
    read: Callable[[Complaint, Context], Any]


@dataclass(frozen=True)
class Context:
    days_off: frozenset[dt.date]
    site_url: str
    media_url: str
    track_url: str  # with {ticket} in place of the code


def _time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _within(done: dt.datetime | None, due: dt.datetime | None) -> bool | None:
    if done is None or due is None:
        return None
    return done <= due


def _days(start: dt.datetime | None, end: dt.datetime | None, ctx: Context) -> int | None:
    if start is None or end is None:
        return None
    return working_days_between(start, end, ctx.days_off)


def _district(c: Complaint) -> Any:
    return c.region.parent if c.region else None


def _photo(c: Complaint, ctx: Context) -> str:
    name = getattr(c, "first_photo", None)
    if not name:
        return ""
    url = default_storage.url(name)
    return url if "://" in url else ctx.site_url + url


COLUMNS: tuple[Column, ...] = (
    Column("ticket", "text", _("Tracking code of the complaint."), lambda c, x: c.ticket),
    Column(
        "created_at",
        "datetime",
        _("When it was submitted (Asia/Jakarta, ISO 8601)."),
        lambda c, x: _time(c.created_at),
    ),
    Column(
        "category",
        "text",
        _("Category code (Open311 service_code)."),
        lambda c, x: c.category.slug if c.category else "",
    ),
    Column(
        "category_name",
        "text",
        _("Category name in Indonesian."),
        lambda c, x: c.category.name if c.category else "",
    ),
    Column(
        "agency",
        "text",
        _("Code of the agency handling it; empty while unrouted."),
        lambda c, x: c.agency.code if c.agency else "",
    ),
    Column(
        "agency_name",
        "text",
        _("Name of that agency."),
        lambda c, x: c.agency.name if c.agency else "",
    ),
    Column(
        "kecamatan_code",
        "text",
        _("Kemendagri code of the kecamatan."),
        lambda c, x: d.code if (d := _district(c)) else "",
    ),
    Column(
        "kecamatan",
        "text",
        _("Name of the kecamatan."),
        lambda c, x: d.name if (d := _district(c)) else "",
    ),
    Column(
        "kelurahan_code",
        "text",
        _("Kemendagri code of the kelurahan."),
        lambda c, x: c.region.code if c.region else "",
    ),
    Column(
        "kelurahan",
        "text",
        _("Name of the kelurahan."),
        lambda c, x: c.region.name if c.region else "",
    ),
    Column(
        "lat", "decimal", _("Latitude (WGS84)."), lambda c, x: c.lat if c.lat is not None else ""
    ),
    Column(
        "lon", "decimal", _("Longitude (WGS84)."), lambda c, x: c.lon if c.lon is not None else ""
    ),
    Column(
        "status",
        "text",
        _(
            "Status: submitted, verified, assigned, in_progress, waiting (for the reporter's "
            "information), resolved, closed, reopened, rejected or duplicate."
        ),
        lambda c, x: c.status,
    ),
    Column(
        "open311_status",
        "text",
        _("open or closed, as Open311 reports it (resolved counts as closed)."),
        lambda c, x: open311_status(c.status),
    ),
    Column(
        "channel",
        "text",
        _("How it arrived: web, api, operator, open311, sms or whatsapp."),
        lambda c, x: c.channel,
    ),
    Column(
        "description",
        "text",
        _(
            "The complaint's text as the public reads it: personal data in it (phone "
            "numbers, e-mail addresses, NIK, plates, names) replaced by “[disamarkan]”."
        ),
        lambda c, x: c.public_text,
    ),
    Column(
        "assigned_at",
        "datetime",
        _("When it was last sent to an agency."),
        lambda c, x: _time(c.assigned_at),
    ),
    Column(
        "followed_up_at",
        "datetime",
        _("When the agency accepted it (the follow-up)."),
        lambda c, x: _time(c.followed_up_at),
    ),
    Column(
        "resolved_at",
        "datetime",
        _("When the agency resolved it."),
        lambda c, x: _time(c.resolved_at),
    ),
    Column("closed_at", "datetime", _("When it was closed."), lambda c, x: _time(c.closed_at)),
    Column(
        "followup_due",
        "datetime",
        _("The agency's follow-up deadline (working days)."),
        lambda c, x: _time(c.followup_due),
    ),
    Column(
        "resolve_due",
        "datetime",
        _("The deadline to resolve (working days)."),
        lambda c, x: _time(c.resolve_due),
    ),
    Column(
        "clock_paused",
        "boolean",
        _(
            "The deadline clock stands still: the city waits for the reporter's information "
            "or the complaint is with another system. Nothing is overdue while it does; when "
            "it runs again, the deadlines still ahead at the pause move later by the working "
            "days it stood still, and followup_due and resolve_due show the moved dates."
        ),
        lambda c, x: c.clock_paused_at is not None,
    ),
    Column(
        "clock_paused_since",
        "datetime",
        _("When the deadline clock stopped; empty while it runs."),
        lambda c, x: _time(c.clock_paused_at),
    ),
    Column(
        "followed_up_within_deadline",
        "boolean",
        _("followed_up_at <= followup_due; empty when either is missing."),
        lambda c, x: _within(c.followed_up_at, c.followup_due),
    ),
    Column(
        "resolved_within_deadline",
        "boolean",
        _("resolved_at <= resolve_due; empty when either is missing."),
        lambda c, x: _within(c.resolved_at, c.resolve_due),
    ),
    Column(
        "working_days_to_follow_up",
        "integer",
        _("Working days from assigned_at to followed_up_at."),
        lambda c, x: _days(c.assigned_at, c.followed_up_at, x),
    ),
    Column(
        "working_days_to_resolve",
        "integer",
        _("Working days from assigned_at to resolved_at."),
        lambda c, x: _days(c.assigned_at, c.resolved_at, x),
    ),
    Column(
        "rating",
        "integer",
        _("The citizen's rating of the result, 1 to 5."),
        lambda c, x: c.rating if c.rating is not None else "",
    ),
    Column("supporters", "integer", _("Citizens who said “saya juga”."), lambda c, x: c.supporters),
    Column("photo_url", "url", _("The first photo, without metadata."), _photo),
    Column(
        "tracking_url",
        "url",
        _("The public tracking page, with every photo and step."),
        lambda c, x: x.track_url.format(ticket=c.ticket),
    ),
)

NAMES = [column.name for column in COLUMNS]


def context(days_off: Iterable[dt.date]) -> Context:
    track = reverse("complaints:track", args=["TICKET"]).replace("TICKET", "{ticket}")
    return Context(
        frozenset(days_off), settings.SITE_URL, settings.MEDIA_URL, settings.SITE_URL + track
    )


def row(complaint: Complaint, ctx: Context) -> list[Any]:
    return [column.read(complaint, ctx) for column in COLUMNS]

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str


class LocationOut(Schema):
    lat: float | None
    lon: float | None
    source: str | None


class ComplaintCreated(Schema):
    ticket: str
    status: str
    category: str | None
    agency: str | None
    region: RegionOut | None
    location: LocationOut
    # public, anonymous or confidential: the category may have made it stricter.
    privacy: str


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    status: str
    note: str
    agency: str | None
    photo: str | None


class PhotoOut(Schema):
    kind: str
    url: str | None
    thumbnail: str | None


class ComplaintPublic(Schema):
    """The public version of a published complaint (for its reporter, all of it)."""

    ticket: str
    status: str
    status_label: str
    published: bool
    # Personal data in it hidden as "[disamarkan]"; the reporter reads their own words.
    text: str
    # A moderator edited what the public sees ("Disunting oleh moderator").
    moderated: bool
    category: str | None
    agency: str | None
    agency_name: str | None
    region: RegionOut | None
    district: RegionOut | None
    location: LocationOut
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    rating: int | None
    supporters: int
    photos: list[PhotoOut]
    events: list[EventOut]


class ComplaintRestricted(Schema):
    """All the public may know of a complaint that is not published: confidential, withheld
    by a moderator, or waiting for moderation."""

    ticket: str
    status: str
    status_label: str
    published: bool = False
    agency: str | None
    agency_name: str | None
    due_at: datetime | None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class CategoryOut(Schema):
    slug: str
    name: str
    name_en: str
    description: str
    location_required: bool


class LocateOut(Schema):
    inside: bool
    match: str
    region: RegionOut | None
    district: RegionOut | None
    message: str

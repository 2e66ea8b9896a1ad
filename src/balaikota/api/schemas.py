"""The API's shapes, and the constraints its inputs are held to.

The complaint form's fields are checked by the intake service (so that a citizen sees every
problem at once, as a 400 naming each field); the schemas below declare those same rules in
the OpenAPI document, so that what the document calls valid is what the code accepts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, File, Form, Schema
from pydantic import WithJsonSchema

from balaikota.complaints.intake import MAX_PHOTOS, MAX_TEXT, MIN_TEXT


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
    # The reporter's private link (tracking page with their key): to see all of their
    # complaint, confirm, rate or reopen it. Given only in this answer: pass it to the
    # reporter and keep it secret. None for a repeated request without an Idempotency-Key.
    private_url: str | None = None


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


# --- Query parameters --------------------------------------------------------------------


class SimilarQuery(Schema):
    # Empty: nearby complaints of every category (the pin is placed, no category chosen yet).
    category: str = Field("", max_length=40)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    text: str = Field("", max_length=MAX_TEXT)


class LocateQuery(Schema):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


# --- The complaint form: what intake accepts, for the document ------------------------------
# Each is a form field (with its default) whose documented schema replaces the one of its
# Python type: intake reads the strings and checks them itself, to name every problem in
# one 400, and the document says what it accepts.


def _declared(schema: dict[str, Any], *, nullable: bool = True) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [schema, {"type": "null"}]} if nullable else schema)


# Measured after control characters and surrounding space are removed: at least MIN_TEXT
# characters from the first to the last that is not a space.
_TEXT = {
    "type": "string",
    "minLength": MIN_TEXT,
    "maxLength": MAX_TEXT,
    "pattern": rf"\S[\s\S]{{{MIN_TEXT - 2},}}\S",
}
Text = Annotated[str, _declared(_TEXT, nullable=False), Form(...)]
CategorySlug = Annotated[str | None, _declared({"type": "string", "maxLength": 40}), Form(None)]
Latitude = Annotated[
    str | None, _declared({"type": "number", "minimum": -90, "maximum": 90}), Form(None)
]
Longitude = Annotated[
    str | None, _declared({"type": "number", "minimum": -180, "maximum": 180}), Form(None)
]
Nik = Annotated[
    str | None, _declared({"type": "string", "pattern": r"^\s*([0-9]{16})?\s*$"}), Form(None)
]
# At least eight digits (spaces, dashes and brackets are dropped).
Phone = Annotated[
    str | None,
    _declared({"type": "string", "pattern": r"^\s*$|([^0-9]*[0-9]){8}"}),
    Form(None),
]
Email = Annotated[
    str | None,
    _declared({"type": "string", "format": "email", "maxLength": 254}),
    Form(None),
]
# A module-level default: django-ninja reads a list of files from the field's own type.
PHOTOS = File(None, max_length=MAX_PHOTOS)

"""What makes the public answers of Open311 and /api/v1 (built from `publication`'s public
version) out of date: every saved or deleted complaint, photo, event, category, question,
routing rule, agency or region. Each starts a new public generation once its transaction
commits (`core.answercache`), so a cached list never shows what was changed or withdrawn.
The services' own generation moves only with the catalogue (categories, questions, routing
rules, agencies): a busy hour of reports leaves services.json as it is.

Writes that bypass the ORM's signals (`QuerySet.update`) call `changed()` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from balaikota.agencies.models import Agency
from balaikota.complaints.models import (
    Category,
    CategoryAttribute,
    Complaint,
    Event,
    Photo,
    RoutingRule,
)
from balaikota.core.answercache import CATALOGUE, PUBLIC
from balaikota.regions.models import Region

FOLLOWED: tuple[type[models.Model], ...] = (Complaint, Photo, Event, Region)
# The services' catalogue (services.json); complaints show these names too.
CATALOGUE_MODELS: tuple[type[models.Model], ...] = (
    Category,
    CategoryAttribute,
    RoutingRule,
    Agency,
)


def changed() -> None:
    """Something public changed in the current transaction (or just now, outside one)."""
    PUBLIC.change_on_commit()


def _saved_or_deleted(**kwargs: Any) -> None:
    if not kwargs.get("raw"):  # fixtures loading: nothing is served from them yet
        changed()


def _catalogue_changed(**kwargs: Any) -> None:
    if not kwargs.get("raw"):
        CATALOGUE.change_on_commit()
        changed()


def connect() -> None:
    for model in FOLLOWED:
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"public:{model}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"public-d:{model}")
    for model in CATALOGUE_MODELS:
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"catalogue:{model}")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"catalogue-d:{model}")

"""What makes the public answers of Open311 and /api/v1 (built from `publication`'s public
version) out of date: every saved or deleted complaint, photo, event, category, question,
routing rule, agency or region. Each starts a new public generation once its transaction
commits (`core.answercache`), so a cached list never shows what was changed or withdrawn.

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
from balaikota.core.answercache import PUBLIC
from balaikota.regions.models import Region

FOLLOWED: tuple[type[models.Model], ...] = (
    Complaint,
    Photo,
    Event,
    Category,
    CategoryAttribute,
    RoutingRule,
    Agency,
    Region,
)


def changed() -> None:
    """Something public changed in the current transaction (or just now, outside one)."""
    PUBLIC.change_on_commit()


def _saved_or_deleted(**kwargs: Any) -> None:
    if not kwargs.get("raw"):  # fixtures loading: nothing is served from them yet
        changed()


def connect() -> None:
    for model in FOLLOWED:
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"public:{model}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"public-del:{model}")

"""Audit entries for changes to configuration and people: agencies, categories, routing
rules, users' roles, days off. The Django admin writes them through `AuditedAdmin`."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models

from balaikota.core import audit
from balaikota.core.models import AuditEntry, Role, User

# Never copied into the record: secrets, and what changes on every log-in.
_SECRET_WORDS = ("password", "secret")
_SKIPPED = {"last_login", "updated_at", "geometry"}
# Personal data: the record is kept for ever, so it says that such a field changed, never
# what it held (a citizen's user name too: it is often their e-mail address or number).
_PERSONAL = frozenset(
    {
        "first_name",
        "last_name",
        "email",
        "phone",
        "reporter_name",
        "reporter_phone",
        "reporter_email",
        "reporter_nik",
        "requester_name",
        "requester_email",
        "requester_phone",
        "requester_address",
    }
)
HIDDEN = "[disamarkan]"


def _hidden(values: dict[str, Any] | None, citizen: bool) -> dict[str, Any] | None:
    if values is None:
        return None
    personal = _PERSONAL | {"username"} if citizen else _PERSONAL
    return {
        key: (HIDDEN if value else value) if key in personal else value
        for key, value in values.items()
    }


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's own fields as the record keeps them (foreign keys as ids; secrets as
    a short fingerprint, so a change shows without the secret itself)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIPPED or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if any(word in field.name for word in _SECRET_WORDS):
            value = hashlib.sha256(str(value).encode()).hexdigest()[:12] if value else ""
        values[field.attname] = value
    return values


def stored_snapshot(instance: models.Model) -> dict[str, Any] | None:
    """The snapshot of the row as it is in the database now (before a form changes it)."""
    if instance.pk is None:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return snapshot(stored) if stored is not None else None


def record_change(
    *,
    actor: User | None,
    instance: models.Model,
    before: dict[str, Any] | None,
    deleted: bool = False,
    object_id: Any = None,
) -> AuditEntry | None:
    """Append the change of one row; nothing when nothing changed. Inside the transaction."""
    after = None if deleted else snapshot(instance)
    if before == after:
        return None
    verb = "delete" if deleted else ("create" if before is None else "change")
    if before is not None and after is not None:
        # Only what changed, on both sides: the record reads as a diff.
        changed = {key for key in after if before.get(key) != after[key]}
        before = {key: before.get(key) for key in sorted(changed)}
        after = {key: after[key] for key in sorted(changed)}
    meta = instance._meta
    citizen = Role.CITIZEN in {getattr(instance, "role", None), (before or {}).get("role")}
    return audit.record(
        actor=actor,
        action=f"{meta.model_name}.{verb}",
        object_type=meta.label_lower,
        object_id=object_id if object_id is not None else instance.pk,
        before=_hidden(before, citizen),
        after=_hidden(after, citizen),
    )

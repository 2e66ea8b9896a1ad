"""Planned work: made from a hotspot by the staff of its agency, then moved through its
statuses. Each step in one transaction, with a `WorkEvent` and an audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from balaikota.agencies.models import Membership
from balaikota.core import audit, roles
from balaikota.core.models import User
from balaikota.hotspots import lifecycle
from balaikota.hotspots.models import UNFINISHED, Hotspot, PlannedWork, WorkEvent, WorkStatus


class NotAllowed(Exception):
    """The user may not do this; the message says why, for them."""


class StepRefused(Exception):
    """The step does not apply now (e.g. a finished work); the message says why."""


def may_plan(user: User, hotspot: Hotspot) -> bool:
    """Only staff of the agency that handles the hotspot's category and place."""
    return (
        roles.is_agency_member(user)
        and hotspot.agency_id is not None
        and Membership.objects.filter(user=user, agency_id=hotspot.agency_id).exists()
    )


def may_change(user: User, work: PlannedWork) -> bool:
    return roles.is_agency_member(user) and (
        Membership.objects.filter(user=user, agency_id=work.agency_id).exists()
    )


@dataclass(frozen=True)
class WorkInput:
    title: str
    description: str
    planned_start: dt.date
    planned_end: dt.date
    budget: Decimal | None = None


def _record(
    work: PlannedWork, actor: User, action: str, from_status: str, to_status: str, note: str
) -> WorkEvent:
    event = WorkEvent.objects.create(
        work=work,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    audit.record(
        actor=actor,
        action=f"hotspots.work.{action}",
        object_type="hotspots.plannedwork",
        object_id=work.pk,
        before={"status": from_status} if from_status else None,
        after={"status": to_status, "note": note, "event": event.pk},
    )
    return event


def create_work(hotspot: Hotspot, actor: User, data: WorkInput) -> PlannedWork:
    """A planned work for the hotspot, status planned; refused while another is unfinished."""
    if not may_plan(actor, hotspot) or hotspot.agency_id is None:
        raise NotAllowed(_("Only staff of the agency responsible for this hotspot may plan work."))
    if data.planned_end < data.planned_start:
        raise StepRefused(_("The planned end cannot be before the planned start."))
    try:
        with transaction.atomic():
            if hotspot.works.filter(status__in=UNFINISHED).exists():
                raise StepRefused(_("This hotspot already has planned work that is not finished."))
            work = PlannedWork.objects.create(
                hotspot=hotspot,
                agency_id=hotspot.agency_id,
                title=data.title,
                description=data.description,
                planned_start=data.planned_start,
                planned_end=data.planned_end,
                budget=data.budget,
                created_by=actor,
            )
            _record(work, actor, lifecycle.CREATE, "", WorkStatus.PLANNED, data.title)
    except IntegrityError as exc:  # another officer planned it at the same moment
        raise StepRefused(_("This hotspot already has planned work that is not finished.")) from exc
    return work


@transaction.atomic
def change_status(work: PlannedWork, actor: User, status: str, note: str = "") -> PlannedWork:
    if not may_change(actor, work):
        raise NotAllowed(_("Only staff of the agency responsible for this work may change it."))
    locked = PlannedWork.objects.select_for_update().get(pk=work.pk)
    if not lifecycle.may_move(locked.status, status):
        raise StepRefused(
            _("Work that is “%(current)s” cannot become “%(wanted)s”.")
            % {
                "current": WorkStatus(locked.status).label,
                "wanted": WorkStatus(status).label if status in WorkStatus.values else status,
            }
        )
    before = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    _record(locked, actor, lifecycle.CHANGE, before, status, note)
    return locked

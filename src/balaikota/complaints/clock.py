"""The deadline clock stands still while the city waits on someone else, as SP4N-LAPOR!'s
does: the reporter asked for information, or the complaint forwarded to another system.

`pause()` records when it stopped; `resume()` moves every deadline still ahead at the pause
later by the working days it stood still (the day it stopped counts as worked, the day it
resumes as paused, as a deadline's first day and last day do); `end()` clears a pause that
no deadline outlives (the complaint closed, or went to new hands with fresh deadlines).
Each is audited. Called inside the services' transactions, on a locked complaint.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from balaikota.complaints import deadlines
from balaikota.complaints.models import ClockPause, Complaint
from balaikota.core import audit
from balaikota.core.models import User

DEADLINES = ("due_at", "dispose_due", "followup_due", "resolve_due")


def pause(complaint: Complaint, reason: ClockPause, *, user: User | None = None) -> bool:
    """Stop the clock; False when it already stood still (the first pause keeps counting)."""
    if complaint.clock_paused_at is not None:
        return False
    complaint.clock_paused_at = timezone.now()
    complaint.clock_pause_reason = reason
    complaint.save(update_fields=["clock_paused_at", "clock_pause_reason", "updated_at"])
    audit.record(
        actor=user,
        action="complaint.clock_paused",
        object_type="complaint",
        object_id=complaint.ticket,
        after={"reason": str(reason), "since": complaint.clock_paused_at.isoformat()},
    )
    return True


def shifted(
    values: dict[str, dt.datetime | None], paused_at: dt.datetime, days: int
) -> dict[str, dt.datetime]:
    """The deadlines among `values` that were still ahead when the clock stopped, moved
    `days` working days later."""
    return {
        name: deadlines.shift(value, days)
        for name, value in values.items()
        if value is not None and value > paused_at
    }


def resume(
    complaint: Complaint, *, user: User | None = None, now: dt.datetime | None = None
) -> int:
    """Start the clock again; returns the working days the deadlines moved (0 when it was
    not paused)."""
    paused_at = complaint.clock_paused_at
    if paused_at is None:
        return 0
    days = deadlines.working_days_passed(paused_at, now or timezone.now())
    moved = shifted({name: getattr(complaint, name) for name in DEADLINES}, paused_at, days)
    before = {name: _iso(getattr(complaint, name)) for name in moved}
    for name, value in moved.items():
        setattr(complaint, name, value)
    reason = complaint.clock_pause_reason
    _clear(complaint, list(moved))
    audit.record(
        actor=user,
        action="complaint.clock_resumed",
        object_type="complaint",
        object_id=complaint.ticket,
        before=before | {"since": paused_at.isoformat(), "reason": reason},
        after={name: _iso(value) for name, value in moved.items()} | {"working_days": days},
    )
    return days


def end(complaint: Complaint, *, user: User | None = None) -> None:
    """Clear a pause without moving anything: no deadline of the paused kind is left."""
    if complaint.clock_paused_at is None:
        return
    paused_at, reason = complaint.clock_paused_at, complaint.clock_pause_reason
    _clear(complaint, [])
    audit.record(
        actor=user,
        action="complaint.clock_ended",
        object_type="complaint",
        object_id=complaint.ticket,
        before={"since": paused_at.isoformat(), "reason": reason},
    )


def _clear(complaint: Complaint, moved: list[str]) -> None:
    complaint.clock_paused_at = None
    complaint.clock_pause_reason = ""
    complaint.save(update_fields=["clock_paused_at", "clock_pause_reason", "updated_at", *moved])


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None

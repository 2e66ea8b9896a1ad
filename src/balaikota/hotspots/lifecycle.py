"""Which status a planned work may move to, and the audit replay of its steps."""

from __future__ import annotations

from balaikota.core.replay import StatusEventReplayer
from balaikota.hotspots.models import PlannedWork, WorkEvent, WorkStatus

CREATE = "create"
CHANGE = "change_status"

NEXT: dict[str, frozenset[str]] = {
    WorkStatus.PLANNED: frozenset({WorkStatus.IN_PROGRESS, WorkStatus.CANCELLED}),
    WorkStatus.IN_PROGRESS: frozenset({WorkStatus.DONE, WorkStatus.CANCELLED}),
    WorkStatus.DONE: frozenset(),
    WorkStatus.CANCELLED: frozenset(),
}


def may_move(current: str, wanted: str) -> bool:
    return wanted in NEXT.get(current, frozenset())


def _allowed(action: str, start: str, end: str) -> bool:
    if action == CREATE:
        return start == "" and end == WorkStatus.PLANNED
    return action == CHANGE and may_move(start, end)


def replayer() -> StatusEventReplayer:
    return StatusEventReplayer(
        name="planned work",
        model=PlannedWork,
        event_model=WorkEvent,
        object_field="work",
        allowed=_allowed,
    )

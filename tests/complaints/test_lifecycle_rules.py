"""The lifecycle table on its own: every allowed transition and the forbidden ones."""

from __future__ import annotations

import pytest

from balaikota.complaints.lifecycle import Action, Actor, TransitionNotAllowed, check
from balaikota.complaints.models import Status

ALLOWED = [
    (Action.VERIFY, Status.SUBMITTED, Actor.OPERATOR, Status.VERIFIED),
    (Action.ASSIGN, Status.SUBMITTED, Actor.SYSTEM, Status.ASSIGNED),
    (Action.ASSIGN, Status.VERIFIED, Actor.OPERATOR, Status.ASSIGNED),
    (Action.ASSIGN, Status.REOPENED, Actor.SYSTEM, Status.ASSIGNED),
    (Action.ASSIGN, Status.IN_PROGRESS, Actor.OPERATOR, Status.ASSIGNED),
    (Action.REJECT, Status.VERIFIED, Actor.OPERATOR, Status.REJECTED),
    (Action.MARK_DUPLICATE, Status.SUBMITTED, Actor.OPERATOR, Status.DUPLICATE),
    (Action.MARK_DUPLICATE, Status.ASSIGNED, Actor.OPERATOR, Status.DUPLICATE),
    (Action.ACCEPT, Status.ASSIGNED, Actor.AGENCY, Status.IN_PROGRESS),
    (Action.NOTE, Status.IN_PROGRESS, Actor.AGENCY, Status.IN_PROGRESS),
    (Action.RETURN, Status.ASSIGNED, Actor.AGENCY, Status.VERIFIED),
    (Action.RETURN, Status.IN_PROGRESS, Actor.AGENCY, Status.VERIFIED),
    (Action.RESOLVE, Status.IN_PROGRESS, Actor.AGENCY, Status.RESOLVED),
    (Action.CONFIRM, Status.RESOLVED, Actor.REPORTER, Status.CLOSED),
    (Action.CONFIRM, Status.RESOLVED, Actor.SYSTEM, Status.CLOSED),
    (Action.REOPEN, Status.RESOLVED, Actor.REPORTER, Status.REOPENED),
    (Action.CORRECT, Status.ASSIGNED, Actor.OPERATOR, Status.ASSIGNED),
]


@pytest.mark.parametrize(("action", "source", "actor", "target"), ALLOWED)
def test_allowed_transition(action: Action, source: Status, actor: Actor, target: Status) -> None:
    assert check(action, source, actor, note="a reason") == target


FORBIDDEN_STATUS = [
    (Action.RESOLVE, Status.ASSIGNED, Actor.AGENCY),  # must be accepted first
    (Action.RESOLVE, Status.SUBMITTED, Actor.AGENCY),
    (Action.ACCEPT, Status.SUBMITTED, Actor.AGENCY),
    (Action.CONFIRM, Status.IN_PROGRESS, Actor.REPORTER),
    (Action.REOPEN, Status.CLOSED, Actor.REPORTER),
    (Action.REJECT, Status.IN_PROGRESS, Actor.OPERATOR),
    (Action.VERIFY, Status.CLOSED, Actor.OPERATOR),
    (Action.ASSIGN, Status.CLOSED, Actor.OPERATOR),
    (Action.ASSIGN, Status.REJECTED, Actor.OPERATOR),
    (Action.MARK_DUPLICATE, Status.RESOLVED, Actor.OPERATOR),
    (Action.CORRECT, Status.CLOSED, Actor.OPERATOR),
]


@pytest.mark.parametrize(("action", "source", "actor"), FORBIDDEN_STATUS)
def test_forbidden_from_this_status(action: Action, source: Status, actor: Actor) -> None:
    with pytest.raises(TransitionNotAllowed, match="cannot be done while"):
        check(action, source, actor, note="a reason")


FORBIDDEN_ACTOR = [
    (Action.VERIFY, Status.SUBMITTED, Actor.AGENCY),
    (Action.ASSIGN, Status.VERIFIED, Actor.AGENCY),
    (Action.RESOLVE, Status.IN_PROGRESS, Actor.OPERATOR),
    (Action.ACCEPT, Status.ASSIGNED, Actor.OPERATOR),
    (Action.CONFIRM, Status.RESOLVED, Actor.AGENCY),
    (Action.REOPEN, Status.RESOLVED, Actor.OPERATOR),
    (Action.REJECT, Status.SUBMITTED, Actor.REPORTER),
]


@pytest.mark.parametrize(("action", "source", "actor"), FORBIDDEN_ACTOR)
def test_forbidden_for_this_actor(action: Action, source: Status, actor: Actor) -> None:
    with pytest.raises(TransitionNotAllowed, match="may not"):
        check(action, source, actor, note="a reason")


@pytest.mark.parametrize(
    ("action", "source", "actor"),
    [
        (Action.REJECT, Status.SUBMITTED, Actor.OPERATOR),
        (Action.RETURN, Status.ASSIGNED, Actor.AGENCY),
        (Action.REOPEN, Status.RESOLVED, Actor.REPORTER),
    ],
)
def test_a_reason_is_required(action: Action, source: Status, actor: Actor) -> None:
    with pytest.raises(TransitionNotAllowed, match="reason"):
        check(action, source, actor, note="   ")

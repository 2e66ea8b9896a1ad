"""The complaint lifecycle as data: which action moves which status to which, and who may.

submitted -> verified -> assigned -> in_progress -> resolved -> closed, with rejected and
duplicate as other ends and resolved -> reopened -> assigned when the citizen says it is
not fixed. The agency (while it holds the complaint) or the operator (in triage) may ask the
reporter for information: waiting, until the reporter answers (back to the status it was
asked in), the asker goes on without the answer, or a periodic job closes it unanswered.
Pure: no database, so the whole table is tested on its own.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from balaikota.complaints.models import Status


class Actor(enum.StrEnum):
    SYSTEM = "system"
    OPERATOR = "operator"
    AGENCY = "agency"
    REPORTER = "reporter"


class Action(enum.StrEnum):
    SUBMIT = "submit"
    VERIFY = "verify"
    ASSIGN = "assign"
    CORRECT = "correct"
    REJECT = "reject"
    MARK_DUPLICATE = "duplicate"
    ACCEPT = "accept"
    NOTE = "note"
    RETURN = "return"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    ESCALATE = "escalate"
    FORWARD = "forward"
    # The system it was forwarded to closed it, or opened it again (`open311.forwarding`).
    RESOLVE_REMOTE = "resolve_remote"
    REOPEN_REMOTE = "reopen_remote"
    # New boundaries put its place in another kelurahan (or in none).
    RELOCATE = "relocate"
    MODERATE = "moderate"
    CHANGE_PRIVACY = "privacy"
    ASK = "ask"
    ANSWER = "answer"
    RESUME = "resume"
    CLOSE_UNANSWERED = "close_unanswered"
    DISPATCH = "dispatch"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: the status stays as it is
    actors: frozenset[Actor]
    needs_note: bool = False
    # Where one actor may act from, when narrower than `sources`.
    narrower: Mapping[Actor, frozenset[Status]] | None = None

    def sources_for(self, actor: Actor) -> frozenset[Status]:
        return (self.narrower or {}).get(actor, self.sources)


_TRIAGE = frozenset({Status.SUBMITTED, Status.VERIFIED, Status.REOPENED})
TRIAGE_STATUSES = _TRIAGE  # with the operator, before any agency
_WITH_AGENCY = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
_OPEN = _TRIAGE | _WITH_AGENCY

RULES: dict[Action, Rule] = {
    Action.VERIFY: Rule(
        frozenset({Status.SUBMITTED}), Status.VERIFIED, frozenset({Actor.OPERATOR})
    ),
    # From the agency's hands too: an operator can always move a complaint elsewhere.
    Action.ASSIGN: Rule(_OPEN, Status.ASSIGNED, frozenset({Actor.OPERATOR, Actor.SYSTEM})),
    Action.CORRECT: Rule(_OPEN, None, frozenset({Actor.OPERATOR})),
    Action.REJECT: Rule(
        frozenset({Status.SUBMITTED, Status.VERIFIED}),
        Status.REJECTED,
        frozenset({Actor.OPERATOR}),
        needs_note=True,
    ),
    Action.MARK_DUPLICATE: Rule(
        _TRIAGE | frozenset({Status.ASSIGNED}), Status.DUPLICATE, frozenset({Actor.OPERATOR})
    ),
    Action.ACCEPT: Rule(
        frozenset({Status.ASSIGNED}), Status.IN_PROGRESS, frozenset({Actor.AGENCY})
    ),
    Action.NOTE: Rule(
        frozenset({Status.IN_PROGRESS}), None, frozenset({Actor.AGENCY}), needs_note=True
    ),
    Action.RETURN: Rule(_WITH_AGENCY, Status.VERIFIED, frozenset({Actor.AGENCY}), needs_note=True),
    Action.RESOLVE: Rule(
        frozenset({Status.IN_PROGRESS}), Status.RESOLVED, frozenset({Actor.AGENCY}), needs_note=True
    ),
    Action.CONFIRM: Rule(
        frozenset({Status.RESOLVED}), Status.CLOSED, frozenset({Actor.REPORTER, Actor.SYSTEM})
    ),
    Action.REOPEN: Rule(
        frozenset({Status.RESOLVED}), Status.REOPENED, frozenset({Actor.REPORTER}), needs_note=True
    ),
    Action.ESCALATE: Rule(_OPEN, None, frozenset({Actor.SYSTEM})),
    # Sent on to another system, or news from it: the status stays, at any time.
    # An operator may also send it on by hand (the service refuses a final status).
    Action.FORWARD: Rule(
        frozenset(Status), None, frozenset({Actor.SYSTEM, Actor.OPERATOR}), needs_note=True
    ),
    # Resolved elsewhere: the reporter confirms or reopens it as after the agency's own.
    Action.RESOLVE_REMOTE: Rule(_WITH_AGENCY, Status.RESOLVED, frozenset({Actor.SYSTEM})),
    Action.REOPEN_REMOTE: Rule(
        frozenset({Status.RESOLVED}), Status.REOPENED, frozenset({Actor.SYSTEM}), needs_note=True
    ),
    Action.RELOCATE: Rule(frozenset(Status), None, frozenset({Actor.SYSTEM}), needs_note=True),
    # What the public sees of it changed (text edited, photo hidden or blurred, withheld or
    # released), at any time, always with a reason.
    Action.MODERATE: Rule(frozenset(Status), None, frozenset({Actor.OPERATOR}), needs_note=True),
    # "Butuh informasi": the deadline clock stands still while the reporter is asked.
    Action.ASK: Rule(
        _TRIAGE | _WITH_AGENCY,
        Status.WAITING,
        frozenset({Actor.OPERATOR, Actor.AGENCY}),
        needs_note=True,
        # The operator asks in triage; the agency while it holds the complaint.
        narrower={Actor.OPERATOR: _TRIAGE, Actor.AGENCY: _WITH_AGENCY},
    ),
    # Back to the status the question was asked in (`Complaint.waiting_from`): no fixed
    # target, the service sets it.
    Action.ANSWER: Rule(frozenset({Status.WAITING}), None, frozenset({Actor.REPORTER})),
    Action.RESUME: Rule(
        frozenset({Status.WAITING}), None, frozenset({Actor.OPERATOR, Actor.AGENCY})
    ),
    Action.CLOSE_UNANSWERED: Rule(
        frozenset({Status.WAITING}), Status.CLOSED, frozenset({Actor.SYSTEM}), needs_note=True
    ),
    # The privacy mode changed: stricter by staff or the category, any way by the reporter.
    Action.CHANGE_PRIVACY: Rule(
        frozenset(Status), None, frozenset({Actor.OPERATOR, Actor.REPORTER, Actor.SYSTEM})
    ),
    # Handed to a field team or officer within the agency: the status stays the agency's.
    Action.DISPATCH: Rule(_WITH_AGENCY, None, frozenset({Actor.AGENCY}), needs_note=True),
}

# Plain Bahasa Indonesia (and English) for the citizen's timeline.
ACTION_LABELS = {
    Action.SUBMIT: _("Complaint received"),
    Action.VERIFY: _("Checked by the operator"),
    Action.ASSIGN: _("Sent to the agency"),
    Action.CORRECT: _("Details corrected by the operator"),
    Action.REJECT: _("Rejected"),
    Action.MARK_DUPLICATE: _("Marked as a duplicate of another complaint"),
    Action.ACCEPT: _("The agency is handling it"),
    Action.NOTE: _("Progress update from the agency"),
    Action.RETURN: _("Returned to the operator to find the right agency"),
    Action.RESOLVE: _("Resolved by the agency"),
    Action.CONFIRM: _("Closed"),
    Action.REOPEN: _("Reopened: the citizen says it is not fixed"),
    Action.ESCALATE: _("Past its deadline: reported to the head of the agency"),
    Action.FORWARD: _("Forwarded to another system"),
    Action.RESOLVE_REMOTE: _("Resolved by the system it was forwarded to"),
    Action.REOPEN_REMOTE: _("Reopened by the system it was forwarded to"),
    Action.RELOCATE: _("Kelurahan changed with the new boundaries"),
    Action.MODERATE: _("Edited by a moderator"),
    Action.CHANGE_PRIVACY: _("Privacy of the complaint changed"),
    Action.ASK: _("More information asked of the reporter"),
    Action.ANSWER: _("The reporter answered"),
    Action.RESUME: _("Handling continues without the reporter's answer"),
    Action.CLOSE_UNANSWERED: _("Closed: the reporter did not answer"),
    Action.DISPATCH: _("Assigned to the field team"),
}

# Actions that return a waiting complaint to the status it was asked in.
BACK_FROM_WAITING = frozenset({Action.ANSWER, Action.RESUME})

# Actions whose note is for staff only: the public timeline shows the label alone.
# (A field assignment's note names the team and the officer: staff are not named publicly.)
STAFF_ONLY_NOTES = frozenset({Action.MODERATE, Action.CHANGE_PRIVACY, Action.DISPATCH})


class TransitionNotAllowed(Exception):
    """The action cannot be taken now, by this actor; the message says why, for the user."""


def check(action: Action, status: Status | str, actor: Actor, note: str = "") -> Status:
    """The status after `action`, or TransitionNotAllowed."""
    rule = RULES[action]
    current = Status(status)
    if actor not in rule.actors:
        raise TransitionNotAllowed(
            _("You may not do this: “%(action)s”.") % {"action": ACTION_LABELS[action]}
        )
    if current not in rule.sources_for(actor):
        raise TransitionNotAllowed(
            _("This cannot be done while the complaint is “%(status)s”.")
            % {"status": current.label}
        )
    if rule.needs_note and not note.strip():
        raise TransitionNotAllowed(_("Please write a reason or a note."))
    return rule.target or current


def back_from_waiting(action: Action, waiting_from: str, actor: Actor, note: str = "") -> Status:
    """The status an answer (or going on without one) returns a waiting complaint to."""
    check(action, Status.WAITING, actor, note)
    return Status(waiting_from) if waiting_from else Status.VERIFIED


def allowed_actions(status: Status | str, actor: Actor) -> list[Action]:
    current = Status(status)
    return [
        action
        for action, rule in RULES.items()
        if actor in rule.actors and current in rule.sources_for(actor)
    ]

"""Who reported a complaint, as staff may see it.

Under the anonymous mode nobody in the city sees the reporter's identity (name, phone,
e-mail, NIK, account), not even the agency or the operator, until the designated data
protection officer reveals it for a written reason. Each reveal is kept, is an audit entry,
and the reporter is told. The officer who revealed it sees it from then on; nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from balaikota.complaints import notifications as notify
from balaikota.complaints import publication
from balaikota.complaints.lifecycle import TransitionNotAllowed
from balaikota.complaints.models import Complaint, IdentityReveal
from balaikota.core import audit, plaintext, roles
from balaikota.core.models import User

MIN_REASON = 15


@dataclass(frozen=True)
class Identity:
    """The reporter as one staff member may see them: `hidden` when they may not."""

    hidden: bool
    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""
    account: str = ""

    @property
    def known(self) -> bool:
        return any((self.name, self.phone, self.email, self.nik, self.account))


def has_revealed(complaint: Complaint, user: User) -> bool:
    return IdentityReveal.objects.filter(complaint=complaint, user=user).exists()


def may_see_identity(complaint: Complaint, user: User) -> bool:
    if not complaint.hides_identity:
        return True
    return roles.may_reveal_identity(user) and has_revealed(complaint, user)


def identity_for(complaint: Complaint, user: User) -> Identity:
    if not may_see_identity(complaint, user):
        return Identity(hidden=True)
    account = complaint.reporter
    return Identity(
        hidden=False,
        name=complaint.reporter_name,
        phone=complaint.reporter_phone,
        email=complaint.reporter_email,
        nik=complaint.reporter_nik,
        account=account.get_username() if account is not None else "",
    )


def staff_text(complaint: Complaint, user: User | None = None) -> str:
    """The stored text as staff read it; under the anonymous mode the reporter's own contact
    written into it is hidden too (unless this officer revealed the identity)."""
    if user is not None and may_see_identity(complaint, user):
        return complaint.text
    return publication.text_for_staff_messages(complaint)


@transaction.atomic
def reveal(complaint: Complaint, user: User, reason: str) -> Identity:
    """The data protection officer opens the identity ("buka identitas") for a reason."""
    if not roles.may_reveal_identity(user):
        raise TransitionNotAllowed(
            _("Only the data protection officer may reveal the identity of a reporter.")
        )
    if not complaint.hides_identity:
        raise TransitionNotAllowed(_("This complaint is not anonymous."))
    reason = plaintext.clean(reason).strip()
    if len(reason) < MIN_REASON:
        raise TransitionNotAllowed(
            _("Write the reason for opening the identity (at least %(count)d characters).")
            % {"count": MIN_REASON}
        )
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    entry = IdentityReveal.objects.create(complaint=complaint, user=user, reason=reason)
    # The audit chain never holds personal data: the reason is kept in the reveal, the
    # chain records that it happened, by whom and when, and which reveal it was.
    audit.record(
        actor=user,
        action="complaint.reveal_identity",
        object_type="complaint",
        object_id=complaint.ticket,
        after={"reveal": entry.pk},
    )
    notify.identity_revealed(complaint, reason)
    return identity_for(complaint, user)

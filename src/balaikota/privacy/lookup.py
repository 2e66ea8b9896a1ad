"""Finding a person's personal data: their complaints, by a ticket, an e-mail address, a
phone number (in any writing) or a citizen's account; the messages addressed to them; their
requests in the register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from balaikota.complaints.models import Complaint
from balaikota.complaints.tickets import normalise_ticket
from balaikota.core.models import User
from balaikota.notifications.models import Channel, OutboxMessage
from balaikota.privacy.contacts import national_phone, phone_tail, same_email, same_phone
from balaikota.privacy.models import DataSubjectRequest


@dataclass
class Lookup:
    """Who the data is about: complaints' tickets, e-mail addresses, phone numbers and
    citizen accounts, any of them."""

    tickets: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    users: tuple[User, ...] = ()

    @classmethod
    def one(
        cls,
        *,
        ticket: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        user: User | None = None,
    ) -> Lookup:
        given = [value for value in (ticket, email, phone, user) if value]
        if len(given) != 1:
            raise ValueError("give exactly one of ticket, email, phone or user")
        return cls(
            tickets=(normalise_ticket(ticket),) if ticket else (),
            emails=(email.strip().lower(),) if email else (),
            phones=(national_phone(phone),) if phone else (),
            users=(user,) if user else (),
        )

    @property
    def account_emails(self) -> set[str]:
        return {user.email.strip().lower() for user in self.users if user.email}

    @property
    def account_phones(self) -> set[str]:
        return {national_phone(user.phone) for user in self.users if user.phone}


@dataclass
class Found:
    """What a lookup found: the complaints, and the addresses all of whose messages are the
    person's (those they were found by; a complaint's own contact only counts for messages
    that name its ticket)."""

    lookup: Lookup
    complaints: list[Complaint]

    @property
    def emails(self) -> set[str]:
        return set(self.lookup.emails) | self.lookup.account_emails

    @property
    def phones(self) -> set[str]:
        return {p for p in self.lookup.phones if p} | self.lookup.account_phones

    @property
    def user_ids(self) -> set[int]:
        return {user.pk for user in self.lookup.users}


def _complaints(lookup: Lookup) -> list[Complaint]:
    query = Q(pk__in=[])
    if lookup.tickets:
        query |= Q(ticket__in=lookup.tickets)
    for email in lookup.emails:
        query |= Q(reporter_email__iexact=email) | Q(reporter__email__iexact=email)
    for phone in lookup.phones:
        if len(phone) >= 6:
            tail = phone_tail(phone)
            query |= Q(reporter_phone__endswith=tail) | Q(reporter__phone__endswith=tail)
    if lookup.users:
        query |= Q(reporter__in=[user.pk for user in lookup.users])
    candidates = (
        Complaint.objects.filter(query)
        .select_related("reporter", "category", "agency", "open311", "open311__client")
        .order_by("created_at", "pk")
    )
    if not lookup.phones:
        return list(candidates)
    # The SQL filter took the number's last digits; keep only the same number.
    return [c for c in candidates if _matches(c, lookup)]


def _matches(complaint: Complaint, lookup: Lookup) -> bool:
    if complaint.ticket in lookup.tickets:
        return True
    if complaint.reporter_id and complaint.reporter_id in {u.pk for u in lookup.users}:
        return True
    account = complaint.reporter
    emails = [complaint.reporter_email, account.email if account else ""]
    phones = [complaint.reporter_phone, account.phone if account else ""]
    return any(same_email(e, mine) for e in lookup.emails for mine in emails) or any(
        same_phone(p, mine) for p in lookup.phones for mine in phones if mine
    )


def find(lookup: Lookup) -> Found:
    return Found(lookup, _complaints(lookup))


def find_complaints(
    *, ticket: str | None = None, email: str | None = None, phone: str | None = None
) -> list[Complaint]:
    """The complaints of the person with this ticket, e-mail address or phone number (a
    phone matches in every writing: 0812…, +62 812…, 62812…)."""
    return find(Lookup.one(ticket=ticket, email=email, phone=phone)).complaints


def _mentions(message: OutboxMessage, ticket: str) -> bool:
    return ticket in message.subject or ticket in message.body or ticket in message.link


def _addressed_to(message: OutboxMessage, emails: Iterable[str], phones: Iterable[str]) -> bool:
    if message.channel == Channel.GATEWAY:
        return any(same_phone(message.address, phone) for phone in phones)
    return any(same_email(message.address, email) for email in emails)


def messages_of(found: Found) -> list[OutboxMessage]:
    """The outbox messages addressed to the person: every one to an address or account they
    were found by, and those to a complaint's own contact that name its ticket."""
    emails, phones, users = found.emails, found.phones, found.user_ids
    query = Q(recipient_user_id__in=users) if users else Q(pk__in=[])
    for complaint in found.complaints:
        if complaint.reporter_email:
            query |= Q(address__iexact=complaint.reporter_email.strip())
        if complaint.reporter_phone:
            tail = phone_tail(complaint.reporter_phone)
            query |= Q(channel=Channel.GATEWAY, address__endswith=tail)
        if complaint.reporter_id:
            query |= Q(recipient_user_id=complaint.reporter_id)
    for email in emails:
        query |= Q(address__iexact=email)
    for phone in phones:
        query |= Q(channel=Channel.GATEWAY, address__endswith=phone_tail(phone))
    rows = OutboxMessage.objects.filter(query).exclude(address="", recipient_user=None)
    return [m for m in rows.order_by("pk") if _is_theirs(m, found)]


def _is_theirs(message: OutboxMessage, found: Found) -> bool:
    if message.recipient_user_id in found.user_ids:
        return True
    if message.address and _addressed_to(message, found.emails, found.phones):
        return True
    for complaint in found.complaints:
        own = (
            _addressed_to(message, [complaint.reporter_email], [complaint.reporter_phone])
            if message.address
            else (
                complaint.reporter_id is not None
                and message.recipient_user_id == complaint.reporter_id
            )
        )
        if own and _mentions(message, complaint.ticket):
            return True
    return False


def requests_of(found: Found) -> list[DataSubjectRequest]:
    """The person's requests in the register: about their complaints, or from their address
    or number."""
    mine = {c.pk for c in found.complaints}
    query = Q(complaints__in=list(mine))
    for email in found.emails:
        query |= Q(requester_email__iexact=email)
    for phone in found.phones:
        query |= Q(requester_phone__endswith=phone_tail(phone))
    candidates = DataSubjectRequest.objects.filter(query).distinct().order_by("received_at")
    return [
        r
        for r in candidates.prefetch_related("complaints")
        if {c.pk for c in r.complaints.all()} & mine
        or any(same_email(r.requester_email, e) for e in found.emails)
        or any(same_phone(r.requester_phone, p) for p in found.phones)
    ]

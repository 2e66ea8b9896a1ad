"""The public version of a complaint: what pages, the map, feeds, alerts, open data,
Open311, `/api/v1` GETs and community webhooks may show of it.

Every public output reads complaints through `published()` and their text through
`Complaint.public_text`, never `Complaint.text`; photos through `public_photos()`. A
confidential complaint, one withheld by a moderator, and one waiting for moderation are not
published at all. Staff pages read the stored original.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from balaikota.complaints.models import PRIVACY_RANK, Category, Complaint, Photo, Privacy
from balaikota.core.redaction import PLACEHOLDER, hide_values, redact

__all__ = ["PLACEHOLDER", "prepare", "public_note", "public_photos", "published", "stricter"]


def published() -> QuerySet[Complaint]:
    """Every complaint anything of which may be shown to the public."""
    return Complaint.objects.filter(published=True)


def stricter(current: str, wanted: str) -> Privacy:
    """The stricter of two modes: a mode is only ever made stricter."""
    return max(Privacy(current), Privacy(wanted), key=lambda mode: PRIVACY_RANK[mode])


def contact_of(complaint: Complaint) -> list[str]:
    """The reporter's contact as given: the values hidden wherever they are written."""
    return [
        complaint.reporter_name,
        complaint.reporter_phone,
        complaint.reporter_email,
        complaint.reporter_nik,
    ]


def public_text_of(complaint: Complaint) -> str:
    """The complaint's text with personal data, the reporter's contact above all, hidden."""
    return redact(complaint.text, contact_of(complaint))


def text_for_staff_messages(complaint: Complaint) -> str:
    """The text as it goes to staff in notices, e-mails and agency webhooks: the original,
    but under the anonymous mode without the reporter's own contact written into it."""
    if complaint.hides_identity:
        return hide_values(complaint.text, contact_of(complaint))
    return complaint.text


# A complaint without a category whose text reads even this much like a category that is
# always confidential (a report of extortion) waits for an operator before anything of it
# is published. On the routing evaluation split 0.3 held back 35 of 39 such reports and 5
# of 635 others.
HOLD_SCORE = 0.3


def _may_be_confidential(complaint: Complaint) -> bool:
    if complaint.category is not None or not complaint.suggestions:
        return False
    doubtful = {s["category"] for s in complaint.suggestions if s["score"] >= HOLD_SCORE}
    return (
        bool(doubtful)
        and Category.objects.filter(slug__in=doubtful, force_confidential=True).exists()
    )


def prepare(complaint: Complaint, privacy: str) -> None:
    """Set a new complaint's mode, its public text and whether it may be published.

    The category may force the mode to confidential, or require moderation first; a
    complaint that may belong to an always-confidential category is held for an operator.
    """
    mode = Privacy(privacy)
    category = complaint.category
    if category is not None and category.force_confidential:
        mode = Privacy.CONFIDENTIAL
    complaint.privacy = mode
    complaint.public_text = public_text_of(complaint)
    complaint.awaiting_moderation = bool(
        category is not None and category.requires_moderation
    ) or _may_be_confidential(complaint)
    complaint.refresh_published()


def public_note(note: str) -> str:
    """A timeline note as the public sees it: staff notes and the reporter's own words
    (on reopening) may name people too."""
    return redact(note)


def public_answer(complaint: Complaint, answer: str) -> str:
    """The reporter's answer to a question as the public reads it: nothing unless the
    complaint is public (an anonymous reporter's own words may tell who they are), and then
    with personal data hidden as in the complaint's text."""
    if complaint.privacy != Privacy.PUBLIC or not complaint.published:
        return ""
    return redact(answer, contact_of(complaint))


def public_photos(complaint: Complaint, photos: Iterable[Photo] | None = None) -> list[Photo]:
    """The photos the public may see: ready, not hidden, of a published complaint."""
    if not complaint.published:
        return []
    candidates = complaint.photos.all() if photos is None else photos
    return [p for p in candidates if p.state == Photo.State.READY and not p.hidden and p.image]

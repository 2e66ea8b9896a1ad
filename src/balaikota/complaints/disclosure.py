"""How much of a complaint one reader outside the city may see: the public, or its reporter.

The public sees the public version of a published complaint (`publication`): its public
text, its public photos, and timeline notes with personal data hidden, except the notes
that are for staff only (a moderator's reason, a change of mode). Of a complaint that is
not published (confidential, withheld, awaiting moderation) the public sees only the
ticket, the status, the agency and the next deadline. The reporter, proven by the private
link or by being signed in, sees all of their own complaint, their original text included.
"""

from __future__ import annotations

from collections.abc import Iterable

from balaikota.complaints import publication
from balaikota.complaints.lifecycle import STAFF_ONLY_NOTES, Action
from balaikota.complaints.models import Complaint, Event, Photo


def event_note(event: Event) -> str:
    """A timeline note as anyone outside the city reads it."""
    if not event.note or Action(event.action) in STAFF_ONLY_NOTES:
        return ""
    if event.action == Action.ANSWER:  # the reporter's own words
        return publication.public_answer(event.complaint, event.note)
    return publication.public_note(event.note)


def photos_for(
    complaint: Complaint, photos: Iterable[Photo] | None = None, *, reporter: bool = False
) -> list[Photo]:
    """The photos a reader may see: the public ones, or for the reporter every photo of
    theirs that has a copy to show (a hidden one stays hidden: a moderator hid it for
    someone else's sake)."""
    if not reporter:
        return publication.public_photos(complaint, photos)
    candidates = complaint.photos.all() if photos is None else photos
    return [p for p in candidates if p.state == Photo.State.READY and not p.hidden and p.image]

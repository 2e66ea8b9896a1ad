from __future__ import annotations

from django import template

from balaikota.complaints import publication
from balaikota.complaints.models import Complaint

register = template.Library()


@register.filter
def staff_text(complaint: Complaint) -> str:
    """The text for staff lists: under the anonymous mode, without the reporter's contact."""
    return publication.text_for_staff_messages(complaint)

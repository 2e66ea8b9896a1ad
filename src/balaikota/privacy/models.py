"""The register of data-subject requests: what a person asked of their personal data under
UU 27/2022 (Pelindungan Data Pribadi), when, and what the city did about it, in time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# UU PDP: the controller answers a data subject's request within 3 × 24 hours.
ANSWER_WITHIN = dt.timedelta(hours=72)


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access and copy (export)")
    CORRECTION = "correction", _("Correction")
    ERASURE = "erasure", _("Erasure")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent")
    OBJECTION = "objection", _("Objection to processing")


class Arrival(models.TextChoices):
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    COUNTER = "counter", _("At the counter")
    PHONE = "phone", _("Telephone")
    ONLINE = "online", _("Online, by the reporter themself")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused, with reasons")


FINISHED = frozenset({RequestStatus.DONE, RequestStatus.REFUSED})


class DataSubjectRequest(models.Model):
    """One request about a person's own data. Requests made on the site by the reporter
    (withdrawal, correction) are written here too, done at once and without a contact."""

    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    arrived_by = models.CharField(_("arrived by"), max_length=10, choices=Arrival.choices)
    # The requester's contact: personal data, kept as long as the record (see retention).
    requester_name = models.CharField(_("requester's name"), max_length=120, blank=True)
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    requester_phone = models.CharField(_("requester's phone"), max_length=30, blank=True)
    requester_address = models.TextField(_("requester's postal address"), blank=True)
    details = models.TextField(
        _("what is asked"),
        blank=True,
        help_text=_("The request in the requester's words, or a summary of the letter."),
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint",
        blank=True,
        related_name="+",
        verbose_name=_("complaints concerned"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    deadline = models.DateTimeField(_("answer by"), editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    done_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.TextField(
        _("what was done"),
        blank=True,
        help_text=_("What was exported, corrected or erased, or why the request was refused."),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [
            models.Index(fields=["status", "deadline"], name="dsr_due_idx"),
            models.Index(fields=["done_at"], name="dsr_retention_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.received_at:%d-%m-%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.deadline = self.received_at + ANSWER_WITHIN
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """Still unanswered after its 3 × 24 hours."""
        return self.is_open and self.deadline < (now or timezone.now())

    def answered_late(self) -> bool:
        return self.done_at is not None and self.done_at > self.deadline

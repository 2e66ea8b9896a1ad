from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app notice")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")
    GATEWAY = "gateway", _("SMS or WhatsApp")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class OutboxMessage(models.Model):
    """A message to deliver, written in the same transaction as the change it reports.

    The worker delivers it and retries with backoff, so a message survives a worker or a
    receiver that is down: it stays here, pending, until it can be delivered.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    secret = models.CharField(max_length=128, blank=True)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    payload = models.JSONField(_("payload"), null=True, blank=True)
    event = models.CharField(_("event"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_channel_display()} → {self.address or self.recipient_user}: {self.subject}"
        )


class Notice(models.Model):
    """An in-app notice shown to a staff member until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notice_inbox_idx")]

    def __str__(self) -> str:
        return self.title

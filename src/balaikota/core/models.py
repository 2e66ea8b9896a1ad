from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    OPERATOR = "operator", _("Operator")
    AGENCY_STAFF = "agency_staff", _("Agency staff")
    AGENCY_HEAD = "agency_head", _("Head of agency")
    MAYOR_OFFICE = "mayor_office", _("Mayor's office")
    VERIFIER = "verifier", _("Verifier (Bappeda / inspectorate)")
    PRIVACY_OFFICER = "privacy_officer", _("Data protection officer")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """A person who signs in. Which agency staff work for is in `agencies.Membership`."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    @property
    def is_operator(self) -> bool:
        return self.role in {Role.OPERATOR, Role.ADMIN}

    @property
    def is_agency_member(self) -> bool:
        return self.role in {Role.AGENCY_STAFF, Role.AGENCY_HEAD}

    @property
    def is_staff_user(self) -> bool:
        """Anyone who works in the staff pages (not a citizen)."""
        return self.role != Role.CITIZEN

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Admins use the Django admin; nobody else does.
        if self.role == Role.ADMIN:
            self.is_staff = True
        super().save(*args, **kwargs)


class DayOff(models.Model):
    """A day the city's offices are closed beyond the national holidays (cuti bersama, local)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("day off")
        verbose_name_plural = _("days off")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class AppendOnly(Exception):
    """An attempt to change or remove a row of the append-only record."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletes are refused: corrections are new entries."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly(f"{self.model.__name__} rows are never updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly(f"{self.model.__name__} rows are never deleted")


class AppendOnlyModel(models.Model):
    """A row that is written once and never changed or deleted by the application."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(f"{type(self).__name__} #{self.pk} is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly(f"{type(self).__name__} #{self.pk} is never deleted")


class AuditEntry(AppendOnlyModel):
    """One link of the append-only, hash-chained record of every state change.

    An entry may be stored *pending* (no position, no hashes yet) by a transaction that
    must not wait for the chain (a citizen's new complaint); the chainer
    (`core.audit.chain_pending`) then gives it, once, its place and its hashes. Nothing
    else about an entry is ever written after its insert.
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # The place in the chain, and the links: empty while the entry is pending.
    position = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The chainer's queue: small, whatever the size of the chain.
            models.Index(
                fields=["id"], condition=models.Q(position__isnull=True), name="audit_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(AppendOnlyModel):
    """The head of the audit chain at the end of a day, published on /audit.

    Anyone who saved a day's head can later check that the same entry still has the same
    hash; since every hash covers all earlier entries, history up to it cannot have changed.
    """

    date = models.DateField(_("date"), unique=True)
    entry = models.ForeignKey(
        AuditEntry, on_delete=models.PROTECT, related_name="+", verbose_name=_("entry")
    )
    entry_hash = models.CharField(_("hash"), max_length=64)
    entry_count = models.PositiveBigIntegerField(_("entries"))
    created_at = models.DateTimeField(_("published"))

    class Meta:
        ordering = ["-date"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} #{self.entry_id} {self.entry_hash[:12]}"


class RateCounter(models.Model):
    """Requests counted in one bucket (what, from whom) during one fixed window: the limits on
    abuse, shared by every web process and host when Redis is not configured.

    A bucket names its client by a keyed hash only (balaikota.core.ratelimit.fingerprint):
    no address, number or e-mail is stored here. Rows past `expires_at` are deleted.
    """

    bucket = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Unix time the window starts.")
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "window_start"], name="one_counter_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bucket} @{self.window_start}: {self.hits}"


class PeriodicRun(models.Model):
    """A periodic job's run for one minute of the schedule, claimed by the first worker whose
    scheduler gets there: with several worker hosts, each job still runs once (core/periodic.py).
    Rows older than a week are deleted."""

    task = models.CharField(max_length=200)
    due_at = models.DateTimeField(help_text="The minute of the schedule (UTC).")
    host = models.CharField(max_length=200, help_text="The worker that ran it: host and process.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "due_at"], name="one_run_per_periodic_minute")
        ]

    def __str__(self) -> str:
        return f"{self.task} @{self.due_at:%Y-%m-%d %H:%M} on {self.host}"

"""Hotspots (places where complaints of one category keep coming back), found by the
worker (`hotspots.build`), and the planned work an agency makes of one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Build(models.Model):
    """The worker's last computation (one row, `key` "current"): when, over which window
    and with which thresholds, so that anyone can recompute it from the open data."""

    key = models.CharField(max_length=20, unique=True, default="current")
    computed_at = models.DateTimeField(_("computed"))
    window_start = models.DateTimeField(_("complaints submitted from"))
    window_end = models.DateTimeField(_("up to (not including)"))
    radius_m = models.PositiveIntegerField(_("radius (m)"))
    min_complaints = models.PositiveIntegerField(_("minimum complaints"))
    days = models.PositiveIntegerField(_("days"))
    hotspots = models.PositiveIntegerField(_("hotspots found"))
    complaints = models.PositiveIntegerField(_("complaints considered"))

    class Meta:
        verbose_name = _("hotspot computation")
        verbose_name_plural = _("hotspot computations")

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class Hotspot(models.Model):
    """One place: kept from build to build while its complaints overlap, so that its
    history and its planned work stay with it. `active`: found by the last build; the
    figures (`count`, the dates, the centre) are those of its complaints in that build."""

    category = models.ForeignKey(
        "complaints.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kelurahan"),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotspots",
        verbose_name=_("agency"),
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    count = models.PositiveIntegerField(_("complaints"))
    first_reported_at = models.DateTimeField(_("first report"))
    last_reported_at = models.DateTimeField(_("last report"))
    active = models.BooleanField(_("current"), default=True)
    detected_at = models.DateTimeField(_("first found"), default=timezone.now)
    seen_at = models.DateTimeField(_("last found"), default=timezone.now)
    complaints = models.ManyToManyField(
        "complaints.Complaint", through="Member", related_name="hotspots"
    )

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        indexes = [
            models.Index(fields=["active", "-count", "-last_reported_at"], name="hotspot_list_idx"),
            models.Index(fields=["agency", "active", "-count"], name="hotspot_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id} ({self.count})"

    def get_absolute_url(self) -> str:
        return reverse("hotspots:detail", args=[self.pk])


class Member(models.Model):
    """A complaint of a hotspot. `current`: in the last build that found the hotspot;
    the others were in it before and have left its window (the hotspot's history)."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="hotspot_memberships"
    )
    current = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hotspot", "complaint"], name="hotspot_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.hotspot_id}:{self.complaint_id}"


class WorkStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under way")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


UNFINISHED = (WorkStatus.PLANNED, WorkStatus.IN_PROGRESS)


class PlannedWork(models.Model):
    """A larger repair an agency plans for a hotspot, public with its every change."""

    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.PROTECT, related_name="works", verbose_name=_("hotspot")
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    budget = models.DecimalField(
        _("budget (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=WorkStatus.choices, default=WorkStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("planned work")
        verbose_name_plural = _("planned work")
        constraints = [
            # One unfinished plan per hotspot: a second would split its story in two.
            models.UniqueConstraint(
                fields=["hotspot"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="one_unfinished_work_per_hotspot",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hotspots:work", args=[self.pk])


class WorkEvent(models.Model):
    """One step of a planned work: its creation, each change of status."""

    work = models.ForeignKey(PlannedWork, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("planned work step")
        verbose_name_plural = _("planned work steps")

    def __str__(self) -> str:
        return f"{self.work_id} {self.from_status}→{self.to_status}"

    def get_to_status_display(self) -> str:
        return str(WorkStatus(self.to_status).label)

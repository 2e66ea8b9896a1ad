from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """A citizen's e-mail alert for new complaints in an area: a kelurahan, or a circle
    around a point. Active once confirmed from the e-mail; one click ends it.

    The address is personal data: it is only used to send the alerts.
    """

    email = models.EmailField(_("e-mail"))
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("kelurahan"),
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    radius_m = models.PositiveIntegerField(_("radius (m)"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail alert")
        verbose_name_plural = _("e-mail alerts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False)
                | models.Q(lat__isnull=False, lon__isnull=False, radius_m__isnull=False),
                name="subscription_has_an_area",
            )
        ]
        indexes = [
            models.Index(
                fields=["region"],
                name="subscription_region_idx",
                condition=models.Q(confirmed_at__isnull=False, ended_at__isnull=True),
            ),
            models.Index(
                fields=["lat", "lon"],
                name="subscription_point_idx",
                condition=models.Q(confirmed_at__isnull=False, ended_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.region or f'{self.lat},{self.lon} r={self.radius_m}'}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Summary(models.Model):
    """The dashboard's figures as the worker last computed them (one row per kind, replaced
    on each refresh): the page reads one row instead of aggregating a million complaints."""

    key = models.CharField(max_length=40, unique=True)
    computed_at = models.DateTimeField(_("computed"))
    data = models.JSONField()

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")

    def __str__(self) -> str:
        return f"{self.key} {self.computed_at:%Y-%m-%d %H:%M}"

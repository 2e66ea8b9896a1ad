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


class MapTally(models.Model):
    """Published, visible complaints counted by the worker for the map's filtered views: per
    grid cell of a zoom (`level` 10-15; 0 is one cell, per kelurahan only), month (null: all
    time), status and, on `detailed` rows, category, agency and kelurahan (null on the
    others, which serve the filters that do not name them). `generation` is the build: the
    current one is named in the `map:tally` summary; a view sums the rows it needs."""

    generation = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    month = models.IntegerField(null=True)  # year * 12 + month - 1, in the city's time
    cell_y = models.IntegerField()
    cell_x = models.IntegerField()
    # 1 or 0, not a boolean: SQLite's planner uses an index on `detailed = 1`, not on the
    # bare column Django writes for a boolean.
    detailed = models.PositiveSmallIntegerField()
    # Plain ids, not foreign keys: the rows are rebuilt wholesale and never joined.
    category_id = models.BigIntegerField(null=True)
    agency_id = models.BigIntegerField(null=True)
    region_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=20)
    count = models.IntegerField()
    sum_lat = models.FloatField()
    sum_lon = models.FloatField()
    supporters = models.IntegerField()

    class Meta:
        indexes = [
            # No cell columns: with them PostgreSQL took this index for a category's rows
            # too, and read every category's cells in the viewport.
            models.Index(
                fields=["generation", "level", "detailed", "month", "status"],
                name="maptally_period_idx",
            ),
            models.Index(
                fields=["generation", "level", "detailed", "category_id", "month"],
                name="maptally_category_idx",
            ),
            models.Index(
                fields=["generation", "level", "detailed", "region_id", "month"],
                name="maptally_region_idx",
            ),
            models.Index(
                fields=["generation", "level", "detailed", "agency_id", "month"],
                name="maptally_agency_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.generation}/{self.level}/{self.month} {self.cell_y},{self.cell_x}"

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Kelurahan")


class Region(models.Model):
    """A kota, kecamatan or kelurahan with its Kemendagri code and boundary (GeoJSON, WGS84)."""

    code = models.CharField(_("Kemendagri code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geometry = models.JSONField(_("boundary"), null=True, blank=True)
    is_approximate = models.BooleanField(
        _("approximate boundary"),
        default=False,
        help_text=_("Laid out from centre points for a demo; not the official boundary."),
    )
    centre_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    centre_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "name"], name="region_level_name_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.name}"

    @property
    def district(self) -> Region | None:
        """The kecamatan a kelurahan lies in (or the kecamatan itself)."""
        if self.level == Level.DISTRICT:
            return self
        if self.level == Level.VILLAGE:
            return self.parent
        return None


class RegionAlias(models.Model):
    """Another spelling of a region's name (Tasik Madu / Tasikmadu)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=120)
    normalised = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        verbose_name = _("name alias")
        verbose_name_plural = _("name aliases")
        constraints = [
            models.UniqueConstraint(fields=["region", "normalised"], name="unique_region_alias")
        ]

    def __str__(self) -> str:
        return self.name


class BoundaryUpload(models.Model):
    """A boundary file an admin uploaded, kept as received in private storage with its hash,
    and the changes it was previewed with. Confirming applies that file, and only if it
    would still make exactly the previewed changes."""

    file = models.CharField(_("stored file"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    preview = models.JSONField(_("previewed changes"))
    uploaded_by = models.ForeignKey(
        "core.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("boundary upload")
        verbose_name_plural = _("boundary uploads")

    def __str__(self) -> str:
        return self.original_name

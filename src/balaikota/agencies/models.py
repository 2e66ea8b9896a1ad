from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    DINAS = "dinas", _("Dinas (service agency)")
    BADAN = "badan", _("Badan (board)")
    SATPOL = "satpol", _("Civil service police")
    DISTRICT_OFFICE = "district", _("Kecamatan office")
    ENTERPRISE = "enterprise", _("City-owned enterprise")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """An OPD (perangkat daerah) or another body that handles complaints."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("area served"),
        help_text=_("For a kecamatan office: the kecamatan it serves."),
    )
    email = models.EmailField(_("notification e-mail"), blank=True)
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(
        _("webhook signing secret"),
        max_length=128,
        blank=True,
        help_text=_("Each webhook is signed with HMAC-SHA256 using this secret."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.short_name

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class Position(models.Model):
    """A post (jabatan) in an agency, e.g. Kepala Dinas PUPR."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="positions", verbose_name=_("agency")
    )
    title = models.CharField(_("title"), max_length=200)
    is_head = models.BooleanField(_("head of the agency"), default=False)

    class Meta:
        ordering = ["agency", "-is_head", "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(is_head=True), name="one_head_position_per_agency"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Official(models.Model):
    """A civil servant (pejabat) who can hold positions."""

    name = models.CharField(_("name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=30, unique=True, blank=True, null=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """An official holding a position from one moment to another (acting: Plt).

    The rights to a post begin at `starts_at` and end at `ends_at` (exclusive), the moment
    the decision was taken: not at the end of that day (performance.access).
    """

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("position")
    )
    official = models.ForeignKey(
        Official, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("official")
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    is_acting = models.BooleanField(_("acting (Plt)"), default=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["position", "ends_at"], name="assignment_current_idx")]

    def __str__(self) -> str:
        return f"{self.official} — {self.position}"


class Team(models.Model):
    """A field team of an agency (e.g. the road repair crew of the north): complaints are
    handed to a team or to one of its officers. Named by the agency; seen by staff only."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="teams", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("field team")
        verbose_name_plural = _("field teams")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unique_team_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user working in an agency's complaint inbox; a field officer also works on site,
    in one of the agency's teams or none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency")
    )
    is_field_officer = models.BooleanField(
        _("field officer"),
        default=False,
        help_text=_("Works on site: gets complaints handed to them, with a task list."),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("field team"),
    )

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"

    def clean(self) -> None:
        if self.team is not None and self.team.agency_id != self.agency_id:
            raise ValidationError({"team": _("This team belongs to another agency.")})

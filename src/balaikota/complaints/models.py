from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    ASSIGNED = "assigned", _("Sent to agency")
    IN_PROGRESS = "in_progress", _("Being handled")
    # The agency or the operator asked the reporter a question: the clock waits for the answer.
    WAITING = "waiting", _("Waiting for the reporter's information")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.VERIFIED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.REOPENED,
        Status.WAITING,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE})


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    OPERATOR = "operator", _("Entered by an operator")
    OPEN311 = "open311", _("Open311 application")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class NotifyBy(models.TextChoices):
    """How the reporter wants to hear of their complaint (a signed-in citizen also gets
    in-app notices)."""

    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("SMS or WhatsApp")
    BOTH = "both", _("E-mail and SMS or WhatsApp")


class PhoneChannel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class Privacy(models.TextChoices):
    """Who may know of a complaint and of its reporter. Only ever made stricter, except by
    the reporter themself."""

    PUBLIC = "public", _("Public")
    ANONYMOUS = "anonymous", _("Anonymous")
    CONFIDENTIAL = "confidential", _("Confidential")


# From the least to the most strict: a change may only go up, unless the reporter asks.
PRIVACY_RANK = {Privacy.PUBLIC: 0, Privacy.ANONYMOUS: 1, Privacy.CONFIDENTIAL: 2}


class LocationSource(models.TextChoices):
    EXIF = "exif", _("Photo's GPS")
    DEVICE = "device", _("Device location")
    MAP = "map", _("Pin on the map")


class CategorySource(models.TextChoices):
    CITIZEN = "citizen", _("Chosen by the citizen")
    SUGGESTED = "suggested", _("Suggested by the system")
    OPERATOR = "operator", _("Set by an operator")


class ClockPause(models.TextChoices):
    """Why a complaint's deadline clock stands still (balaikota.complaints.clock)."""

    QUESTION = "question", _("waiting for the reporter's answer")
    FORWARDED = "forwarded", _("with another system")


class Category(models.Model):
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description = models.CharField(_("description (Indonesian)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    location_required = models.BooleanField(
        _("location required"),
        default=True,
        help_text=_("Off for complaints about a service rather than a place (e.g. ID cards)."),
    )
    dispose_days = models.PositiveSmallIntegerField(
        _("working days to dispose"),
        null=True,
        blank=True,
        help_text=_("Empty: the city-wide default (3)."),
    )
    followup_days = models.PositiveSmallIntegerField(
        _("working days to follow up"),
        null=True,
        blank=True,
        help_text=_("Empty: the city-wide default (5)."),
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("working days to resolve after follow-up"),
        null=True,
        blank=True,
        help_text=_("Empty: the city-wide default (10)."),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated words that find this category (published in Open311)."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    force_confidential = models.BooleanField(
        _("always confidential"),
        default=False,
        help_text=_(
            "Every complaint in this category is confidential, whatever the reporter chose "
            "(e.g. extortion by an official, harassment)."
        ),
    )
    requires_moderation = models.BooleanField(
        _("moderated before publication"),
        default=False,
        help_text=_(
            "Nothing of a complaint in this category is published until an operator has checked it."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def display_description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description


class AttributeType(models.TextChoices):
    """The datatypes of Open311 GeoReport v2 service attributes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One choice from a list")
    MULTI = "multivaluelist", _("Several choices from a list")


class CategoryAttribute(models.Model):
    """An extra question a category asks (e.g. the pole number of a dead street light).

    Published as the category's Open311 service definition; answers are kept in
    `Complaint.attributes` under `code`.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("category")
    )
    code = models.SlugField(_("code"), max_length=40)
    datatype = models.CharField(_("type"), max_length=16, choices=AttributeType.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question (Indonesian)"), max_length=200)
    description_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For list types: [{"key": "...", "name": "..."}, ...]'),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        ordering = ["category", "position", "id"]
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="one_attribute_code")
        ]

    def __str__(self) -> str:
        return f"{self.category_id}.{self.code}"

    @property
    def display_description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description

    def choice_keys(self) -> list[str]:
        return [str(item.get("key")) for item in self.values if isinstance(item, dict)]


class RoutingRule(models.Model):
    """Which agency handles a category, optionally only in one kecamatan or kelurahan.

    The most specific rule wins: kelurahan, then kecamatan, then city-wide.
    """

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="rules", verbose_name=_("category")
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("only in"),
        help_text=_("A kecamatan or kelurahan; empty for the whole city."),
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="rules", verbose_name=_("agency")
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"], name="unique_rule_per_category_region"
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(region__isnull=True),
                name="unique_citywide_rule_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.agency}"


class Complaint(models.Model):
    ticket = models.CharField(_("tracking code"), max_length=16, unique=True)
    text = models.TextField(_("complaint"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("category"),
    )
    category_source = models.CharField(
        max_length=10, choices=CategorySource.choices, default=CategorySource.CITIZEN
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("agency"),
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("kelurahan"),
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    location_source = models.CharField(
        _("location from"), max_length=10, choices=LocationSource.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    privacy = models.CharField(
        _("privacy"), max_length=12, choices=Privacy.choices, default=Privacy.PUBLIC
    )

    # What the public sees instead of `text`: personal data found in it replaced by
    # "[disamarkan]" at intake, and edited by moderators. Staff read `text`.
    public_text = models.TextField(_("public text"), blank=True)
    # Whether anything of the complaint is published: not when it is confidential, withheld
    # by a moderator, or waiting for moderation. Kept by `refresh_published()`.
    published = models.BooleanField(_("published"), default=True)
    withheld = models.BooleanField(_("withheld from publication"), default=False)
    awaiting_moderation = models.BooleanField(_("waiting for moderation"), default=False)
    moderated_at = models.DateTimeField(_("last moderated"), null=True, blank=True)
    # The reporter's contact was withdrawn by them, erased on request or by retention:
    # the complaint stays, anonymised, and the reporter hears nothing more of it.
    contact_removed_at = models.DateTimeField(_("contact removed"), null=True, blank=True)

    # Personal data: never shown on public pages, the public API or open data.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    reporter_nik = models.CharField(_("reporter's NIK"), max_length=16, blank=True)
    reporter_key_hash = models.CharField(max_length=64, blank=True)
    # The reporter's choice of channel for news of the complaint (intake.notify_choice).
    notify_by = models.CharField(
        _("news by"), max_length=5, choices=NotifyBy.choices, default=NotifyBy.EMAIL
    )
    phone_channel = models.CharField(
        _("phone messages by"),
        max_length=8,
        choices=PhoneChannel.choices,
        default=PhoneChannel.WHATSAPP,
    )
    # SHA-256 of the client's idempotency key, and of what was submitted with it.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    submission_hash = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    dispose_due = models.DateTimeField(_("dispose by"), null=True, blank=True)
    followup_due = models.DateTimeField(_("follow up by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True)
    due_at = models.DateTimeField(_("current deadline"), null=True, blank=True)
    # The deadline that was last escalated: each deadline is escalated once.
    escalated_due = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(_("sent to the agency"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("accepted by the agency"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    # The deadline clock stands still from `clock_paused_at` (a question to the reporter, a
    # forward to another system); on resuming, the deadlines move by the working days paused.
    clock_paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    clock_pause_reason = models.CharField(
        _("clock paused because"), max_length=10, choices=ClockPause.choices, blank=True
    )
    # The status a question to the reporter was asked in: the answer brings it back.
    waiting_from = models.CharField(max_length=12, choices=Status.choices, blank=True)
    # The reporter answered, and no one in the city has acted since: the inbox says so.
    reporter_answered_at = models.DateTimeField(
        _("answered by the reporter"), null=True, blank=True
    )

    # Citizens who said "saya juga" (me too), and the reporters of merged duplicates.
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    # The routing model's ranking when the complaint came in: [{"category", "score"}, ...].
    suggestions = models.JSONField(_("suggested categories"), default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the result"), blank=True)
    # Who works on it on site, within the agency that holds it (staff only, never public):
    # a field team, and one of the agency's field officers (`field.dispatch_complaint`).
    field_team = models.ForeignKey(
        "agencies.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("field team"),
    )
    field_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="field_complaints",
        verbose_name=_("field officer"),
    )
    field_assigned_at = models.DateTimeField(_("handed to the field"), null=True, blank=True)
    # Where the reporter says it is, in words (Open311's address_string): not personal data.
    address = models.CharField(_("address given"), max_length=250, blank=True)
    # Answers to the category's extra questions, by attribute code.
    attributes = models.JSONField(_("answers to the category's questions"), default=dict)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["agency", "status", "due_at"], name="complaint_inbox_idx"),
            models.Index(fields=["status", "created_at"], name="complaint_status_idx"),
            models.Index(fields=["status", "due_at"], name="complaint_due_idx"),
            models.Index(fields=["region", "created_at"], name="complaint_region_idx"),
            models.Index(fields=["category", "created_at"], name="complaint_category_idx"),
            # The Atom feeds: newest change first, per kelurahan and per category.
            models.Index(fields=["region", "-updated_at"], name="complaint_region_upd_idx"),
            models.Index(fields=["category", "-updated_at"], name="complaint_category_upd_idx"),
            # The public map groups the published complaints of a bounding box: everything
            # it reads is in this index, so the table itself is not visited.
            models.Index(
                fields=["lat", "lon", "status", "supporters", "published"],
                name="complaint_public_map_idx",
            ),
            models.Index(fields=["agency", "created_at"], name="complaint_agency_idx"),
            models.Index(fields=["published", "created_at"], name="complaint_published_idx"),
            # A citizen proving their number or address claims the reports made with it
            # (complaints/claiming.py).
            models.Index(fields=["reporter_phone"], name="complaint_reporter_phone_idx"),
            models.Index(Upper("reporter_email"), name="complaint_reporter_email_idx"),
            # Retention: closed complaints whose reporter's contact is still kept.
            models.Index(
                fields=["closed_at", "contact_removed_at"], name="complaint_retention_idx"
            ),
            # An officer's task list, and a team's.
            models.Index(fields=["field_officer", "status"], name="complaint_officer_idx"),
            models.Index(fields=["field_team", "status"], name="complaint_team_idx"),
        ]

    def __str__(self) -> str:
        return self.ticket

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def hides_identity(self) -> bool:
        """Whether the reporter's identity is kept from everyone in the city (unless revealed)."""
        return self.privacy == Privacy.ANONYMOUS

    @property
    def is_confidential(self) -> bool:
        return self.privacy == Privacy.CONFIDENTIAL

    def refresh_published(self) -> None:
        self.published = (
            self.privacy != Privacy.CONFIDENTIAL
            and not self.withheld
            and not self.awaiting_moderation
        )

    def public_version_text(self) -> str:
        """The text the public sees: never the stored original."""
        return self.public_text

    @property
    def clock_paused(self) -> bool:
        return self.clock_paused_at is not None

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        """Past its current deadline; never while the clock stands still."""
        moment = now or timezone.now()
        return (
            self.is_open
            and self.clock_paused_at is None
            and self.due_at is not None
            and self.due_at < moment
        )


class PlaceCheck(models.TextChoices):
    NEAR = "near", _("Taken at the place")
    FAR = "far", _("Taken far from the place")
    UNKNOWN = "unknown", _("No location to check")


class Photo(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Reported")
        AFTER = "after", _("After handling")

    class State(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be processed")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.BEFORE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROCESSING)
    # The upload as received, kept in private storage only until the worker re-encodes it.
    original = models.CharField(max_length=300, blank=True)
    image = models.ImageField(upload_to="photos/%Y/%m/", blank=True)
    thumbnail = models.ImageField(upload_to="thumbs/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Coordinates read from the photo's EXIF: kept here, never in a served file.
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lon = models.FloatField(null=True, blank=True)
    # The metadata-free copy staff see, unblurred, in private storage (served to staff
    # only); `image` and `thumbnail` are the public copies, with faces and plates blurred.
    staff_image = models.CharField(max_length=300, blank=True)
    faces_blurred = models.PositiveSmallIntegerField(_("areas blurred automatically"), default=0)
    # Moderation: a hidden photo is not published; `blur_areas` are more rectangles to blur,
    # drawn by a moderator, as [x, y, width, height] fractions of the picture.
    hidden = models.BooleanField(_("hidden from the public"), default=False)
    blur_areas = models.JSONField(_("areas blurred by a moderator"), default=list, blank=True)
    # A photo given by address (Open311 media_url, an SMS gateway's media): the worker
    # fetches it into private storage, then processes it like an upload.
    source_url = models.URLField(max_length=500, blank=True)
    # An "after" photo resolving a complaint: how far from the complaint's place it was
    # taken, by its EXIF GPS or else the device's location sent with it (`placecheck`).
    place_check = models.CharField(
        _("place check"), max_length=8, choices=PlaceCheck.choices, blank=True
    )
    place_distance_m = models.FloatField(_("distance from the place (m)"), null=True, blank=True)
    place_source = models.CharField(
        _("location of the photo from"), max_length=10, choices=LocationSource.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "created_at"], name="photo_state_idx")]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.complaint} #{self.pk}"

    @property
    def staff_url(self) -> str:
        """The unblurred copy, served to staff who may see the complaint; "" until made."""
        if not self.staff_image:
            return ""
        return reverse("complaints:staff_photo", args=[self.pk])

    @property
    def public_url(self) -> str:
        """The public copy (faces and plates blurred); "" when none may be shown."""
        return self.image.url if self.image else ""


class Event(models.Model):
    """One step in a complaint's life; the status field is never changed without one."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_role = models.CharField(_("acting as"), max_length=20)
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12)
    note = models.TextField(_("note"), blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agency"),
    )
    photo = models.ForeignKey(
        Photo,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        # Open311's servicerequestupdates and the feeds read events by time.
        indexes = [models.Index(fields=["created_at", "id"], name="event_time_idx")]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action} {self.from_status}→{self.to_status}"


class IdentityReveal(models.Model):
    """A designated officer saw the identity of an anonymous complaint's reporter, for a
    written reason. Each reveal is also an audit entry, and the reporter is told."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("complaint")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")
        indexes = [models.Index(fields=["complaint", "user"], name="reveal_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.user_id}"


class RoutingExample(models.Model):
    """A complaint text labelled with its right category: every operator's correction
    becomes one, and the routing model learns from them at its next training."""

    text = models.TextField(_("text"))
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="examples", verbose_name=_("category")
    )
    complaint = models.ForeignKey(
        Complaint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("complaint"),
    )
    suggested = models.CharField(_("category the system suggested"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("routing example")
        verbose_name_plural = _("routing examples")

    def __str__(self) -> str:
        return f"{self.category_id}: {self.text[:40]}"


class RoutingModel(models.Model):
    """A retrained routing model. Its file is kept in private storage (the object store when
    there is one), so every host loads the same model; the one `in_use` routes complaints."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    accuracy = models.FloatField(_("accuracy"))
    examples = models.PositiveIntegerField(_("examples"))
    corrections = models.PositiveIntegerField(_("corrections"))
    in_use = models.BooleanField(_("in use"), default=False)

    class Meta:
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")
        constraints = [
            models.UniqueConstraint(
                fields=["in_use"], condition=Q(in_use=True), name="one_routing_model_in_use"
            )
        ]

    def __str__(self) -> str:
        return self.version


class Support(models.Model):
    """One citizen's "saya juga" on a complaint: once per signed-in user or browser."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="supports", verbose_name=_("complaint")
    )
    supporter_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "supporter_key"], name="one_support_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} +1"


class Follower(models.Model):
    """Someone who follows a published complaint by e-mail: active once confirmed from the
    e-mail (double opt-in), ended with one click, and ended by itself when the complaint is.

    The address is personal data: never shown, only used to send the public news of the
    complaint, and removed by retention and erasure (balaikota.privacy).
    """

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="followers", verbose_name=_("complaint")
    )
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        indexes = [
            models.Index(
                fields=["complaint"],
                name="follower_active_idx",
                condition=Q(confirmed_at__isnull=False, ended_at__isnull=True),
            ),
            models.Index(fields=["email", "created_at"], name="follower_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None

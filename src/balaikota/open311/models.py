from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookScope(models.TextChoices):
    OWN = "own", _("Only the requests this key posted")
    ALL = "all", _("Every public complaint")


class Scope(models.TextChoices):
    """What a key may do. A key holds one or more; nothing else is allowed to it."""

    PUBLIC_READ = "public-read", _("Public read")
    INTAKE = "intake", _("Complaint intake")
    AGENCY = "agency", _("An agency's complaints")


class ApiClient(models.Model):
    """An organisation's key to the Open311 API and /api/v1 (a community app, an agency's
    system).

    Only a hash of the key is stored; the key itself is shown once, when it is created. A key
    of an agency acts through its own staff account (`account`), a member of that agency only,
    so that the staff pages' services, permission checks and audit apply to it unchanged.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), help_text=_("0 uses the server's default.")
    )
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=128,
        blank=True,
        help_text=_("Shared secret for the X-Balaikota-Signature header."),
    )
    webhook_scope = models.CharField(
        _("webhook sends"), max_length=4, choices=WebhookScope.choices, default=WebhookScope.OWN
    )
    scope_public_read = models.BooleanField(
        _("public read"),
        default=False,
        help_text=_("Read what the public may read: complaints, categories, regions."),
    )
    scope_intake = models.BooleanField(
        _("complaint intake"),
        default=False,
        help_text=_("Post complaints, through Open311 and /api/v1, as this key's application."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("agency"),
        help_text=_(
            "Set to let this key read the agency's complaints (the reporter of an anonymous "
            "one stays hidden) and accept, update, resolve or return them."
        ),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="api_client",
        verbose_name=_("acts as"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        indexes = [
            models.Index(
                fields=["webhook_scope"],
                name="apiclient_webhook_idx",
                condition=~models.Q(webhook_url="") & models.Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def scopes(self) -> frozenset[Scope]:
        held = {
            Scope.PUBLIC_READ: self.scope_public_read,
            Scope.INTAKE: self.scope_intake,
            Scope.AGENCY: self.agency_id is not None,
        }
        return frozenset(scope for scope, on in held.items() if on)

    def has_scope(self, scope: Scope) -> bool:
        return scope in self.scopes


class ClientRequest(models.Model):
    """A complaint posted through Open311: by which client, with which token."""

    complaint = models.OneToOneField(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        related_name="open311",
        verbose_name=_("complaint"),
    )
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="requests", verbose_name=_("API client")
    )
    token = models.CharField(_("token"), max_length=40, unique=True)
    device_id = models.CharField(_("device"), max_length=100, blank=True)
    account_id = models.CharField(_("account"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("request posted through Open311")
        verbose_name_plural = _("requests posted through Open311")
        indexes = [models.Index(fields=["client", "created_at"], name="clientrequest_client_idx")]

    def __str__(self) -> str:
        return self.token


class ForwardingTarget(models.Model):
    """Another GeoReport v2 system that receives complaints of an agency or a category
    (as a national system like SP4N-LAPOR! takes them)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    endpoint = models.URLField(
        _("Open311 endpoint"), help_text=_("Base URL, e.g. https://example.go.id/open311/v2/")
    )
    api_key = models.CharField(_("API key"), max_length=200)
    jurisdiction_id = models.CharField(_("jurisdiction"), max_length=100, blank=True)
    service_code = models.CharField(
        _("their service code"),
        max_length=60,
        blank=True,
        help_text=_("Empty sends our category's code."),
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("complaints sent to this agency"),
    )
    category = models.ForeignKey(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("complaints of this category"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    accepts_confidential = models.BooleanField(
        _("may receive confidential complaints"),
        default=False,
        help_text=_(
            "The other system publishes what it receives unless it keeps complaints "
            "confidential (as SP4N-LAPOR! can). Tick only when it does: a confidential "
            "complaint is otherwise never sent to it, by rule or by hand."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("forwarding target")
        verbose_name_plural = _("forwarding targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(category__isnull=False),
                name="forward_needs_agency_or_category",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ForwardState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Forward(models.Model):
    """One complaint sent to one forwarding target, and what that system says about it."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.CASCADE,
        related_name="forwards",
        verbose_name=_("complaint"),
    )
    target = models.ForeignKey(
        ForwardingTarget, on_delete=models.PROTECT, related_name="forwards", verbose_name=_("to")
    )
    state = models.CharField(
        _("state"), max_length=8, choices=ForwardState.choices, default=ForwardState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    remote_token = models.CharField(_("their token"), max_length=100, blank=True)
    remote_id = models.CharField(_("their request id"), max_length=100, blank=True)
    remote_status = models.CharField(_("their status"), max_length=20, blank=True)
    remote_notes = models.TextField(_("their notes"), blank=True)
    remote_updated_at = models.DateTimeField(_("their last change"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    polled_at = models.DateTimeField(_("last asked"), null=True, blank=True)
    # Set when an operator sent it by hand; empty when a rule did.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by hand by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("forwarded complaint")
        verbose_name_plural = _("forwarded complaints")
        constraints = [models.UniqueConstraint(fields=["complaint", "target"], name="forward_once")]
        indexes = [
            models.Index(fields=["state", "remote_status", "polled_at"], name="forward_poll_idx")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.target_id}"

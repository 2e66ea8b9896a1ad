"""The performance auction (lelang kinerja): indicators, targets, auctions, offers,
answers, commitments (PK), check-ins, reviews and reassignments.

Status fields are written only by `performance.services`; every change is an `Event`
row (with the status before and after) and an audit entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from balaikota.performance import scoring


class Polarity(models.TextChoices):
    UP = scoring.Polarity.UP.value, _("Higher is better")
    DOWN = scoring.Polarity.DOWN.value, _("Lower is better")
    RANGE = scoring.Polarity.RANGE.value, _("Within a range")


class Method(models.TextChoices):
    SELISIH = scoring.Method.SELISIH.value, _("Difference (selisih)")
    RASIO = scoring.Method.RASIO.value, _("Ratio (rasio)")


class Aggregation(models.TextChoices):
    SUM = scoring.Aggregation.SUM.value, _("Cumulative sum")
    LAST = scoring.Aggregation.LAST.value, _("Last value")
    AVERAGE = scoring.Aggregation.AVERAGE.value, _("Average")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by the holder")
    FOLLOWUP_SHARE = (
        "complaints_followup_share",
        _("Complaints: share followed up within the deadline (%)"),
    )
    RESOLVE_DAYS = "complaints_resolve_days", _("Complaints: median working days to resolve")
    OVERDUE = "complaints_overdue", _("Complaints: overdue count")
    RATING = "complaints_rating", _("Complaints: mean citizen rating")


class BandChoice(models.TextChoices):
    VERY_HIGH = scoring.Band.VERY_HIGH.value, _("Very high")
    HIGH = scoring.Band.HIGH.value, _("High")
    MEDIUM = scoring.Band.MEDIUM.value, pgettext_lazy("band", "Medium")
    LOW = scoring.Band.LOW.value, _("Low")
    VERY_LOW = scoring.Band.VERY_LOW.value, _("Very low")


class TrackStatus(models.TextChoices):
    ON_TRACK = scoring.Status.ON_TRACK.value, _("On track")
    AT_RISK = scoring.Status.AT_RISK.value, _("At risk")
    OFF_TRACK = scoring.Status.OFF_TRACK.value, _("Off track")
    NO_DATA = scoring.Status.NO_DATA.value, _("No data")


class Indicator(models.Model):
    name = models.CharField(_("name"), max_length=250)
    unit = models.CharField(_("unit"), max_length=40)
    polarity = models.CharField(_("polarity"), max_length=5, choices=Polarity.choices)
    method = models.CharField(
        _("method for lower is better"),
        max_length=7,
        choices=Method.choices,
        default=Method.SELISIH,
    )
    aggregation = models.CharField(
        _("aggregation over the year"), max_length=7, choices=Aggregation.choices
    )
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    source = models.CharField(
        _("data source"), max_length=30, choices=Source.choices, default=Source.MANUAL
    )
    mission = models.CharField(_("RPJMD mission"), max_length=250, blank=True)
    goal = models.CharField(_("RPJMD goal"), max_length=250, blank=True)
    is_key = models.BooleanField(_("key performance indicator (IKU)"), default=False)
    # The cascade: the RPJMD indicator this one counts towards, if any; the Renstra targets
    # it measures are `renstra_targets` (one per agency that commits to it).
    rpjmd_indicator = models.ForeignKey(
        "RpjmdIndicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pk_indicators",
        verbose_name=_("RPJMD indicator"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def from_complaints(self) -> bool:
        return self.source != Source.MANUAL

    @property
    def rpjmd_mission(self) -> str:
        """The RPJMD mission from the cascade when linked, else the text typed before it."""
        if self.rpjmd_indicator is not None:
            return self.rpjmd_indicator.target.goal.mission or self.mission
        return self.mission


class Target(models.Model):
    """An indicator's target for one year: a value (or a range) and four quarterly ones."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("year's target"), null=True, blank=True)
    low = models.FloatField(_("range from"), null=True, blank=True)
    high = models.FloatField(_("range to"), null=True, blank=True)
    q1 = models.FloatField(_("TW I target"), null=True, blank=True)
    q2 = models.FloatField(_("TW II target"), null=True, blank=True)
    q3 = models.FloatField(_("TW III target"), null=True, blank=True)
    q4 = models.FloatField(_("TW IV target"), null=True, blank=True)

    class Meta:
        ordering = ["year", "indicator__name"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class QuarterValues(models.Model):
    """The values of a package item: the year's target, range and the four quarters."""

    value = models.FloatField(_("year's target"), null=True, blank=True)
    low = models.FloatField(_("range from"), null=True, blank=True)
    high = models.FloatField(_("range to"), null=True, blank=True)
    q1 = models.FloatField(_("TW I target"), null=True, blank=True)
    q2 = models.FloatField(_("TW II target"), null=True, blank=True)
    q3 = models.FloatField(_("TW III target"), null=True, blank=True)
    q4 = models.FloatField(_("TW IV target"), null=True, blank=True)

    class Meta:
        abstract = True

    def quarter_target(self, quarter: int) -> float | None:
        return getattr(self, f"q{quarter}")

    def values_dict(self) -> dict[str, float | None]:
        return {k: getattr(self, k) for k in ("value", "low", "high", "q1", "q2", "q3", "q4")}


class Auction(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateTimeField(_("answer by"))
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("auction round")
        verbose_name_plural = _("auction rounds")

    def __str__(self) -> str:
        return self.title


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    COUNTERED = "countered", _("Counter-proposal")
    DECLINED = "declined", _("Declined")
    COMMITTED = "committed", _("Committed, waiting for the panel")
    ACCEPTED = "accepted", _("Agreement signed")
    REASSIGNING = "reassigning", _("Being reassigned")
    # The mayor decided; the post and its rights are the appointee's, its targets become
    # theirs when they confirm their own pact of integrity.
    APPOINTED = "appointed", _("Appointed, waiting for the new holder's pact")
    REASSIGNED = "reassigned", _("Reassigned")


class Offer(models.Model):
    """A package of targets offered to a position in an auction round."""

    auction = models.ForeignKey(
        Auction, on_delete=models.CASCADE, related_name="offers", verbose_name=_("auction round")
    )
    position = models.ForeignKey(
        "agencies.Position",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("position"),
    )
    official = models.ForeignKey(
        "agencies.Official",
        null=True,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("offered to"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The signed agreement (PK): the pact of integrity's hash, and the PDF's once made.
    pact_hash = models.CharField(_("pact of integrity hash"), max_length=64, blank=True)
    pdf_hash = models.CharField(_("agreement PDF hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["auction", "position__agency__short_name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["auction", "position"], name="one_offer_per_position")
        ]
        indexes = [models.Index(fields=["status", "auction"], name="offer_status_idx")]

    def __str__(self) -> str:
        return f"{self.auction} — {self.position}"


class OfferItem(QuarterValues):
    """One target in an offer's package, with the values currently offered."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="items")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="offer_items")

    class Meta:
        ordering = ["id"]
        verbose_name = _("offered target")
        verbose_name_plural = _("offered targets")

    def __str__(self) -> str:
        return str(self.target)


class Answer(models.Model):
    class Kind(models.TextChoices):
        COMMIT = "commit", _("Commit (sanggup)")
        COUNTER = "counter", _("Counter-proposal")
        DECLINE = "decline", _("Decline (tidak sanggup)")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="answers")
    revision = models.PositiveSmallIntegerField(_("offer revision"))
    kind = models.CharField(_("answer"), max_length=7, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    official = models.ForeignKey(
        "agencies.Official", null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    # {"1": "...", ..., "4": "..."}: the action plan per quarter (rencana aksi).
    action_plan = models.JSONField(_("action plan"), default=dict, blank=True)
    # {"<item id>": {"value": ..., "q1": ...}}: the values proposed instead.
    proposal = models.JSONField(_("proposed values"), default=dict, blank=True)
    pact_confirmed_at = models.DateTimeField(_("pact confirmed"), null=True, blank=True)
    pact_hash = models.CharField(_("pact of integrity hash"), max_length=64, blank=True)
    is_automatic = models.BooleanField(_("no answer by the deadline"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.offer_id} {self.kind}"


class Agreement(models.Model):
    """One signed version of a post's performance agreement (PK): the PDF exactly as the
    city signed it (in the private storage, served as stored), its SHA-256, and the short
    code of its public verification page (/kinerja/pk/<code>). A new holder's or an amended
    agreement supersedes the post's previous one."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed")
        AMENDED = "amended", _("Amended")

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="agreements")
    code = models.CharField(_("code"), max_length=12, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    official = models.ForeignKey(
        "agencies.Official", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder")
    )
    is_acting = models.BooleanField(_("acting holder (Plt)"), default=False)
    pact_hash = models.CharField(_("pact of integrity hash"), max_length=64)
    # What was signed, as printed: [{"indicator", "unit", "target", "q1".."q4"}, ...].
    lines = models.JSONField(_("targets"), default=list)
    signed_at = models.DateTimeField(_("signed"))
    file = models.CharField(_("file"), max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    signed_by = models.CharField(_("certificate"), max_length=300)
    is_demo = models.BooleanField(_("demo signature"), default=False)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("superseded by"),
    )

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("signed agreement")
        verbose_name_plural = _("signed agreements")

    def __str__(self) -> str:
        return self.code


class CommitmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    TRANSFERRED = "transferred", _("Passed to a new holder")


class Commitment(QuarterValues):
    """One indicator's target agreed by the holder of a position (a line of the PK)."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="commitments")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="commitments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    position = models.ForeignKey(
        "agencies.Position", on_delete=models.PROTECT, related_name="+", verbose_name=_("position")
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    official = models.ForeignKey(
        "agencies.Official", on_delete=models.PROTECT, related_name="+", verbose_name=_("holder")
    )
    is_acting = models.BooleanField(_("acting holder (Plt)"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.ACTIVE,
    )
    amends = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
        verbose_name=_("amends"),
    )
    action_plan = models.JSONField(_("action plan"), default=dict, blank=True)
    signed_at = models.DateTimeField(_("signed"))
    # The signed document this line is part of.
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("signed agreement"),
    )

    class Meta:
        ordering = ["agency__short_name", "indicator__name"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["year", "status"], name="commitment_year_idx"),
            models.Index(fields=["agency", "year"], name="commitment_agency_idx"),
            models.Index(fields=["official", "status"], name="commitment_official_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.position} {self.year}"

    @property
    def goal(self) -> scoring.Goal:
        return scoring.Goal(
            scoring.Polarity(self.indicator.polarity),
            scoring.Method(self.indicator.method),
            self.value,
            self.low,
            self.high,
        )


class Confidence(models.TextChoices):
    HIGH = "high", pgettext_lazy("confidence", "High")
    MEDIUM = "medium", pgettext_lazy("confidence", "Medium")
    LOW = "low", pgettext_lazy("confidence", "Low")


class CheckInStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for verification")
    RETURNED = "returned", _("Returned for correction")
    VERIFIED = "verified", _("Verified")
    SUPERSEDED = "superseded", _("Replaced by a correction")


class CheckIn(models.Model):
    """A quarter's report on a commitment. Verified ones are locked: a correction is a
    new revision, and the old one is kept as superseded."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="check_ins")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.DRAFT
    )
    actual = models.FloatField(_("actual"), null=True, blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=6, choices=Confidence.choices, blank=True
    )
    # The score as computed when the actual was submitted, with the method that produced it.
    achievement = models.FloatField(_("achievement (%)"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=9, choices=BandChoice.choices, blank=True)
    method = models.CharField(_("computed with"), max_length=20, blank=True)
    computed = models.JSONField(_("computed from complaints"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("verified or returned"), null=True, blank=True)
    review_note = models.TextField(_("verifier's note"), blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["commitment", "quarter", "revision"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["status", "submitted_at"], name="checkin_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "quarter", "revision"], name="one_checkin_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} TW{self.quarter} r{self.revision}"

    @property
    def quarter_target(self) -> float | None:
        return self.commitment.quarter_target(self.quarter)

    @property
    def is_locked(self) -> bool:
        return self.status in {CheckInStatus.VERIFIED, CheckInStatus.SUPERSEDED}

    @property
    def method_label(self) -> str:
        """How the achievement was computed, in words ("up", "down/selisih" as stored)."""
        if not self.method:
            return ""
        polarity, _sep, method = self.method.partition("/")
        words = [str(Polarity(polarity).label) if polarity in Polarity.values else polarity]
        if method:
            words.append(str(Method(method).label) if method in Method.values else method)
        return ", ".join(words)


class Evidence(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="evidence")
    # The path in the private storage: evidence may name people, so it is never in the
    # public media folder and is served only through a view that checks who asks.
    file = models.CharField(_("file"), max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class Recommendation(models.TextChoices):
    COACHING = "coaching", _("Coaching")
    REVISED_PLAN = "revised_plan", _("Revised action plan")
    REASSIGNMENT = "reassignment", _("Reassignment")


class Review(models.Model):
    """Opened after two consecutive off-track quarters."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RECOMMENDED = "recommended", _("Recommendation recorded")
        DECIDED = "decided", _("Decided")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reviews")
    quarter = models.PositiveSmallIntegerField(_("opened after quarter"))
    state = models.CharField(_("state"), max_length=11, choices=State.choices, default="open")
    recommendation = models.CharField(
        _("recommendation"), max_length=12, choices=Recommendation.choices, blank=True
    )
    recommendation_note = models.TextField(_("recommendation note"), blank=True)
    decision = models.CharField(
        _("mayor's decision"), max_length=12, choices=Recommendation.choices, blank=True
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "quarter"], name="one_review_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.commitment} TW{self.quarter}"


class Reassignment(models.Model):
    """A post's package offered to a pool of eligible officials; the mayor decides."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="reassignments")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.PROTECT, related_name="reassignments"
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=7, choices=State.choices, default="open")
    candidates = models.ManyToManyField(
        "agencies.Official", related_name="+", verbose_name=_("candidates")
    )
    chosen = models.ForeignKey(
        "agencies.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appointed"),
    )
    is_acting = models.BooleanField(_("acting (Plt)"), default=False)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reassignment")
        verbose_name_plural = _("reassignments")
        constraints = [
            models.UniqueConstraint(
                fields=["offer"], condition=Q(state="open"), name="one_open_reassignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer}"


class Event(models.Model):
    """One step of the auction or the monitoring, with who and when.

    `subject` names the object whose status moved (offer, commitment, check-in, review,
    reassignment); from/to are that object's status before and after.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    subject = models.CharField(_("object type"), max_length=20)
    subject_id = models.PositiveBigIntegerField(_("object"))
    from_status = models.CharField(_("from status"), max_length=12, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("performance event")
        verbose_name_plural = _("performance events")
        indexes = [models.Index(fields=["subject", "subject_id"], name="perf_event_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject}:{self.subject_id} {self.action} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    @property
    def from_label(self) -> str:
        return _status_label(self.subject, self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.subject, self.to_status)


# What each step of the auction and the monitoring is called on the pages.
EVENT_ACTIONS = {
    "create_indicator": _("indicator created"),
    "set_target": _("target set"),
    "copy_target": _("target copied to the next year"),
    "open_auction": _("auction opened"),
    "offer": _("offer made"),
    "commit": _("committed"),
    "counter": _("counter-proposal"),
    "decline": _("declined"),
    "decline_by_deadline": _("declined: no answer by the deadline"),
    "revise_offer": _("offer revised"),
    "accept": _("accepted"),
    "sign": _("agreement signed"),
    "amend": _("agreement amended"),
    "agreement_pdf": _("agreement document made"),
    "open_reassignment": _("reassignment opened"),
    "decide_reassignment": _("reassignment decided"),
    "reassign": _("post reassigned"),
    "appoint": _("appointee named, waiting for their pact"),
    "confirm_pact": _("pact confirmed by the new holder"),
    "draft_check_in": _("check-in drafted from complaint figures"),
    "submit_check_in": _("check-in sent"),
    "correct_check_in": _("check-in corrected"),
    "verify_check_in": _("check-in verified"),
    "return_check_in": _("check-in returned for correction"),
    "supersede_check_in": _("check-in replaced by a correction"),
    "open_review": _("review opened"),
    "recommend": _("recommendation given"),
    "decide_review": _("review decided"),
}

_STATUSES: dict[str, type[models.TextChoices]] = {
    "auction": Auction.State,
    "offer": OfferStatus,
    "commitment": CommitmentStatus,
    "checkin": CheckInStatus,
    "review": Review.State,
    "reassignment": Reassignment.State,
}


def _status_label(subject: str, value: str) -> str:
    choices = _STATUSES.get(subject)
    if not value or choices is None or value not in choices.values:
        return value
    return str(choices(value).label)


class Reminder(models.Model):
    """A check-in reminder sent: each (commitment, quarter, days before) only once."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "quarter", "days_before"], name="one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} TW{self.quarter} -{self.days_before}"


class DeadlineReminder(models.Model):
    """A reminder of a deadline with a consequence, sent once per (kind, object, stage):
    an auction answer (silence is a decline) or a check-in waiting for its verifier."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("auction answer")
        QUEUE = "queue", _("verification queue")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # "<revision>:<days before>" for an answer (a revised offer is reminded afresh); the
    # days waiting for a check-in in the queue.
    stage = models.CharField(max_length=16)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "stage"], name="one_deadline_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.stage}"


# --- The cascade: RPJMD -> Renstra -> the PK's indicators -> programmes, activities, budget ---


class RpjmdGoal(models.Model):
    """A goal (tujuan) of the city's medium-term plan (RPJMD), under one of its missions."""

    period_start = models.PositiveSmallIntegerField(_("RPJMD from"))
    period_end = models.PositiveSmallIntegerField(_("RPJMD to"))
    mission = models.CharField(_("RPJMD mission"), max_length=250, blank=True)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("goal (tujuan)"), max_length=300)

    class Meta:
        ordering = ["period_start", "code"]
        verbose_name = _("RPJMD goal (tujuan)")
        verbose_name_plural = _("RPJMD goals (tujuan)")
        constraints = [
            models.UniqueConstraint(fields=["period_start", "code"], name="one_rpjmd_goal_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RpjmdTarget(models.Model):
    """A target (sasaran) of the RPJMD under one of its goals."""

    goal = models.ForeignKey(
        RpjmdGoal, on_delete=models.PROTECT, related_name="targets", verbose_name=_("goal")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("target (sasaran)"), max_length=300)

    class Meta:
        ordering = ["goal__period_start", "code"]
        verbose_name = _("RPJMD target (sasaran)")
        verbose_name_plural = _("RPJMD targets (sasaran)")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RpjmdIndicator(models.Model):
    """How an RPJMD target is measured: baseline, yearly targets and the period's end."""

    target = models.ForeignKey(
        RpjmdTarget, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("target")
    )
    name = models.CharField(_("name"), max_length=250)
    unit = models.CharField(_("unit"), max_length=40)
    polarity = models.CharField(_("polarity"), max_length=5, choices=Polarity.choices)
    method = models.CharField(
        _("method for lower is better"),
        max_length=7,
        choices=Method.choices,
        default=Method.SELISIH,
    )
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    end_target = models.FloatField(_("target at the end of the period"), null=True, blank=True)

    class Meta:
        ordering = ["target__code", "name"]
        verbose_name = _("RPJMD indicator")
        verbose_name_plural = _("RPJMD indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def end_goal(self) -> scoring.Goal:
        return scoring.Goal(
            scoring.Polarity(self.polarity), scoring.Method(self.method), self.end_target
        )


class RpjmdYearTarget(models.Model):
    indicator = models.ForeignKey(
        RpjmdIndicator, on_delete=models.CASCADE, related_name="yearly", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("target"))

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("RPJMD yearly target")
        verbose_name_plural = _("RPJMD yearly targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_rpjmd_target_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class RenstraTarget(models.Model):
    """An agency's strategic-plan target (sasaran Renstra), serving an RPJMD target."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="renstra_targets",
        verbose_name=_("agency"),
    )
    rpjmd_target = models.ForeignKey(
        RpjmdTarget,
        on_delete=models.PROTECT,
        related_name="renstra_targets",
        verbose_name=_("RPJMD target"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("target (sasaran)"), max_length=300)
    # The PK's indicators that measure this target: a commitment of this agency to one of
    # them reports on this target, and the budget of its programmes stands behind it.
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="renstra_targets", verbose_name=_("PK indicators")
    )

    class Meta:
        ordering = ["agency__short_name", "code"]
        verbose_name = _("Renstra target (sasaran)")
        verbose_name_plural = _("Renstra targets (sasaran)")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="one_renstra_target_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programme(models.Model):
    """A programme (program) of the agency behind a Renstra target."""

    renstra_target = models.ForeignKey(
        RenstraTarget,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("Renstra target"),
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("programme"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme (program)")
        verbose_name_plural = _("programmes (program)")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Activity(models.Model):
    """An activity (kegiatan) of a programme: where the budget is set and spent."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="activities", verbose_name=_("programme")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("activity"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("activity (kegiatan)")
        verbose_name_plural = _("activities (kegiatan)")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# Rupiah, to the sen: up to a hundred trillion.
RUPIAH = {"max_digits": 17, "decimal_places": 2, "default": Decimal(0)}


class ActivityBudget(models.Model):
    """An activity's budget ceiling (pagu) for a year and what was spent each quarter
    (realisasi anggaran), in rupiah."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("activity")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    ceiling = models.DecimalField(_("budget ceiling (pagu)"), **RUPIAH)  # type: ignore[arg-type]
    realised_q1 = models.DecimalField(_("TW I realisation"), **RUPIAH)  # type: ignore[arg-type]
    realised_q2 = models.DecimalField(_("TW II realisation"), **RUPIAH)  # type: ignore[arg-type]
    realised_q3 = models.DecimalField(_("TW III realisation"), **RUPIAH)  # type: ignore[arg-type]
    realised_q4 = models.DecimalField(_("TW IV realisation"), **RUPIAH)  # type: ignore[arg-type]

    class Meta:
        ordering = ["year", "activity__code"]
        verbose_name = _("activity budget")
        verbose_name_plural = _("activity budgets")
        # The cascade, the board and the LKjIP read one year's budget of the whole city.
        indexes = [models.Index(fields=["year"], name="activity_budget_year")]
        constraints = [
            models.UniqueConstraint(fields=["activity", "year"], name="one_budget_per_year"),
            models.CheckConstraint(condition=Q(ceiling__gte=0), name="budget_ceiling_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.year}"

    def realised(self, upto: int = 4) -> Decimal:
        """What was spent in the quarters up to `upto`."""
        return sum((getattr(self, f"realised_q{q}") for q in range(1, upto + 1)), Decimal(0))

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from urbis.core.models import SDG, BaseModel, Theme
from urbis.members.models import Organisation, Person

from .enums import (
    BudgetRange,
    NormalisationMethod,
    PairRuleKind,
    PanelKind,
    ReportStatus,
    ReviewStatus,
    Stage,
    SubmissionStatus,
)


class Award(BaseModel):
    """An award the association gives, e.g. the International Award for Urban Innovation."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    def __str__(self) -> str:
        return self.name


class Cycle(BaseModel):
    """One edition of an award, with its phases (stored in UTC, announced in its reference zone) and
    eligibility rules."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="cycles")
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    edition = models.ForeignKey("program.Edition", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="award_cycles")
    call_opens_at = models.DateTimeField(_("call opens"))
    call_closes_at = models.DateTimeField(_("call closes (submission deadline)"))
    screening_ends_at = models.DateTimeField(_("screening ends"))
    shortlisting_ends_at = models.DateTimeField(_("shortlisting ends"))
    jury_ends_at = models.DateTimeField(_("jury ends"))
    vote_opens_at = models.DateTimeField(_("public vote opens"))
    vote_closes_at = models.DateTimeField(_("public vote closes"))
    announced_at = models.DateTimeField(_("announcement"))
    time_zone = models.CharField(_("reference time zone"), max_length=64, default="UTC",
                                 help_text=_("The zone in which the cycle's deadlines are announced (IANA name)"))
    min_years_running = models.PositiveSmallIntegerField(_("initiative running for at least (years)"), default=1)
    eligible_kinds = models.JSONField(_("eligible applicant types"), default=list,
                                      help_text=_("Organisation kinds allowed to apply"))
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment (MB)"), default=10)
    showcase_public = models.BooleanField(_("showcase is public"), default=False)
    results_public = models.BooleanField(_("winners are announced"), default=False)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(call_closes_at__gt=F("call_opens_at")), name="cycle_call_closes_after_open"),
            models.CheckConstraint(condition=Q(vote_closes_at__gt=F("vote_opens_at")), name="cycle_vote_closes_after_open"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self):
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def phases(self) -> list[tuple[str, object, object]]:
        return [
            (str(_("Call for submissions")), self.call_opens_at, self.call_closes_at),
            (str(_("Screening")), self.call_closes_at, self.screening_ends_at),
            (str(_("Shortlisting")), self.screening_ends_at, self.shortlisting_ends_at),
            (str(_("Jury")), self.shortlisting_ends_at, self.jury_ends_at),
            (str(_("Public vote")), self.vote_opens_at, self.vote_closes_at),
            (str(_("Announcement")), self.announced_at, None),
        ]


class Submission(BaseModel):
    """An initiative submitted by a local or regional government to a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="submissions")
    applicant = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="award_submissions",
                                  verbose_name=_("applicant government"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="award_submissions")
    status = models.CharField(_("status"), max_length=20, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.DRAFT)
    title = models.CharField(_("initiative title"), max_length=200)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("world region"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    summary = models.TextField(_("summary"), max_length=1500)
    description = models.TextField(_("full description"))
    start_year = models.PositiveSmallIntegerField(_("start year"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IMPLEMENTATION)
    partners = models.TextField(_("partners"), blank=True)
    budget_range = models.CharField(_("budget range"), max_length=10, choices=BudgetRange.choices, blank=True)
    results = models.TextField(_("results and evidence"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    sdgs = models.ManyToManyField(SDG, blank=True, related_name="award_submissions", verbose_name=_("SDGs addressed"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="award_submissions",
                                    verbose_name=_("outcome areas and aspects"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["cycle", "title"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "applicant"], condition=~Q(status="withdrawn"),
                                    name="one_submission_per_applicant_per_cycle"),
        ]
        indexes = [models.Index(fields=["cycle", "status"]), models.Index(fields=["cycle", "country"])]

    def __str__(self) -> str:
        return self.title


class Attachment(BaseModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="awards/attachments/%Y/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class Panel(BaseModel):
    """A technical committee or a jury of a cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="panels")
    kind = models.CharField(_("kind"), max_length=30, choices=PanelKind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "kind"], name="one_panel_of_a_kind_per_cycle")]

    def __str__(self) -> str:
        return self.name


class PanelMember(BaseModel):
    """A person on a panel, with declared expertise."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="panel_seats")
    expertise_themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    expertise_sdgs = models.ManyToManyField(SDG, blank=True, related_name="+")
    regions = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["panel", "person"], name="one_seat_per_person_per_panel")]

    def __str__(self) -> str:
        return str(self.person)


class DeclaredConflict(BaseModel):
    """A conflict of interest a panel member declared, with an organisation or one submission."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="declared_conflicts")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=Q(organisation__isnull=False) | Q(submission__isnull=False), name="conflict_names_something")]


class Round(BaseModel):
    """A round of reviewing by one panel (screening by the committee, scoring by the jury)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="rounds")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(default=1)
    reviewers_per_submission = models.PositiveSmallIntegerField(_("reviewers per submission (k)"), default=3)
    one_per_region = models.BooleanField(_("at most one reviewer from the same region per submission"), default=False)
    pool_statuses = models.JSONField(default=list, help_text=_("Statuses of the submissions this round reviews"))
    method = models.CharField(_("ranking method"), max_length=20, choices=NormalisationMethod.choices,
                              default=NormalisationMethod.BIAS_MODEL)
    closes_at = models.DateTimeField(_("reviews due"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "position"]
        constraints = [models.CheckConstraint(condition=Q(reviewers_per_submission__gte=1), name="round_k_positive")]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.name}"

    @property
    def pool_label(self) -> str:
        """Which submissions the round reviews, in the words of the set-up page."""
        from .enums import RoundPool, pool_of_statuses

        pool = pool_of_statuses(self.pool_statuses)
        if pool:
            return str(RoundPool(pool).label)
        return ", ".join(str(SubmissionStatus(s).label) for s in self.pool_statuses or [] if s in SubmissionStatus.values)


class Criterion(BaseModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120)
    weight = models.FloatField(_("weight"), default=1.0)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=10)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_ordered"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class PairRule(BaseModel):
    """Staff pin (always assign) or forbid one reviewer–submission pair in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pair_rules")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PairRuleKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "submission", "member"], name="one_rule_per_pair")]


class AssignmentRun(BaseModel):
    """One run of the automatic assignment: what it optimised and how good that is."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="runs")
    solver = models.CharField(max_length=40)
    objective = models.FloatField()
    bound = models.FloatField()
    min_load = models.PositiveIntegerField()
    max_load = models.PositiveIntegerField()
    seconds = models.FloatField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]


class Assignment(BaseModel):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="assignments")
    affinity = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "submission", "member"], name="one_assignment_per_pair")]

    def __str__(self) -> str:
        return f"{self.member} → {self.submission}"


class Review(BaseModel):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    comment_to_staff = models.TextField(_("comment to staff"), blank=True)
    comment_to_applicant = models.TextField(_("comment to the applicant"), blank=True)
    abstain_reason = models.CharField(_("reason for abstaining"), max_length=300, blank=True)
    total = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=~Q(status="abstained") | ~Q(abstain_reason=""), name="abstain_needs_reason")]


class Score(models.Model):
    """One criterion's score; the scale is copied in so the database itself checks the range."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField()
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=F("scale_min")) & Q(value__lte=F("scale_max")),
                                   name="score_within_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class VoteRequest(BaseModel):
    """An e-mailed confirmation link for a public vote by someone who is not logged in."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="vote_requests")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)


class PublicVote(BaseModel):
    """One public vote: one per verified e-mail address per cycle, enforced by the database."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="public_votes")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="public_votes")
    email = models.EmailField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "email"], name="one_public_vote_per_email")]


class RankIntervals(BaseModel):
    """Bootstrapped rank intervals of a round, for one state of its reviews (computed by a background task).

    `state` is a digest of everything the ranking is computed from (rubric, submitted scores, method), so a
    new or changed review, a rubric change or another method gives a new state and the old intervals are
    never shown for it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="rank_intervals")
    state = models.CharField(max_length=64)
    method = models.CharField(max_length=20, choices=NormalisationMethod.choices)
    samples = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    intervals = models.JSONField(default=dict, blank=True, help_text="submission id → [lowest, highest] rank")
    seconds = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "state"], name="one_interval_set_per_round_state")]


class ReportJob(BaseModel):
    """A PDF of the SDG report being built by a background task."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="report_jobs")
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="awards/reports/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

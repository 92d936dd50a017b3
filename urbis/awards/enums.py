from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INELIGIBLE = "ineligible", _("Not eligible")
    DESERVING = "deserving", _("Deserving")
    SHORTLISTED = "shortlisted", _("Shortlisted (finalist)")
    WINNER = "winner", _("Winner")


# Staff decisions and the statuses they lead to, in the order of the cycle.
DECISION_STATUSES = (SubmissionStatus.INELIGIBLE, SubmissionStatus.SUBMITTED, SubmissionStatus.DESERVING,
                     SubmissionStatus.SHORTLISTED, SubmissionStatus.WINNER)
FINALIST_STATUSES = (SubmissionStatus.SHORTLISTED, SubmissionStatus.WINNER)


class Stage(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    IMPLEMENTATION = "implementation", _("Being implemented")
    MATURE = "mature", _("Mature / scaled up")


class BudgetRange(models.TextChoices):
    UNDER_100K = "lt100k", _("Under USD 100,000")
    UNDER_1M = "lt1m", _("USD 100,000 – 1 million")
    UNDER_10M = "lt10m", _("USD 1 – 10 million")
    OVER_10M = "gt10m", _("Over USD 10 million")


class PanelKind(models.TextChoices):
    TECHNICAL_COMMITTEE = "technical_committee", _("Technical committee")
    JURY = "jury", _("Jury")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ABSTAINED = "abstained", _("Abstained")


class PairRuleKind(models.TextChoices):
    PIN = "pin", _("Always assign")
    FORBID = "forbid", _("Never assign")


class NormalisationMethod(models.TextChoices):
    RAW_MEAN = "raw_mean", _("Raw mean")
    ZSCORE = "zscore", _("Per-reviewer z-score")
    BIAS_MODEL = "bias_model", _("Reviewer-bias model (least squares)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class RoundPool(models.TextChoices):
    """Which submissions a round reviews, as the secretariat says it; stored as the statuses it means."""

    ELIGIBLE = "eligible", _("All eligible submissions")
    DESERVING = "deserving", _("The deserving ones from the previous round")
    SHORTLISTED = "shortlisted", _("The shortlisted ones from the previous round")


POOL_STATUSES = {
    RoundPool.ELIGIBLE: [SubmissionStatus.SUBMITTED, SubmissionStatus.DESERVING, SubmissionStatus.SHORTLISTED,
                         SubmissionStatus.WINNER],
    RoundPool.DESERVING: [SubmissionStatus.DESERVING, SubmissionStatus.SHORTLISTED, SubmissionStatus.WINNER],
    RoundPool.SHORTLISTED: [SubmissionStatus.SHORTLISTED, SubmissionStatus.WINNER],
}


def pool_of_statuses(statuses) -> str:
    """The RoundPool a list of statuses is, or "" when it is none of them."""
    wanted = sorted(str(s) for s in statuses or [])
    for pool, pool_statuses in POOL_STATUSES.items():
        if sorted(str(s) for s in pool_statuses) == wanted:
            return str(pool)
    return ""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import MajorityRule as _MajorityRule
from .rules import QuorumRule as _QuorumRule


class MeetingKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    BOARD = "board", _("Board")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("In preparation")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")


class ItemKind(models.TextChoices):
    REPORT = "report", _("Report")
    MOTION = "motion", _("Motion (roll call)")
    ELECTION = "election", _("Secret election")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Not opened")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Voting closed")
    DONE = "done", _("Result published")


class VoteChoice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class QuorumRule(models.TextChoices):
    NONE = _QuorumRule.NONE.value, _("No quorum")
    MAJORITY = _QuorumRule.MAJORITY_OF_MEMBERS.value, _("More than half of the members present or represented")
    THIRD = _QuorumRule.THIRD_OF_MEMBERS.value, _("At least one third of the members present or represented")
    TWO_THIRDS = _QuorumRule.TWO_THIRDS_OF_MEMBERS.value, _("At least two thirds of the members present or represented")


class MajorityRule(models.TextChoices):
    SIMPLE = _MajorityRule.SIMPLE.value, _("Simple majority (more yes than no)")
    ABSOLUTE = _MajorityRule.ABSOLUTE.value, _("Absolute majority of votes cast (abstentions count)")
    TWO_THIRDS = _MajorityRule.TWO_THIRDS.value, _("Two thirds of yes and no votes")
    TWO_THIRDS_WITH_ABSTENTIONS = _MajorityRule.TWO_THIRDS_WITH_ABSTENTIONS.value, _(
        "Two thirds of votes cast, abstentions included")
    ABSOLUTE_OF_ELECTORATE = _MajorityRule.ABSOLUTE_OF_ELECTORATE.value, _("More than half of the whole electorate")


class ElectionStatus(models.TextChoices):
    SETUP = "setup", _("Being set up")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    TALLIED = "tallied", _("Tallied")


class CeremonyStatus(models.TextChoices):
    """The trustees' dealerless key ceremony (docs/decisions/0006)."""

    KEYS = "keys", _("Waiting for trustee keys")
    DEALINGS = "dealings", _("Waiting for dealings")
    CONFIRMATIONS = "confirmations", _("Waiting for confirmations")
    READY = "ready", _("Key ready")
    FAILED = "failed", _("Failed")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class AttachmentVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Delegates of the meeting only")


class CountingRule(models.TextChoices):
    """How a secret-election question is counted (verifier/counting.py)."""

    LIMITED = "limited", _("Limited vote: the candidates with the most votes take the seats")
    ABSOLUTE_MAJORITY = "absolute_majority", _(
        "Absolute majority of valid votes; otherwise a second round between the two leading candidates")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DELEGATE = "delegate", _("Delegate of a member government")
    SPEAKER = "speaker", _("Speaker")
    PARTNER = "partner", _("Partner")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    NGO = "ngo", _("NGO")
    ACADEMIA = "academia", _("Academia")
    PRESS = "press", _("Press")
    STAFF = "staff", _("Staff")
    GUEST = "guest", _("Guest")


# Badge colours per category (printed as a band on the badge and used in the dashboard).
CATEGORY_COLOURS = {
    Category.DELEGATE: "#1f5f8b",
    Category.SPEAKER: "#b3261e",
    Category.PARTNER: "#2e7d32",
    Category.INTERNATIONAL_ORGANISATION: "#6a1b9a",
    Category.NGO: "#00838f",
    Category.ACADEMIA: "#ef6c00",
    Category.PRESS: "#37474f",
    Category.STAFF: "#000000",
    Category.GUEST: "#8d6e63",
}


class Mode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("Waiting list")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class ScanResult(models.TextChoices):
    CHECKED_IN = "checked_in", _("Checked in")
    ALREADY = "already", _("Already checked in")
    REFUSED = "refused", _("Refused")

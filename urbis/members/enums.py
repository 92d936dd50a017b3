from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MEMBER_GOVERNMENT = "member_government", _("Member government")
    LOCAL_GOVERNMENT = "local_government", _("Local or regional government")
    PARTNER = "partner", _("Partner")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    NGO = "ngo", _("NGO")
    ACADEMIA = "academia", _("Academia")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    MEDIA = "media", _("Media")


class MembershipStatus(models.TextChoices):
    NONE = "none", _("Not a member")
    ACTIVE = "active", _("Active member")
    SUSPENDED = "suspended", _("Suspended")
    FORMER = "former", _("Former member")


class PersonFunction(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    GOVERNOR = "governor", _("Governor")
    DEPUTY_MAYOR = "deputy_mayor", _("Deputy mayor")
    CITY_MANAGER = "city_manager", _("City manager")
    OFFICIAL = "official", _("Official")
    EXPERT = "expert", _("Expert")
    RESEARCHER = "researcher", _("Researcher")
    JOURNALIST = "journalist", _("Journalist")
    REPRESENTATIVE = "representative", _("Representative")
    OTHER = "other", _("Other")

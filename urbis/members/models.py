from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from urbis.core.models import BaseModel
from urbis.core.taxonomies import WORLD_REGIONS

from .enums import MembershipStatus, OrganisationKind, PersonFunction


class Organisation(BaseModel):
    """A member government, partner, international organisation, NGO, university, company or medium."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=40, choices=OrganisationKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    region = models.CharField(_("world region"), max_length=20, choices=WORLD_REGIONS, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    website = models.URLField(blank=True)
    membership_status = models.CharField(_("membership"), max_length=20, choices=MembershipStatus.choices,
                                         default=MembershipStatus.NONE)
    member_since = models.PositiveSmallIntegerField(_("member since"), null=True, blank=True)
    dues_paid = models.BooleanField(_("dues paid"), default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "membership_status"]), models.Index(fields=["country"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_member(self) -> bool:
        return self.membership_status == MembershipStatus.ACTIVE

    @property
    def country_name(self) -> str:
        from .countries import country_name

        return country_name(self.country)


class Person(BaseModel):
    """Someone the association knows: a mayor, an official, an expert, a speaker."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="person")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    slug = models.SlugField(max_length=220, unique=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("e.g. Mayor of Barcelona"))
    function = models.CharField(_("function"), max_length=20, choices=PersonFunction.choices, default=PersonFunction.OTHER)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="people", verbose_name=_("affiliation"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    public_profile = models.BooleanField(_("public profile"), default=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

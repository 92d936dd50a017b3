from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SDG(models.Model):
    """One of the 17 UN Sustainable Development Goals (loaded from core.taxonomies)."""

    number = models.PositiveSmallIntegerField(primary_key=True)
    short_name = models.CharField(max_length=80)
    colour = models.CharField(max_length=7)

    class Meta:
        ordering = ["number"]
        verbose_name = "SDG"

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.label}"

    @property
    def label(self) -> str:
        from .taxonomies import SDGS

        return str(SDGS[self.number - 1].short_name)


class ThemeKind(models.TextChoices):
    OUTCOME_AREA = "outcome_area", _("Congress outcome area")
    ASPECT = "aspect", _("Metropolitan aspect")


class Theme(models.Model):
    """A congress outcome area or a metropolitan aspect (loaded from core.taxonomies)."""

    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=ThemeKind.choices)
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from .taxonomies import METROPOLITAN_ASPECTS, OUTCOME_AREAS

        return str(dict(OUTCOME_AREAS + METROPOLITAN_ASPECTS).get(self.slug, self.name))


class AuditEntry(models.Model):
    """Who changed what, when. Never holds a ballot choice."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

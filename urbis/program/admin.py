"""Reference data of the programme (editions, parts, rooms, streams). Sessions are edited in the
programme editor at /staff/programme/, never here, so that every change goes through the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from urbis.core.errors import DomainError

from . import services
from .models import Edition, Part, ProgrammeVersion, Room, Stream


class EditionAdminForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = list(services.EDITION_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.validate_edition(slug=cleaned["slug"], name=cleaned["name"], starts_on=cleaned["starts_on"],
                                      ends_on=cleaned["ends_on"], time_zone=cleaned["time_zone"],
                                      format=cleaned["format"], exclude_pk=self.instance.pk)
        except DomainError as exc:
            raise ValidationError({exc.field: str(exc.message)} if exc.field in self.fields else str(exc.message),
                                  code=exc.code) from exc
        return cleaned


class PartInline(admin.TabularInline):
    model = Part
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionAdminForm
    list_display = ("name", "number", "starts_on", "ends_on", "time_zone", "venue_city", "is_current")
    list_filter = ("is_current", "format")
    search_fields = ("name", "slug", "venue_city")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PartInline]

    def save_model(self, request, obj, form, change):
        # Through the services: audit entries, and "current" moves from the previous edition.
        data = {f: form.cleaned_data[f] for f in services.EDITION_FIELDS}
        if change:
            saved = services.update_edition(edition=Edition.objects.get(pk=obj.pk), actor=request.user, **data)
        else:
            saved = services.create_edition(actor=request.user, **data)
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ("name", "edition", "position", "colour")
    list_filter = ("edition",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "edition", "venue", "capacity", "position")
    list_filter = ("edition",)
    search_fields = ("name", "venue")


@admin.register(Stream)
class StreamAdmin(admin.ModelAdmin):
    list_display = ("name", "edition", "platform", "url", "position")
    list_filter = ("edition",)
    search_fields = ("name", "platform")


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are made by publishing from the editor."""

    list_display = ("edition", "number", "published_at", "published_by", "note")
    list_filter = ("edition",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

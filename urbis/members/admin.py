from django.contrib import admin

from urbis.core.audit import log_action

from .models import Organisation, Person


class AuditedAdmin(admin.ModelAdmin):
    """Edits through the admin leave an audit entry like the services do."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "updated" if change else "created"
        log_action(obj, f"members.{obj._meta.model_name}.{verb}", actor=request.user,
                   data={"fields": sorted(form.changed_data), "via": "admin"})

    def delete_model(self, request, obj):
        log_action(obj, f"members.{obj._meta.model_name}.deleted", actor=request.user, data={"via": "admin"})
        super().delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "country", "city", "region", "membership_status", "member_since"]
    list_filter = ["kind", "membership_status", "region"]
    search_fields = ["name", "city", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["last_name", "first_name", "organisation", "function", "public_profile"]
    list_filter = ["function", "public_profile"]
    search_fields = ["first_name", "last_name", "email", "slug"]
    raw_id_fields = ["organisation", "user"]

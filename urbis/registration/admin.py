from django.contrib import admin

from .models import Certificate, CheckIn, DelegationContact, Registration, RegistrationSettings


@admin.register(RegistrationSettings)
class RegistrationSettingsAdmin(admin.ModelAdmin):
    list_display = ["edition", "is_open", "onsite_capacity", "min_online_minutes", "mode_change_deadline"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: statuses and seats change through the registration pages (services), never here."""

    list_display = ["last_name", "first_name", "edition", "category", "mode", "status"]
    list_filter = ["edition", "status", "mode", "category"]
    search_fields = ["last_name", "first_name", "email"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(DelegationContact)
class DelegationContactAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user"]
    raw_id_fields = ["user", "organisation"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["registration", "day", "session_code", "gate", "at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "registration", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

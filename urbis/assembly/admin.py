from django.contrib import admin

from .models import Meeting, Registrar


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "kind", "status"]
    readonly_fields = ["status", "opened_at", "closed_at"]


@admin.register(Registrar)
class RegistrarAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]

from django.contrib import admin

from .models import Award, Criterion, Cycle, DeclaredConflict, Panel, PanelMember, Round, Submission


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = ["name", "panel", "position", "reviewers_per_submission", "one_per_region", "method", "closes_at"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "call_closes_at", "showcase_public"]
    inlines = [RoundInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["title", "applicant", "country", "status"]
    list_filter = ["cycle", "status"]
    search_fields = ["title", "city"]
    readonly_fields = ["status", "decision_reason"]  # status changes only through services (audited)
    raw_id_fields = ["applicant", "submitted_by"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "cycle", "kind"]


class DeclaredConflictInline(admin.TabularInline):
    model = DeclaredConflict
    extra = 0
    raw_id_fields = ["organisation", "submission"]


@admin.register(PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "panel"]
    raw_id_fields = ["person"]
    filter_horizontal = ["expertise_themes", "expertise_sdgs"]
    inlines = [DeclaredConflictInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "round", "weight", "scale_min", "scale_max"]

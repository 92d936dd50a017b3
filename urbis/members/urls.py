from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("staff/import/", views.import_upload, name="import"),
    path("staff/import/confirm/", views.import_confirm, name="import_confirm"),
    path("staff/export/organisations/", views.export_organisations_view, name="export_organisations"),
    path("staff/export/people/", views.export_people_view, name="export_people"),
    path("<slug:slug>/", views.organisation_detail, name="organisation"),
]

"""Stable URLs of the programme exports (included at the site root, app namespace ``program``)."""

from django.urls import path

from . import views_exports

urlpatterns = [
    path("programme.ics", views_exports.programme_ics, name="export_programme_ics"),
    path("schedule.xml", views_exports.schedule_xml, name="export_schedule_xml"),
    path("schedule.json", views_exports.schedule_json, name="export_schedule_json"),
    path("sessions/<str:code>.ics", views_exports.session_ics, name="export_session_ics"),
    path("editions/<slug:slug>/programme.ics", views_exports.programme_ics, name="export_programme_ics_edition"),
    path("editions/<slug:slug>/schedule.xml", views_exports.schedule_xml, name="export_schedule_xml_edition"),
    path("editions/<slug:slug>/schedule.json", views_exports.schedule_json, name="export_schedule_json_edition"),
    path("editions/<slug:slug>/sessions/<str:code>.ics", views_exports.session_ics,
         name="export_session_ics_edition"),
]

from django.urls import path

from . import views

app_name = "registration"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/data.json", views.export_my_data, name="export_my_data"),
    path("me/delete/", views.delete_my_data, name="delete_my_data"),
    path("join/<str:code>/", views.join, name="join"),
    path("join/<str:code>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify_certificate"),
    path("staff/", views.staff_index, name="staff_index"),
    path("staff/<slug:slug>/", views.staff_list, name="staff_list"),
    path("staff/<slug:slug>/r/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<slug:slug>/r/<int:pk>/erase/", views.staff_erase, name="staff_erase"),
    path("staff/<slug:slug>/r/<int:pk>/<str:action>/", views.staff_decide, name="staff_decide"),
    path("staff/<slug:slug>/remind/", views.staff_remind, name="staff_remind"),
    path("staff/<slug:slug>/settings/", views.staff_settings, name="staff_settings"),
    path("staff/<slug:slug>/delegations/", views.staff_delegations, name="staff_delegations"),
    path("staff/<slug:slug>/delegations/<slug:org>/", views.staff_contacts, name="staff_contacts"),
    path("staff/<slug:slug>/delegations/<slug:org>/<int:pk>/remove/", views.staff_contact_remove,
         name="staff_contact_remove"),
    path("staff/<slug:slug>/badges.pdf", views.staff_badges, name="staff_badges"),
    path("staff/<slug:slug>/checkin/", views.checkin, name="checkin"),
    path("staff/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("staff/<slug:slug>/export/<str:name>.<str:fmt>", views.staff_export, name="staff_export"),
    path("<slug:slug>/", views.register, name="register"),
    path("<slug:slug>/me/", views.me, name="me"),
    path("<slug:slug>/me/mode/", views.change_mode, name="change_mode"),
    path("<slug:slug>/me/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/me/details/", views.details, name="details"),
    path("<slug:slug>/me/accept/", views.accept_offer, name="accept_offer"),
    path("<slug:slug>/me/sessions/<str:code>/", views.session_signup, name="session_signup"),
    path("<slug:slug>/me/badge.pdf", views.badge, name="badge"),
    path("<slug:slug>/me/certificate/", views.certificate, name="certificate"),
    path("<slug:slug>/delegation/<slug:org>/", views.delegation, name="delegation"),
    path("<slug:slug>/delegation/<slug:org>/<int:pk>/cancel/", views.delegation_cancel, name="delegation_cancel"),
]

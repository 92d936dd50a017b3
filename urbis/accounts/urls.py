from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("staff/roles/", views.role_overview, name="roles"),
    path("staff/roles/<int:grant_id>/revoke/", views.role_revoke, name="role_revoke"),
]

from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("staff/", views.staff_home, name="staff_home"),
    path("time-zone/", views.set_time_zone, name="set_time_zone"),
    path("staff/audit/", views.audit_log, name="audit_log"),
]

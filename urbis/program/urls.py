from django.urls import include, path

from . import views

app_name = "program"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("urbis.program.urls_public")),
    path("", include("urbis.program.urls_exports")),
    path("staff/programme/", include("urbis.program.urls_editor")),
    path("", include("urbis.program.urls_archive")),
]

from django.urls import include, path

from . import views

app_name = "program"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("urbis.program.urls_exports")),
]

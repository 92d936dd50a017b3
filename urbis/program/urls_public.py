from django.urls import path

from . import views_public as views

# Included at the site root under the app namespace "program".
urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("now/", views.now_and_next, name="now"),
    path("sessions/<str:code>/", views.session_detail, name="session"),
    path("sessions/<str:code>/bookmark/", views.session_bookmark, name="session_bookmark"),
    path("speakers/", views.speakers, name="speakers"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker"),
    path("agenda/", views.my_agenda, name="agenda"),
    path("agenda/feed/", views.agenda_feed, name="agenda_feed"),
    path("agenda.ics", views.agenda_download, name="agenda_download"),
    path("agenda/<str:token>.ics", views.agenda_ics, name="agenda_ics"),
]

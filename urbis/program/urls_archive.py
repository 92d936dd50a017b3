"""Public pages of any published edition under its slug (included LAST at the site root, after every
fixed prefix, so that a slug never hides another page; reserved slugs are refused by the model).

The current edition's pages keep their short URLs (/programme/, /sessions/<code>/ …); its own
/<edition-slug>/… URLs redirect there until another edition becomes current, then serve the archive."""

from django.urls import path

from . import views_public as views

urlpatterns = [
    path("editions/", views.editions, name="editions"),
    path("<slug:edition>/programme/", views.programme, name="archive_programme"),
    path("<slug:edition>/sessions/<str:code>/", views.session_detail, name="archive_session"),
    path("<slug:edition>/speakers/", views.speakers, name="archive_speakers"),
    path("<slug:edition>/speakers/<slug:slug>/", views.speaker_detail, name="archive_speaker"),
]

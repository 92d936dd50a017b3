"""Organiser pages of the programme, mounted at /staff/programme/ inside the ``program`` namespace."""

from django.urls import path

from . import views_editor as views

urlpatterns = [
    path("", views.editor, name="editor"),
    path("<slug:edition>/sessions/new/", views.session_new, name="editor_session_new"),
    path("sessions/<int:pk>/", views.session_edit, name="editor_session_edit"),
    path("sessions/<int:pk>/move/", views.session_move, name="editor_session_move"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="editor_session_cancel"),
    path("sessions/<int:pk>/restore/", views.session_restore, name="editor_session_restore"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="editor_session_delete"),
    path("<slug:edition>/publish/", views.publish, name="editor_publish"),
    path("<slug:edition>/versions/", views.versions, name="editor_versions"),
]

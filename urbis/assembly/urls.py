from django.urls import path

from . import views

app_name = "assembly"
urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("staff/", views.staff_meetings, name="staff_meetings"),
    path("staff/<slug:slug>/", views.staff_meeting, name="staff_meeting"),
    path("staff/<slug:slug>/<str:action>/", views.staff_action, name="staff_action"),
    path("elections/<uuid:public_id>/", views.board, name="board"),
    path("elections/<uuid:public_id>/record.json", views.record_download, name="record"),
    path("elections/<uuid:public_id>/vote/", views.vote_page, name="vote"),
    path("elections/<uuid:public_id>/registrar/", views.registrar_page, name="registrar"),
    path("elections/<uuid:public_id>/trustee/", views.trustee_page, name="trustee"),
    path("<slug:slug>/", views.meeting_detail, name="meeting"),
    path("<slug:slug>/live/", views.meeting_live, name="live"),
    path("<slug:slug>/minutes.pdf", views.minutes, name="minutes"),
    path("<slug:slug>/items/<int:item_id>/", views.item_detail, name="item"),
    path("<slug:slug>/items/<int:item_id>/vote/", views.roll_call_vote, name="roll_call_vote"),
    path("<slug:slug>/items/<int:item_id>/log.json", views.item_log, name="item_log"),
]

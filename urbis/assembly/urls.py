from django.urls import path

from . import views

app_name = "assembly"
urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("staff/", views.staff_meetings, name="staff_meetings"),
    path("staff/<slug:slug>/", views.staff_meeting, name="staff_meeting"),
    path("staff/<slug:slug>/minutes/", views.staff_minutes, name="staff_minutes"),
    path("staff/<slug:slug>/attachments/", views.staff_attachment_add, name="staff_attachment_add"),
    path("staff/<slug:slug>/attachments/<int:pk>/delete/", views.staff_attachment_delete,
         name="staff_attachment_delete"),
    path("staff/<slug:slug>/proxies/revoke/", views.staff_proxy_revoke, name="staff_proxy_revoke"),
    path("staff/<slug:slug>/items/<int:item_id>/edit/", views.staff_item_edit, name="staff_item_edit"),
    path("staff/<slug:slug>/items/<int:item_id>/<str:action>/", views.staff_item_action, name="staff_item_action"),
    path("staff/<slug:slug>/<str:action>/", views.staff_action, name="staff_action"),
    path("elections/<uuid:public_id>/", views.board, name="board"),
    path("elections/<uuid:public_id>/record.json", views.record_download, name="record"),
    path("elections/<uuid:public_id>/vote/", views.vote_page, name="vote"),
    path("elections/<uuid:public_id>/registrar/", views.registrar_page, name="registrar"),
    path("elections/<uuid:public_id>/trustee/", views.trustee_page, name="trustee"),
    path("<slug:slug>/", views.meeting_detail, name="meeting"),
    path("<slug:slug>/live/", views.meeting_live, name="live"),
    path("<slug:slug>/minutes.pdf", views.minutes, name="minutes"),
    path("<slug:slug>/proxy/", views.member_proxy, name="member_proxy"),
    path("<slug:slug>/documents/<int:pk>/", views.attachment_download, name="attachment"),
    path("<slug:slug>/items/<int:item_id>/", views.item_detail, name="item"),
    path("<slug:slug>/items/<int:item_id>/vote/", views.roll_call_vote, name="roll_call_vote"),
    path("<slug:slug>/items/<int:item_id>/log.json", views.item_log, name="item_log"),
]

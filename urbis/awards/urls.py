from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.cycle_list, name="cycles"),
    path("mine/", views.my_submissions, name="mine"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:assignment_id>/", views.review_detail, name="review"),
    path("vote/confirm/<str:token>/", views.vote_confirm, name="vote_confirm"),
    path("reports/<int:job_id>/", views.report_status, name="report_status"),
    path("reports/<int:job_id>/download/", views.report_download, name="report_download"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission"),
    path("submissions/<int:submission_id>/edit/", views.submission_edit, name="submission_edit"),
    path("submissions/<int:submission_id>/sdg-suggestions/", views.sdg_suggestions, name="sdg_suggestions_edit"),
    path("submissions/<int:submission_id>/submit/", views.submission_submit, name="submission_submit"),
    path("submissions/<int:submission_id>/withdraw/", views.submission_withdraw, name="submission_withdraw"),
    path("submissions/<int:submission_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("submissions/<int:submission_id>/decide/", views.submission_decide, name="submission_decide"),
    path("staff/rounds/<int:round_id>/", views.round_detail, name="round"),
    path("staff/rounds/<int:round_id>/assign/", views.round_assign, name="round_assign"),
    path("staff/rounds/<int:round_id>/rule/", views.round_rule, name="round_rule"),
    path("staff/rounds/<int:round_id>/remind/", views.round_remind, name="round_remind"),
    path("staff/rounds/<int:round_id>/ranking/", views.round_ranking, name="round_ranking"),
    path("staff/rounds/<int:round_id>/record.json", views.round_record_export, name="round_record"),
    path("<slug:slug>/", views.cycle_detail, name="cycle"),
    path("<slug:slug>/apply/", views.submission_new, name="apply"),
    path("<slug:slug>/apply/sdg-suggestions/", views.sdg_suggestions, name="sdg_suggestions"),
    path("<slug:slug>/staff/", views.staff_submissions, name="staff_submissions"),
    path("<slug:slug>/staff/export.<str:fmt>", views.staff_export, name="staff_export"),
    path("<slug:slug>/staff/message/", views.staff_message, name="staff_message"),
    path("<slug:slug>/staff/publication/", views.staff_publication, name="staff_publication"),
    path("<slug:slug>/showcase/", views.showcase, name="showcase"),
    path("<slug:slug>/showcase/<int:submission_id>/", views.showcase_entry, name="showcase_entry"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/report/", views.report, name="report"),
    path("<slug:slug>/report/pdf/", views.report_pdf_start, name="report_pdf"),
]

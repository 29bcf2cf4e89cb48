"""URLs of the MDT workflow (meetings, agenda, decisions, signing) and the case's report."""

from django.urls import path

from cases.mdt import report_views, views

app_name = "mdt"

urlpatterns = [
    path("mdt/", views.mdt_list, name="list"),
    path("mdt/<uuid:meeting_id>/", views.mdt_detail, name="meeting"),
    path("mdt/virtual/", views.mdt_virtual, name="virtual"),
    path("mdt/<uuid:meeting_id>/search/", views.mdt_search, name="search"),
    path("mdt/<uuid:meeting_id>/agenda/add/", views.mdt_agenda_add, name="agenda_add"),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/move/", views.mdt_agenda_move, name="agenda_move"),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/remove/", views.mdt_agenda_remove, name="agenda_remove"),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/decision/", views.mdt_decision, name="decision"),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/sign/", views.mdt_sign, name="sign"),
    path("mdt/<uuid:meeting_id>/printout/", views.mdt_printout, name="printout"),
    path("mdt/<uuid:meeting_id>/printout/<uuid:job_id>/", views.mdt_printout_status, name="printout_status"),
    path(
        "mdt/<uuid:meeting_id>/printout/<uuid:job_id>/printout.pdf",
        views.mdt_printout_download,
        name="printout_download",
    ),
    path("cases/<uuid:case_id>/mdt/add/", views.case_agenda_add, name="case_agenda_add"),
    path("cases/<uuid:case_id>/report/", report_views.case_report, name="report"),
    path("cases/<uuid:case_id>/report.pdf", report_views.case_report_pdf, name="report_pdf"),
    path("cases/<uuid:case_id>/report/amend/", report_views.case_report_amend, name="report_amend"),
]

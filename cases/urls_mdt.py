"""URLs of the MDT workflow and the case report."""

from django.urls import path

from cases.views import mdt, reports

urlpatterns = [
    path("mdt/", mdt.mdt_list, name="mdt_list"),
    path("mdt/<uuid:meeting_id>/", mdt.mdt_detail, name="mdt_detail"),
    path("mdt/virtual/", mdt.mdt_virtual, name="mdt_virtual"),
    path("mdt/<uuid:meeting_id>/search/", mdt.mdt_search, name="mdt_search"),
    path("mdt/<uuid:meeting_id>/agenda/add/", mdt.mdt_agenda_add, name="mdt_agenda_add"),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/move/", mdt.mdt_agenda_move, name="mdt_agenda_move"),
    path(
        "mdt/<uuid:meeting_id>/items/<uuid:item_id>/remove/", mdt.mdt_agenda_remove, name="mdt_agenda_remove"
    ),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/decision/", mdt.mdt_decision, name="mdt_decision"),
    path("mdt/<uuid:meeting_id>/items/<uuid:item_id>/sign/", mdt.mdt_sign, name="mdt_sign"),
    path("mdt/<uuid:meeting_id>/printout.pdf", mdt.mdt_printout, name="mdt_printout"),
    path("cases/<uuid:case_id>/mdt/add/", mdt.case_agenda_add, name="case_agenda_add"),
    path("cases/<uuid:case_id>/report/", reports.case_report, name="case_report"),
    path("cases/<uuid:case_id>/report.pdf", reports.case_report_pdf, name="case_report_pdf"),
    path("cases/<uuid:case_id>/report/amend/", reports.case_report_amend, name="case_report_amend"),
]

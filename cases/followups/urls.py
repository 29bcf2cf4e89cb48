"""URLs of the follow-up worklist (mounted at /followups/). No patient identifiers in any of them."""

from django.urls import path

from cases.followups import views

app_name = "followups"

urlpatterns = [
    path("", views.worklist, name="list"),
    path("export/", views.export, name="export"),
    path("export/<uuid:export_id>/", views.export_status, name="export_status"),
    path("export/<uuid:export_id>/download/", views.export_download, name="export_download"),
    path("print/", views.print_list, name="print"),
    path("flagged/", views.flagged, name="flagged"),
    path("safety-net/", views.safety_net, name="safety_net"),
    path("lost/", views.lost, name="lost"),
    path("case/<uuid:case_id>/close/", views.case_close, name="case_close"),
    path("case/<uuid:case_id>/letters/new/", views.case_letter_new, name="case_letter_new"),
    path("case/<uuid:case_id>/contact/", views.case_contact, name="case_contact"),
    path("letter/<uuid:letter_id>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("letter/<uuid:letter_id>/send/", views.letter_send, name="letter_send"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("item/<uuid:item_id>/<slug:action>/", views.item_action, name="item_action"),
    path("case/<uuid:case_id>/", views.case_followups, name="case"),
    path("case/<uuid:case_id>/add/", views.case_add_item, name="case_add"),
    path("case/<uuid:case_id>/adjuvant/", views.case_adjuvant, name="case_adjuvant"),
    path("case/<uuid:case_id>/interruption/", views.case_interruption, name="case_interruption"),
    path("case/<uuid:case_id>/regenerate/", views.case_regenerate, name="case_regenerate"),
    path("case/<uuid:case_id>/recurrent/", views.case_recurrent, name="case_recurrent"),
]

"""URLs of the follow-up worklist (mounted at /followups/). No patient identifiers in any of them."""

from django.urls import path

from cases.followups import views

app_name = "followups"

urlpatterns = [
    path("", views.worklist, name="list"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("print/", views.print_list, name="print"),
    path("flagged/", views.flagged, name="flagged"),
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

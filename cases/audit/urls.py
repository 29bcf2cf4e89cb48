"""History tab and archiving of cases and patients."""

from django.urls import path

from cases.audit import views

app_name = "audit"

urlpatterns = [
    path("cases/<uuid:case_id>/history/", views.case_history, name="history"),
    path("cases/<uuid:case_id>/archive/", views.case_archive_view, name="case_archive"),
    path("cases/<uuid:case_id>/unarchive/", views.case_unarchive_view, name="case_unarchive"),
    path("patients/<uuid:patient_id>/archive/", views.patient_archive_view, name="patient_archive"),
    path("patients/<uuid:patient_id>/unarchive/", views.patient_unarchive_view, name="patient_unarchive"),
]

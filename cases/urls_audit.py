"""History tab and archiving of cases and patients."""

from django.urls import path

from cases.views import audit

urlpatterns = [
    path("cases/<uuid:case_id>/history/", audit.case_history, name="case_history"),
    path("cases/<uuid:case_id>/archive/", audit.case_archive_view, name="case_archive"),
    path("cases/<uuid:case_id>/unarchive/", audit.case_unarchive_view, name="case_unarchive"),
    path("patients/<uuid:patient_id>/archive/", audit.patient_archive_view, name="patient_archive"),
    path("patients/<uuid:patient_id>/unarchive/", audit.patient_unarchive_view, name="patient_unarchive"),
]

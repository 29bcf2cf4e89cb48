"""FHIR endpoints of the JSON API (mounted under /api/v1/)."""

from django.urls import path

from cases.interop import views

app_name = "fhir"

urlpatterns = [
    path("cases/<uuid:case_id>/fhir", views.case_fhir, name="case_bundle"),
    path("fhir/import", views.fhir_import_api, name="import"),
]

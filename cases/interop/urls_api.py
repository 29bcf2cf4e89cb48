"""FHIR endpoints of the JSON API (mounted under /api/v1/)."""

from django.urls import path

from cases.interop import views

urlpatterns = [
    path("cases/<uuid:pk>/fhir", views.case_fhir, name="api_case_fhir"),
    path("fhir/import", views.fhir_import_api, name="api_fhir_import"),
]

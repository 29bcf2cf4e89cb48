"""Pages of the FHIR import and the register import."""

from django.urls import path

from cases.interop import views

app_name = "interop"

urlpatterns = [
    path("cases/import/fhir/", views.fhir_import_page, name="fhir_import"),
    path("cases/import/register/", views.register_import_page, name="register_import"),
    path("cases/import/register/template.csv", views.register_template, name="register_template"),
]

"""Pages of the FHIR import and the register import."""

from django.urls import path

from cases.interop import views

app_name = "interop"

urlpatterns = [
    path("cases/import/fhir/", views.fhir_import_page, name="fhir_import"),
    path("cases/import/register/", views.register_import_page, name="register_import"),
    path(
        "cases/import/register/<uuid:import_id>/", views.register_import_status, name="register_import_status"
    ),
    path(
        "cases/import/register/<uuid:import_id>/import/",
        views.register_import_now,
        name="register_import_now",
    ),
    path("cases/import/register/template.csv", views.register_template, name="register_template"),
]

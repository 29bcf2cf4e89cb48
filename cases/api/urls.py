"""The JSON API for hospital systems (token authentication), mounted at /api/v1/."""

from django.urls import path

from cases.api import views

app_name = "api"

urlpatterns = [
    path("assess", views.assess, name="assess"),
    path("openapi.json", views.openapi, name="openapi"),
]

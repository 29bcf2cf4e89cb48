"""The JSON API for hospital systems (token authentication)."""

from django.urls import path

from cases.views import api

urlpatterns = [
    path("assess", api.assess, name="api_assess"),
    path("openapi.json", api.openapi, name="api_openapi"),
]

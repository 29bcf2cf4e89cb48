"""URLs of the case records. Other capabilities (MDT, follow-ups, API) add their own url modules."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

"""A hand-written OpenAPI 3.0 description of the JSON API (served at /api/v1/openapi.json)."""

from __future__ import annotations

from django.http import HttpRequest


def openapi_schema(request: HttpRequest | None = None) -> dict:
    return {"openapi": "3.0.3", "info": {"title": "GISTCare API", "version": "1"}, "paths": {}}

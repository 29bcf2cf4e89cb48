"""Project-level views that belong to no feature."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for the reverse proxy or orchestrator: the app process answers. No database, no session, no
    template: also the floor the load benchmark measures the pages against (bench/load.py, "bare view")."""
    return HttpResponse("ok\n", content_type="text/plain")

"""The worklist's CSV as a user gets it (issue 16: written in the background, cases/followups/export_jobs.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse


def exported_csv(client: Client, params: dict | None = None) -> HttpResponse:
    """Ask for the export of a worklist tab with its filters (the worklist's button posts them in the query string),
    then download it: the tests run without a broker, so the job is written inside the POST, as by `make run`."""
    url = reverse("followups:export") + (f"?{urlencode(params)}" if params else "")
    response = client.post(url)
    assert response.status_code == 302, response.status_code
    status = response["Location"]
    assert client.get(status).status_code == 200
    download = client.get(status + "download/")
    assert download.status_code == 200, download.status_code
    return download


def csv_text(response: HttpResponse) -> str:
    """The file's text without the byte-order mark (it is there for Excel)."""
    return response.content.decode("utf-8-sig")

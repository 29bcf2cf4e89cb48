"""The case list's rows (issue 16): prepared once per page in Python and placed by Jinja2
(templates/jinja2/records/case_rows.html), as the worklist's are. What each cell prints, in both languages,
escaped; and the work a page does for its rows' words and links does not grow with the rows."""

from __future__ import annotations

import re
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.urls.resolvers import URLResolver
from django.utils import translation

from cases.models import Case
from tests.factories import CaseFactory, PatientFactory, PresentationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("records:list")


def _case(**kwargs) -> Case:
    owner = kwargs.pop("owner", None) or UserFactory(first_name="Mei", last_name="Lin")
    patient = PatientFactory(
        mrn=kwargs.pop("mrn", "CL-0001"),
        family_name=kwargs.pop("family_name", "Lovelace"),
        given_name=kwargs.pop("given_name", "Ada"),
    )
    site = kwargs.pop("site", "stomach")
    case = CaseFactory(patient=patient, owner=owner, **kwargs)
    if site:
        PresentationFactory(case=case, site=site, size_cm="6.5")
    # updated_at is set on every save: the row's date is set afterwards, by an update.
    Case.objects.filter(pk=case.pk).update(updated_at=datetime(2026, 11, 3, 10, 0, tzinfo=ZoneInfo("UTC")))
    return case


def _row(client, case: Case, language: str = "en") -> str:
    client.cookies["django_language"] = language
    page = client.get(URL, {"clear": 1}).content.decode()
    link = reverse("records:case", kwargs={"case_id": case.pk})
    rows = [row for row in re.findall(r"<tr>.*?</tr>", page, re.S) if f'href="{link}"' in row]
    assert len(rows) == 1, "the case has one row"
    return rows[0]


def _cells(row: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td.*?</td>", row, re.S)]


def test_a_row_prints_each_cell(coordinator_client):
    case = _case(
        status="assessed",
        risk_category="high",
        pathway="resection",
        changed_since_signed=True,
    )
    row = _row(coordinator_client, case)
    assert _cells(row) == [
        "LOVELACE , Ada",
        "CL-0001",
        "Stomach",
        "6.5 cm",
        "High",
        "Resection",
        "Assessed Changed since signed",
        "Mei Lin",
        "03 Nov 2026",
    ]
    assert 'class="badge text-dark border risk-high"' in row
    assert '<span class="badge text-bg-danger" data-testid="changed-since-signed">' in row
    assert "<bdi>LOVELACE</bdi>, <bdi>Ada</bdi>" in row


def test_what_a_row_lacks_prints_a_dash(coordinator_client):
    case = _case(
        site="",
        status="draft",
        risk_category="",
        pathway="",
        owner=UserFactory(first_name="", last_name="", username="drno"),
    )
    cells = _cells(_row(coordinator_client, case))
    assert cells[2:] == ["—", "—", "—", "—", "Draft", "drno", "03 Nov 2026"]


def test_a_row_in_chinese(coordinator_client):
    case = _case(
        family_name="张",
        given_name="伟",
        status="assessed",
        risk_category="high",
        pathway="resection",
        changed_since_signed=True,
    )
    # locale/zh_Hans: "Stomach" 胃; "High" (risk category) 高危; "Resection" 手术切除; "Assessed" 已评估;
    # "Changed since signed" 签署后有改动; "d M Y" Y年n月j日. Names family first: the surgeon Mei Lin is "Lin Mei".
    assert _cells(_row(coordinator_client, case, "zh-hans")) == [
        "张 伟",
        "CL-0001",
        "胃",
        "6.5 cm",
        "高危",
        "手术切除",
        "已评估 签署后有改动",
        "Lin Mei",
        "2026年11月3日",
    ]


def test_what_was_typed_is_escaped(coordinator_client):
    case = _case(family_name="O'Brien<script>alert(1)</script>", given_name='Ann"a', mrn="<b>M</b>")
    row = _row(coordinator_client, case)
    assert "<script" not in row.lower()
    assert "<b>M</b>" not in row
    assert "&lt;b&gt;M&lt;/b&gt;" in row
    assert "O&#39;BRIEN&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in row or "O&#x27;BRIEN&lt;SCRIPT&gt;" in row


def test_the_day_is_the_local_one(coordinator_client):
    """The row's date is the day in the current time zone (Europe/London), as the template's `date` filter gave it:
    23:30 UTC on 1 July is 00:30 on 2 July in London (summer time)."""
    case = _case()
    Case.objects.filter(pk=case.pk).update(updated_at=datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC")))
    assert _cells(_row(coordinator_client, case))[-1] == "02 Jul 2026"


def test_the_rows_words_and_links_are_made_once_a_page(coordinator_client):
    """A page of 25 rows translates and reverses no more than a page of one: the rows' fixed words, labels and
    link are made once (Django's template engine made them for every row: 264 translations and 32 reversed URLs
    for a page of 25, most of the list's time). Counted where every translation and every reverse() goes through,
    whoever calls them: the translation object and the URL resolver."""
    real_gettext = translation._trans.gettext
    real_reverse = URLResolver._reverse_with_prefix
    calls = {"reverse": 0, "gettext": 0}

    def counted_reverse(resolver, *args, **kwargs):
        calls["reverse"] += 1
        return real_reverse(resolver, *args, **kwargs)

    def counted_gettext(message):
        calls["gettext"] += 1
        return real_gettext(message)

    def made():
        calls.update(reverse=0, gettext=0)
        with (
            mock.patch.object(URLResolver, "_reverse_with_prefix", counted_reverse),
            mock.patch.object(translation._trans, "gettext", counted_gettext),
        ):
            assert coordinator_client.get(URL).status_code == 200
        return dict(calls)

    _case(status="assessed", risk_category="high", pathway="resection", changed_since_signed=True)
    made()
    one = made()
    assert one["reverse"] > 0
    assert one["gettext"] > 0
    for n in range(24):
        _case(
            mrn=f"CL-{n + 2:04d}",
            status="assessed",
            risk_category="high",
            pathway="resection",
            changed_since_signed=True,
        )
    many = made()
    assert many == one

"""The treatment-course timeline in Simplified Chinese (issue 15): the SVG's own words (row titles, "today", its
description), the marks' labels and the table beside it, with no English left."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from cases.course.selectors import timeline_words
from cases.course.timeline import render_svg
from cases.models import UserProfile
from tests.course.helpers import line, scan
from tests.course.test_timeline import COURSE
from tests.factories import PatientFactory, make_case
from tests.i18n.textcheck import english_runs

SVG = "{http://www.w3.org/2000/svg}"


def test_the_svg_words_are_chinese():
    """The picture's own words; the marks' labels come translated from the data (cases/course/selectors.py)."""
    with translation.override("zh-hans"):
        svg = render_svg(COURSE, ident="t", words=timeline_words())
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    texts = {t.text for t in root.iter(f"{SVG}text")}
    for words in ("治疗", "影像检查", "事件", "今天", "血药浓度", "靶病灶", "直径总和"):
        assert words in texts, words
    desc = root.find(f"{SVG}desc").text
    assert "2条治疗线" in desc
    assert "from 2025 to 2036" not in desc
    for english in ("Therapy", "Scans", "Events", "Drug levels", "today", "Sum of", "diameters"):
        assert english not in texts, english


@pytest.mark.django_db
def test_the_timeline_fragment_is_chinese(client, surgeon):
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    with time_machine.travel(date(2026, 9, 1), tick=False):
        case = make_case(
            owner=surgeon,
            patient=PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001"),
            diagnosis_date=date(2025, 12, 1),
        )
        line(case, surgeon, start=date(2026, 2, 1))
        scan(case, surgeon, date(2026, 1, 20), ("liver", 60), ("liver", 40))
        scan(case, surgeon, date(2026, 6, 1), ("liver", 30), ("liver", 20))
        html = client.get(reverse("course:timeline", kwargs={"case_id": case.pk})).content.decode()
    for words in ("治疗", "影像检查", "今天", "手术", "伊马替尼", "晚期一线治疗"):
        assert words in html, words
    runs = english_runs(html, {"ZH0000001", "RECIST", "Choi", "PR", "PD", "SD", "CR"})
    assert runs == [], f"English left: {runs}"

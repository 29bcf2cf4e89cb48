"""`day` (cases/templatetags/dates.py) prints what Django's `date` prints, in each language, for every kind of value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import engines
from django.utils import translation

DATES = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 37)]
VALUES = [*DATES, datetime(2026, 12, 7, 23, 30, tzinfo=UTC), None, "", "not a date"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("fmt", ['_("d M Y")', '_("d M")', '"j F Y"', '"SHORT_DATE_FORMAT"', ""])
def test_day_prints_what_date_prints(language, fmt):
    arg = f":{fmt}" if fmt else ""
    django = engines["django"]
    expected = django.from_string(
        f"{{% load i18n %}}{{% for v in values %}}[{{{{ v|date{arg} }}}}]{{% endfor %}}"
    )
    kept = django.from_string(
        f"{{% load i18n dates %}}{{% for v in values %}}[{{{{ v|day{arg} }}}}]{{% endfor %}}"
    )
    with translation.override(language):
        for _ in range(2):  # the second time from what was kept
            assert kept.render({"values": VALUES}) == expected.render({"values": VALUES})


def test_the_same_date_is_worded_in_each_language():
    django = engines["django"]
    kept = django.from_string('{% load i18n dates %}{{ d|day:_("d M Y") }}')
    with translation.override("en"):
        assert kept.render({"d": date(2026, 3, 9)}) == "09 Mar 2026"
    with translation.override("zh-hans"):
        assert kept.render({"d": date(2026, 3, 9)}) == "2026年3月9日"
    with translation.override("en"):
        assert kept.render({"d": date(2026, 3, 9)}) == "09 Mar 2026"

"""`day` (cases/templatetags/dates.py) prints what Django's `date` prints, in each language, for every kind of value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import engines
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy

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


# A reviewer's finds: where `day` differed from `date`.


def _both(arg: str, context: dict) -> tuple[str, str]:
    django = engines["django"]
    return (
        django.from_string("{% load dates %}{{ v|date" + arg + " }}").render(context),
        django.from_string("{% load dates %}{{ v|day" + arg + " }}").render(context),
    )


def test_an_argument_that_cannot_be_kept_is_worded_as_date_words_it():
    expected, kept = _both(":fmt", {"v": date(2026, 3, 9), "fmt": ["Y"]})
    assert kept == expected


def test_a_changed_format_setting_is_followed():
    with translation.override("en"):
        _both("", {"v": date(2026, 3, 10)})
        with override_settings(DATE_FORMAT="Y/m/d", FORMAT_MODULE_PATH=None):
            expected, kept = _both("", {"v": date(2026, 3, 10)})
    assert kept == expected


def test_a_changed_time_zone_is_followed():
    """'r' words a date as its midnight in TIME_ZONE."""
    with translation.override("en"):
        _both(':"r"', {"v": date(2026, 7, 1)})
        with override_settings(TIME_ZONE="Asia/Shanghai"):
            expected, kept = _both(':"r"', {"v": date(2026, 7, 1)})
    assert kept == expected
    assert "+0800" in kept


def test_a_lazy_format_follows_the_language():
    fmt = gettext_lazy("d M Y")
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            expected, kept = _both(":fmt", {"v": date(2026, 3, 11), "fmt": fmt})
            assert kept == expected

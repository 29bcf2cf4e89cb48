"""The worklist row's sentences (cases/followups/rows.py, issue 16): translated once per page with the template's
message ids, and a translation that cannot be filled falls back to the English sentence instead of failing the
page, as {% blocktranslate %} did."""

from __future__ import annotations

from unittest import mock

from django.utils import translation

from cases import sentences as sentences_module
from cases.followups import rows


def test_the_sentences_are_the_catalogues_translations():
    with translation.override("zh-hans"):
        sentences = rows._sentences()
    assert sentences["done"] == "%(date)s已完成"  # locale/zh_Hans, msgid "Done %(date)s"


def test_a_translation_that_cannot_be_filled_falls_back_to_the_english():
    broken = {"Reviewed %(day)s": "已复核 %(日期)s", "Done %(date)s": "完成 %(date)d"}
    with (
        translation.override("zh-hans"),
        mock.patch.object(sentences_module, "gettext", side_effect=lambda msgid: broken.get(msgid, msgid)),
    ):
        sentences = rows._sentences()
    assert sentences["reviewed"] == "Reviewed %(day)s"  # a placeholder the row does not fill
    assert sentences["done"] == "Done %(date)s"  # a number where the row gives text
    assert sentences["case"] == "case %(id)s"


def test_a_date_kept_for_the_process_is_worded_in_each_readers_language():
    # The rows' dates are kept for the process (rows._worded, issue 16): one reader's words never reach another's.
    from datetime import date

    rows._worded.cache_clear()
    day = date(2026, 3, 9)
    with translation.override("en-gb"):
        english = rows._day_words("d M Y")
        assert english(day) == "09 Mar 2026"
        assert english(None) == ""
    with translation.override("zh-hans"):
        chinese = rows._day_words(translation.gettext("d M Y"))
        assert chinese(day) == "2026年3月9日"
        assert (
            chinese(day, "d M Y") == "09 三月 2026"
        )  # the same format as the English reader's, in Chinese words
    with translation.override("en-gb"):
        assert rows._day_words("d M Y")(day) == "09 Mar 2026"
    assert rows._worded.cache_info().currsize == 3

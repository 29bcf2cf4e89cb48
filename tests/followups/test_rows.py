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

"""The English detector of the Chinese pages' tests (tests/i18n/textcheck.py) knows a case's short id for a code.

A case's short id is the first eight hexadecimal characters of its id; about one in 2,600 has no digit ("cebbaadf"),
which the detector read as an English word: a Chinese follow-up page failed its test once in CI on 7 Dec."""

from __future__ import annotations

import uuid

from cases.models.case import short_id_of
from tests.i18n.textcheck import english_runs


def test_a_short_id_without_a_digit_is_a_code_not_english():
    case_id = uuid.UUID("cebbaadf-0000-4000-8000-000000000000")
    assert short_id_of(case_id) == "cebbaadf"
    assert english_runs(f"<p>病例 {short_id_of(case_id)}</p>") == []


def test_english_words_are_still_found():
    assert english_runs("<p>病例 cebbaadf Follow-up due</p>") == ["Follow-up due"]
    assert english_runs("<p>faced</p>") == ["faced"]  # hexadecimal letters, not eight of them: a word


def test_a_short_id_beside_chinese_punctuation_is_a_code():
    assert english_runs("<p>（病例 cebbaadf）</p><p>病例cebbaadf，</p>") == []

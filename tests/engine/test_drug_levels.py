"""Imatinib trough level (issue 13): below 1,100 ng/mL flagged (Demetri 2009); no invented high threshold."""

from dataclasses import replace

from guidelines.drug_levels import IMATINIB_TROUGH, trough_level


def test_it_flags_a_trough_below_1100_with_the_advice_and_the_source():
    result = trough_level(1099)
    assert result.flag == "low"
    assert "below 1,100 ng/mL" in result.text
    assert "adherence" in result.advice
    assert "interactions" in result.advice
    assert result.source == "Demetri GD et al. J Clin Oncol 2009;27:3141-7"


def test_1100_and_above_is_not_low():
    assert trough_level(1100).flag == "ok"
    assert trough_level(5000).flag == "ok"


def test_high_levels_are_left_to_the_mdt_unless_a_threshold_is_configured():
    assert IMATINIB_TROUGH.high_ng_ml is None
    assert "individualised by the MDT" in trough_level(5000).high_note
    local = replace(IMATINIB_TROUGH, high_ng_ml=3000.0, high_source="local rule (test)")
    high = trough_level(3500, rule=local)
    assert high.flag == "high"
    assert "myelosuppression" in high.text
    assert high.source == "local rule (test)"
    assert trough_level(2999, rule=local).flag == "ok"

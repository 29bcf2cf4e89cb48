"""On progression: escalation from imatinib 400, focal treatment, the next line never a drug already failed."""

from guidelines.progression import on_progression


def ids(proposals):
    return [p.id for p in proposals]


def test_progression_on_imatinib_400_proposes_escalation_then_sunitinib():
    result = on_progression(
        current_drug="imatinib", current_dose_mg=400, genotype="kit_exon_11", drugs_used=["imatinib"]
    )
    assert ids(result) == ["progression.imatinib_escalation", "progression.focal", "progression.next_line"]
    assert result[0].evidence == "[III, B]"
    assert result[1].evidence == "[IV, C]"
    assert result[2].text.startswith("Next line: sunitinib 50 mg/day")


def test_no_escalation_once_on_800():
    result = on_progression(
        current_drug="imatinib", current_dose_mg=800, genotype="kit_exon_9", drugs_used=["imatinib"]
    )
    assert "progression.imatinib_escalation" not in ids(result)


def test_a_drug_already_failed_is_never_proposed_again():
    # Sunitinib failed earlier (e.g. given out of sequence): after imatinib the next is regorafenib.
    result = on_progression(
        current_drug="imatinib",
        current_dose_mg=800,
        genotype="kit_exon_11",
        drugs_used=["sunitinib", "imatinib"],
    )
    assert result[-1].text.startswith("Next line: regorafenib 160 mg/day")
    after_regorafenib = on_progression(
        current_drug="regorafenib", current_dose_mg=160, genotype="kit_exon_11",
        drugs_used=["imatinib", "sunitinib", "regorafenib"],
    )  # fmt: skip
    assert after_regorafenib[-1].text == "Next line: ripretinib 150 mg/day."


def test_after_the_fourth_line_or_a_genotype_specific_first_line_the_mdt_decides():
    exhausted = on_progression(
        current_drug="ripretinib", current_dose_mg=150, genotype="kit_exon_11",
        drugs_used=["imatinib", "sunitinib", "regorafenib", "ripretinib"],
    )  # fmt: skip
    assert exhausted[-1].id == "progression.lines_exhausted"
    d842v = on_progression(
        current_drug="avapritinib", current_dose_mg=300, genotype="pdgfra_d842v", drugs_used=["avapritinib"]
    )
    assert d842v[-1].id == "progression.next_line_individualised"

"""Issue 10 finding 8: the live panel shows an invalid value as an error naming the field, never as "unknown",
and never answers with the saved value while the typed one is wrong; a ruptured tumour without a surgery date
is not "Adjuvant: not applicable"."""

import re

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, OperationFactory, PathologyFactory, PresentationFactory

pytestmark = pytest.mark.django_db


def panel(client, case, **params):
    return client.post(reverse("records:panel", args=[case.pk]), params).content.decode()


def live_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<li data-live-error="([a-z0-9_]+)">([^<]*)</li>', html))


def presentation(client, case, size):
    return panel(client, case, _step="presentation", presentation="localized", site="stomach", size_cm=size)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("75", "Largest diameter (cm): 75 cm is above the 50 cm limit: did you mean 7.5?"),
        ("0", "Largest diameter (cm): the size must be greater than 0 cm."),
        ("-3", "Largest diameter (cm): -3 cm is negative; the size must be greater than 0 cm."),
        ("abc", "Largest diameter (cm): enter a number of centimetres, such as 6.5."),
    ],
)
def test_an_invalid_size_is_an_error_naming_the_field(surgeon_client, typed, message):
    html = presentation(surgeon_client, CaseFactory(), typed)
    assert live_errors(html) == {"size_cm": message}
    assert "unknown" not in html.lower()
    assert "needs the size" not in html
    assert "Risk: not assessed until the values marked are corrected." in html


def test_the_saved_size_is_not_used_while_the_typed_one_is_invalid(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case, size_cm="6.5")
    PathologyFactory(case=case, mitoses_per_5mm2=8)
    html = presentation(surgeon_client, case, "75")
    assert "<strong>High</strong>" not in html  # 6.5 cm with 8 mitoses would be high
    assert live_errors(html)["size_cm"].startswith("Largest diameter (cm): 75 cm")


def test_an_invalid_mitotic_count_is_an_error_naming_the_field(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case)
    html = panel(surgeon_client, case, _step="pathology", mitoses_per_5mm2="abc", genotype="kit_exon_11")
    assert live_errors(html) == {
        "mitoses_per_5mm2": "Mitoses per 5 mm²: enter a whole number from 0 to 1000."
    }


def test_a_valid_value_shows_no_error(surgeon_client):
    html = presentation(surgeon_client, CaseFactory(), "7.5")
    assert live_errors(html) == {}


def test_rupture_without_a_surgery_date_says_what_is_missing_not_adjuvant_not_applicable(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case, size_cm="3.0")
    PathologyFactory(case=case, mitoses_per_5mm2=2)
    html = panel(surgeon_client, case, _step="operation", resected="yes", approach_used="open",
                 rupture_grade="major")  # fmt: skip
    assert "Not applicable" not in html
    assert live_errors(html)["surgery_date"] == "Date of surgery: enter the date of the operation."
    assert "Not assessed: enter the date of surgery" in html
    assert "<strong>High</strong>" in html  # a major rupture makes modified NIH high (RULES.md 2.1)


def test_after_neoadjuvant_therapy_the_panel_shows_both_risks(surgeon_client):
    # Specimen: 4 cm gastric, 1 mitosis -> modified NIH low (2.1-5.0 cm, <=5). Before imatinib: 9 cm on imaging
    # with 12 biopsy mitoses -> high (>10 mitoses; RULES.md 2.1). Issue 17 item 14: both are shown.
    case = CaseFactory()
    PresentationFactory(case=case, size_cm="4.0")
    OperationFactory(case=case)
    html = panel(surgeon_client, case, _step="pathology", mitoses_per_5mm2="1", genotype="kit_exon_11",
                 neoadjuvant_months="8", pre_treatment_size_cm="9", pre_treatment_mitoses_per_5mm2="12")  # fmt: skip
    assert re.search(r'data-scheme="modified_nih">.*?<strong>Low</strong>', html, re.S)
    pre = re.search(r'<tr data-testid="pre-treatment-risk".*?</tr>', html, re.S).group(0)
    assert "Before neoadjuvant therapy" in pre
    assert "modified NIH high" in pre


def test_the_panel_shows_the_risk_notes_with_the_conversion(surgeon_client):
    case = CaseFactory()
    PresentationFactory(case=case, size_cm="6.5")
    OperationFactory(case=case)
    html = panel(surgeon_client, case, _step="pathology", mitoses_per_50hpf="12", hpf_field_area_mm2="0.24",
                 genotype="kit_exon_11")  # fmt: skip
    notes = re.search(r'data-testid="risk-notes".*?</ul>', html, re.S).group(0)
    # 12 x 5 / (50 x 0.24) = 60 / 12 = 5.0 per 5 mm2.
    assert "12 x 5 / (50 x 0.24 mm2) = 5.0 per 5 mm2" in notes

"""Look-alike identifiers (issue 11, finding 12).

An MRN `DEMO-<U+202E>1000` showed as `DEMO-0001`, another patient's number. Invisible and direction-changing
characters are refused in MRNs (with a message naming the field), names are stored in NFC, and every
user-entered identifier is shown in bidi isolation (`<bdi>`) in pages and PDFs.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from cases.models import Patient
from cases.records.forms import PatientForm
from tests.factories import PatientFactory

TODAY = date(2026, 3, 1)
TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))


def patient_data(**overrides) -> dict:
    data = {"mrn": "DEMO-1000", "given_name": "Ada", "family_name": "Lamb", "date_of_birth": "1960-01-01",
            "sex": "female", "preferred_contact": "phone", "ruleset": "esmo-2022"}  # fmt: skip
    return data | overrides


@pytest.mark.parametrize(
    ("mrn", "named"),
    [
        ("DEMO-\u202e1000", "U+202E"),  # right-to-left override: the example
        ("DEMO-\u20661000\u2069", "U+2066"),  # left-to-right isolate
        ("DEMO-\u200f1000", "U+200F"),  # right-to-left mark
        ("DEMO\u200b-1000", "U+200B"),  # zero-width space
        ("DEMO-\ufeff1000", "U+FEFF"),  # zero-width no-break space (byte order mark)
        ("DEMO-\u00ad1000", "U+00AD"),  # soft hyphen: invisible unless the line breaks there
        ("DEMO-\x001000", "U+0000"),  # control character
        ("DEMO-\u20281000", "U+2028"),  # line separator
        ("DEMO-\u20291000", "U+2029"),  # paragraph separator
        ("DEMO-1\u03380000", "U+0338"),  # combining long solidus overlay: draws over the digit
        ("DEMO-\ue0001000", "U+E000"),  # private use: shows as whatever the font puts there
    ],
)
@pytest.mark.django_db
def test_it_refuses_invisible_and_direction_characters_in_the_mrn(mrn, named):
    form = PatientForm(patient_data(mrn=mrn), today=TODAY)
    assert not form.is_valid()
    (message,) = form.errors["mrn"]
    assert message.startswith("Hospital number (MRN): ")
    assert named in message


@pytest.mark.django_db
def test_it_folds_compatibility_forms_of_the_mrn_so_a_look_alike_finds_the_real_patient():
    # Full-width letters and digits look like ASCII ones: NFKC makes them the same number.
    PatientFactory(mrn="DEMO-1000", given_name="Ada", family_name="Lamb", date_of_birth=date(1960, 1, 1))
    form = PatientForm(patient_data(mrn="ＤＥＭＯ-１０００", family_name="Other"), today=TODAY)
    assert not form.is_valid()
    assert "DEMO-1000 belongs to a patient with a different name" in form.errors["mrn"][0]


@pytest.mark.django_db
def test_it_stores_names_in_nfc():
    form = PatientForm(patient_data(given_name="Jose\u0301", family_name="Mu\u0308ller"), today=TODAY)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["given_name"] == "Jos\u00e9"
    assert form.cleaned_data["family_name"] == "M\u00fcller"
    assert len(form.cleaned_data["given_name"]) == 4


@pytest.mark.django_db
def test_it_keeps_joiners_that_names_in_some_scripts_need_but_refuses_direction_overrides():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a zero-width non-joiner inside a word
    form = PatientForm(patient_data(given_name=persian), today=TODAY)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["given_name"] == unicodedata.normalize("NFC", persian)
    form = PatientForm(patient_data(family_name="Lamb\u202e"), today=TODAY)
    assert not form.is_valid()
    assert form.errors["family_name"][0].startswith("Family name: ")
    assert "U+202E" in form.errors["family_name"][0]


@pytest.mark.django_db
def test_the_wizard_keeps_what_was_typed_and_creates_nobody(surgeon_client):
    data = patient_data(mrn="DEMO-\u202e1000")
    response = surgeon_client.post("/cases/new/", data)
    assert response.status_code == 200
    assert "Hospital number (MRN): " in response.content.decode()
    assert 'value="Ada"' in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_the_admin_applies_the_same_rules(admin_client):
    from cases.admin import PatientAdmin

    form_class = PatientAdmin(Patient, None).get_form(None)
    form = form_class(data=patient_data(mrn="DEMO-\u202e1000", sex="female"))
    assert not form.is_valid()
    assert "U+202E" in form.errors["mrn"][0]


# Identifiers that users type in, as template expressions.
IDENTIFIER = re.compile(r"\{\{\s*[\w.]*(?:\bmrn|full_name|family_name|given_name|patient\.name)\b[^}]*\}\}")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_it_isolates_every_user_entered_identifier_in_templates(path):
    text = path.read_text()
    bare = []
    for match in IDENTIFIER.finditer(text):
        before = text[: match.start()]
        opened, closed = before.count("<bdi>"), before.count("</bdi>")
        if opened <= closed:
            bare.append(match.group(0))
    assert not bare, f"{path.name}: wrap in <bdi>…</bdi>: {bare}"


@pytest.mark.django_db
def test_the_case_page_and_report_show_the_mrn_isolated(client):
    from tests.world import make_world

    world = make_world()
    client.force_login(world.user("surgeon"))
    for url in (f"/cases/{world.case.id}/", f"/cases/{world.case.id}/report/"):
        page = client.get(url).content.decode()
        assert "<bdi>MRN4242XYZ</bdi>" in page, url


@pytest.mark.django_db
def test_the_pdf_footer_keeps_its_order_with_a_legacy_right_to_left_override():
    # A record stored before these checks existed: the override must not reverse the rest of the footer.
    from cases.mdt.reports import draft_source, render_report_pdf
    from cases.records.assessment import case_assess
    from tests.factories import contract_example_case, pdf_pages_text

    case = contract_example_case(given_name="Ada", family_name="Lamb\u202e", mrn="DEMO-1000")
    pdf = render_report_pdf(draft_source(case, case_assess(case=case, user=None)))
    footer = pdf_pages_text(pdf)[0]
    assert "MRN DEMO-1000" in footer.replace("\u2068", "").replace("\u2069", "")
    assert "0001-OMED" not in footer

"""The case page's "Changed since signed" banner stays readable however many changes follow the signature: how many,
the latest five, the earlier ones one click away (a case with 141 changes drew a red list of 141 lines above the case)."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import Case
from tests.factories import contract_example_case, signed_report

pytestmark = pytest.mark.django_db


#: What the banner and the amend page show at once after the mitotic count was saved as 1, 2, ... 7 (from 8).
LATEST_FIVE = [
    "Pathology · Mitoses per 5 mm²: 6 → 7",
    "Pathology · Mitoses per 5 mm²: 5 → 6",
    "Pathology · Mitoses per 5 mm²: 4 → 5",
    "Pathology · Mitoses per 5 mm²: 3 → 4",
    "Pathology · Mitoses per 5 mm²: 2 → 3",
]


def _changed(case: Case, counts: list[int]) -> None:
    """The pathology's mitotic count saved once per value of `counts`, after the signature."""
    for count in counts:
        case.pathology.mitoses_per_5mm2 = count
        case.pathology.save()
    Case.objects.filter(pk=case.pk).update(changed_since_signed=True)


def _banner(client, case: Case) -> str:
    html = client.get(reverse("records:case", args=[case.id])).content.decode()
    found = re.search(
        r'<div class="alert alert-danger"[^>]*data-testid="stale-banner">(.*?)\n</div>', html, re.S
    )
    assert found, "no banner"
    return found.group(1)


def _lines(html: str) -> list[str]:
    return [
        html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line))).strip()
        for line in re.findall(r"<li>(.*?)</li>", html, re.S)
    ]


def test_many_changes_show_how_many_the_latest_five_and_the_rest_on_demand(
    client, coordinator, chair, surgeon
):
    case = contract_example_case()  # 8 mitoses per 5 mm²
    signed_report(coordinator=coordinator, chair=chair, case=case)
    _changed(case, [1, 2, 3, 4, 5, 6, 7])
    client.force_login(surgeon)
    banner = _banner(client, case)
    assert "7 changes since version 1 was signed. The latest:" in re.sub(r"\s+", " ", banner)
    shown, _, rest = banner.partition("<details")
    assert [line.split(" (")[0] for line in _lines(shown)] == LATEST_FIVE
    assert "Show the 2 earlier changes" in rest
    assert [line.split(" (")[0] for line in _lines(rest)] == [
        f"Pathology · Mitoses per 5 mm²: {old} → {new}" for old, new in ((1, 2), (8, 1))
    ]


def test_a_few_changes_are_all_shown(client, coordinator, chair, surgeon):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    _changed(case, [9, 10])
    client.force_login(surgeon)
    banner = _banner(client, case)
    assert "2 changes since version 1 was signed" in re.sub(r"\s+", " ", banner)
    assert "<details" not in banner
    assert [line.split(" (")[0] for line in _lines(banner)] == [
        "Pathology · Mitoses per 5 mm²: 9 → 10",
        "Pathology · Mitoses per 5 mm²: 8 → 9",
    ]


def test_the_fields_of_one_save_keep_the_forms_order(coordinator, chair):
    """Newest first by save; the fields one save changed stay in the order the form shows them (a reviewer's find:
    reversing the whole list reversed them too, and the five-line cut could split a save)."""
    from datetime import date

    from cases.mdt.drift import changes_since_signed
    from cases.mdt.report_views import stale_info
    from cases.models import Patient

    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    patient = Patient.objects.get(pk=case.patient_id)
    patient.given_name, patient.family_name, patient.date_of_birth = "Ada", "Byron", date(1950, 1, 2)
    patient.save()
    _changed(case, [9])
    with translation.override("en"):
        in_form_order = [c.field for c in changes_since_signed(case) if c.section == "Patient"]
        shown = [c.field for c in stale_info(Case.objects.get(pk=case.pk))["latest"]]
    assert len(in_form_order) == 3
    assert shown == ["Mitoses per 5 mm²", *in_form_order]


def test_the_amend_page_lists_the_changes_as_the_banner_does_newest_first(
    client, coordinator, chair, surgeon
):
    """The chair amends from the same list the banner shows: newest first, the latest five, the rest on demand
    (it listed all of them oldest first)."""
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    _changed(case, [1, 2, 3, 4, 5, 6, 7])
    client.force_login(chair)
    html = client.get(reverse("mdt:report_amend", args=[case.id])).content.decode()
    section = html.split("Edits since signing", 1)[1].split("</section>", 1)[0]
    assert "7 changes since version 1 was signed. The latest:" in re.sub(r"\s+", " ", section)
    shown, _, rest = section.partition("<details")
    assert [line.split(" (")[0] for line in _lines(shown)] == LATEST_FIVE
    assert "Show the 2 earlier changes" in rest
    assert [line.split(" (")[0] for line in _lines(rest)] == [
        "Pathology · Mitoses per 5 mm²: 1 → 2",
        "Pathology · Mitoses per 5 mm²: 8 → 1",
    ]

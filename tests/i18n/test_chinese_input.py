"""Chinese names as input: the case list finds a patient by the name as Chinese clinicians type it (family name
first, no space), by either part, and by the Latin-script name in either order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PatientFactory, gastric_case

pytestmark = pytest.mark.django_db


def _search(client, q: str) -> str:
    return client.post(reverse("records:list"), {"q": q}, HTTP_HX_REQUEST="true").content.decode()


@pytest.fixture
def cases(surgeon):
    gastric_case(owner=surgeon, patient=PatientFactory(given_name="伟", family_name="张", mrn="ZH0000001"))
    gastric_case(
        owner=surgeon, patient=PatientFactory(given_name="Ada", family_name="Lovelace", mrn="EN0000001")
    )


@pytest.mark.parametrize("q", ["张伟", "张", "伟", " 张伟 "])
def test_it_finds_a_chinese_name_as_typed(surgeon_client, cases, q):
    html = _search(surgeon_client, q)
    assert "ZH0000001" in html
    assert "EN0000001" not in html


@pytest.mark.parametrize("q", ["Ada Lovelace", "Lovelace Ada", "lovelace"])
def test_it_finds_a_latin_name_in_either_order(surgeon_client, cases, q):
    html = _search(surgeon_client, q)
    assert "EN0000001" in html
    assert "ZH0000001" not in html

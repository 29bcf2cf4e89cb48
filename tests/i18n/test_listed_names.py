"""A patient's name where a list or a follow-up page prints it family name first: "HOPPER, Grace" in English; in
Chinese as written, with no space inside a Chinese name ("张伟", as the case page and docs/glossary-zh.md write it:
the lists printed "张 伟") and one space between the parts of a name in Latin script ("Hopper Grace")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cases import roles
from cases.followups.services import followups_regenerate
from cases.models import Case, UserProfile
from tests.factories import PatientFactory, make_case, make_user

pytestmark = pytest.mark.django_db

WRITTEN = {
    "zh-hans": ("<bdi>张</bdi><bdi>伟</bdi>", "<bdi>Hopper</bdi> <bdi>Grace</bdi>"),
    "en": ("<bdi>张</bdi>, <bdi>伟</bdi>", "<bdi>HOPPER</bdi>, <bdi>Grace</bdi>"),
}


@pytest.fixture
def cases(surgeon):
    made = []
    for given, family, mrn in (("伟", "张", "ZH0000001"), ("Grace", "Hopper", "MRN0000002")):
        case = make_case(owner=surgeon, patient=PatientFactory(given_name=given, family_name=family, mrn=mrn))
        followups_regenerate(case=case, user=None, reason="test")
        made.append(case)
    Case.objects.filter(pk__in=[c.pk for c in made]).update(needs_mdt_review=True)
    return made


def _client(client, language, *roles_):
    user = make_user(f"reader-{language}", role=roles_[0])
    user.groups.add(*Group.objects.filter(name__in=roles_))
    UserProfile.objects.create(user=user, language=language)
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_writes_the_name_as_the_readers_language_does(client, cases, language):
    client = _client(client, language, roles.NURSE)
    for url in ("/cases/", "/followups/?tab=all", "/followups/print/?tab=all", "/followups/flagged/"):
        html = client.get(url).content.decode()
        for name in WRITTEN[language]:
            assert name in html, (url, name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_follow_up_page_heads_with_the_name_as_the_readers_language_writes_it(client, cases, language):
    client = _client(client, language, roles.NURSE, roles.COORDINATOR)
    for case, name in zip(cases, WRITTEN[language], strict=True):
        item = case.followups.filter(status="pending").first()
        for url in (
            f"/followups/case/{case.pk}/",
            f"/followups/case/{case.pk}/close/",
            f"/followups/item/{item.pk}/done/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert name in response.content.decode(), (url, name)

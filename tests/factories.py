"""Test data: factories for patients, cases and their sections, and users in each role."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cases import roles
from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")


def user_in_role(role: str | None, *, chair: bool = False, **kwargs: object) -> object:
    """A user in the named role group (None: no role at all); `chair` adds cases.sign_report."""
    user = UserFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if chair:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="cases", codename=roles.CHAIR_PERMISSION)
        )
    return get_user_model().objects.get(pk=user.pk)  # fresh: no stale permission cache


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"MRN{100000 + n}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = date(1961, 3, 14)
    sex = "female"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    owner = factory.SubFactory(UserFactory)
    ruleset = "esmo-2022"
    diagnosis_date = date(2025, 12, 1)


def contract_example_case(**patient_fields: object) -> Case:
    """The assessment contract's worked example: gastric 6.5 cm, 8 mitoses, R0, KIT exon 11, surgery 2026-01-15.

    Expected (ESMO 2022): modified NIH high, NIH 2002 high, AFIP high 55%, TNM IIIA; adjuvant imatinib 400 mg
    for 36 months; 31 visits from 2026-04-15 to 2039-01-15.
    """
    case = CaseFactory(patient=PatientFactory(**patient_fields)) if patient_fields else CaseFactory()
    Presentation.objects.create(
        case=case, site="stomach", gastric_location="greater_curvature", size_cm=Decimal("6.5")
    )
    Diagnostics.objects.create(case=case, histology_confirmed=True, cd117="positive", dog1="positive")
    Operation.objects.create(case=case, surgery_date=date(2026, 1, 15), approach_used="open", margin="R0")
    Pathology.objects.create(case=case, mitoses_per_5mm2=8, genotype="kit_exon_11")
    return Case.objects.with_sections().get(pk=case.pk)


def pdf_pages_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF (pypdf), for assertions on what a reader sees."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def meeting_with_case(
    *, coordinator: object, case: Case, when: date = date(2026, 2, 3)
) -> tuple[object, object]:
    """A meeting with `case` on its agenda; returns (meeting, agenda item)."""
    from cases.services.mdt import agenda_add, meeting_create

    meeting = meeting_create(
        user=coordinator, date=when, title="GIST MDT", attendees="Dr A, surgeon\nDr B, oncologist"
    )
    return meeting, agenda_add(meeting=meeting, case=case, user=coordinator)


def signed_report(
    *, coordinator: object, chair: object, case: Case, decision: str = "accept", reason: str = ""
) -> object:
    """Put `case` on a meeting, record the decision and sign: the first signed version."""
    from cases.services.mdt import decision_record, report_sign

    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision=decision, reason=reason)
    return report_sign(item=item, user=chair)

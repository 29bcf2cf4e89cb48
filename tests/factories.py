"""Test factories shared by the test modules.

Users: `user_with_role(role)` (and the shortcuts nurse(), surgeon(), coordinator()); `user_in_role(role,
chair=True)` adds the MDT chair's `cases.sign_report`. Records: PatientFactory, CaseFactory, `make_case(...)`,
and `contract_example_case()` (the worked example of ASSESS_CONTRACT.md). MDT helpers: `meeting_with_case`,
`signed_report`; `pdf_pages_text` reads a PDF page by page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cases import roles
from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation, TreatmentDecision

PASSWORD = "pw-for-tests-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@hospital.test")
    password = factory.django.Password(PASSWORD)


def user_with_role(role: str | None, **kwargs):
    user = UserFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def nurse(**kwargs):
    return user_with_role(roles.NURSE, **kwargs)


def surgeon(**kwargs):
    return user_with_role(roles.SURGEON, **kwargs)


def coordinator(**kwargs):
    return user_with_role(roles.COORDINATOR, **kwargs)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = date(1960, 5, 17)
    phone = factory.Sequence(lambda n: f"+44 20 7946 {n:04d}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    owner = factory.LazyFunction(lambda: surgeon())
    ruleset = "esmo-2022"


def make_case(
    *,
    site: str = "stomach",
    size_cm: str | float = "6.5",
    mitoses: int | None = 8,
    surgery_date: date | None = date(2026, 1, 15),
    rupture: bool = False,
    ruleset: str = "esmo-2022",
    adjuvant_decision: str = "",
    presentation: str = "localized",
    diagnosis_date: date | None = None,
    histology_confirmed: bool = False,
    genotype: str = "kit_exon_11",
    **case_kwargs,
) -> Case:
    """A case with its sections: resected when `surgery_date` is given, else a tumour seen at diagnosis."""
    case = CaseFactory(ruleset=ruleset, diagnosis_date=diagnosis_date, **case_kwargs)
    Presentation.objects.create(
        case=case, site=site, size_cm=Decimal(str(size_cm)), presentation=presentation
    )
    if histology_confirmed:
        from cases.models import Diagnostics

        Diagnostics.objects.create(case=case, histology_confirmed=True)
    if surgery_date is not None:
        Operation.objects.create(
            case=case, surgery_date=surgery_date, approach_used="open", margin="R0", rupture=rupture
        )
        Pathology.objects.create(case=case, mitoses_per_5mm2=mitoses, genotype=genotype)
    if adjuvant_decision:
        TreatmentDecision.objects.create(case=case, adjuvant_decision=adjuvant_decision)
    return Case.objects.get(pk=case.pk)


def user_in_role(role: str | None, *, chair: bool = False, **kwargs):
    """A user in the named role group (None: no role at all); `chair` adds cases.sign_report."""
    user = user_with_role(role, **kwargs)
    if chair:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="cases", codename=roles.CHAIR_PERMISSION)
        )
    return get_user_model().objects.get(pk=user.pk)  # fresh: no stale permission cache


def contract_example_case(**patient_fields) -> Case:
    """The assessment contract's worked example: gastric 6.5 cm, 8 mitoses, R0, KIT exon 11, surgery 2026-01-15.

    Expected (ESMO 2022): modified NIH high, NIH 2002 high, AFIP high 55%, TNM IIIA; adjuvant imatinib 400 mg
    for 36 months; 31 visits from 2026-04-15 to 2039-01-15.
    """
    patient = PatientFactory(**{"sex": "female", "date_of_birth": date(1961, 3, 14), **patient_fields})
    case = CaseFactory(patient=patient, diagnosis_date=date(2025, 12, 1))
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


def meeting_with_case(*, coordinator, case: Case, when: date = date(2026, 2, 3)):
    """A meeting with `case` on its agenda; returns (meeting, agenda item)."""
    from cases.services.mdt import agenda_add, meeting_create

    meeting = meeting_create(
        user=coordinator, date=when, title="GIST MDT", attendees="Dr A, surgeon\nDr B, oncologist"
    )
    return meeting, agenda_add(meeting=meeting, case=case, user=coordinator)


def signed_report(*, coordinator, chair, case: Case, decision: str = "accept", reason: str = ""):
    """Put `case` on a meeting, record the decision and sign: the first signed version."""
    from cases.services.mdt import decision_record, report_sign

    _, item = meeting_with_case(coordinator=coordinator, case=case)
    decision_record(item=item, user=chair, decision=decision, reason=reason)
    return report_sign(item=item, user=chair)

"""factory-boy factories shared by every test module.

Users: `UserFactory(roles=[SURGEON])`, or the shortcuts SurgeonFactory, CoordinatorFactory, NurseFactory,
AdminFactory (superuser-free administrator role with `cases.sign_report`). Records: PatientFactory, CaseFactory
(owner = a surgeon), and one factory per section (PresentationFactory, DiagnosticsFactory, OperationFactory,
PathologyFactory, TreatmentDecisionFactory), each taking `case=`. `gastric_case()` builds the worked example of
ASSESS_CONTRACT.md (gastric 6.5 cm, 8 mitoses, resected R0, KIT exon 11). From the follow-up branch:
`make_case(site=..., surgery_date=...)`. One way to make a user with a role outside a fixture:
`make_user(username, role=..., chair=..., perms=...)`. One password for every test user: `PASSWORD`. Helpers are
named `make_*` so they never shadow the fixtures of tests/conftest.py (`surgeon`, `nurse`, ...).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from cases import roles as role_names
from cases.models import Case, Diagnostics, Operation, Pathology, Patient, Presentation, TreatmentDecision

PASSWORD = "correct horse battery staple 42"


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def _add_roles(user, create: bool, names) -> None:
    if create and names:
        user.groups.add(*Group.objects.filter(name__in=names))


def _roles_default(*default: str) -> factory.PostGeneration:
    return factory.PostGeneration(
        lambda user, create, extracted, **kw: _add_roles(user, create, extracted or default)
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@hospital.test")
    # Hashing is deliberately slow: every test user gets the one hash of PASSWORD, computed once.
    password = factory.LazyFunction(_password_hash)

    roles = factory.PostGeneration(lambda user, create, extracted, **kw: _add_roles(user, create, extracted))

    @factory.post_generation
    def chair(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label="cases", codename="sign_report")
            )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class SurgeonFactory(UserFactory):
    username = factory.Sequence(lambda n: f"surgeon{n}")
    roles = _roles_default(role_names.SURGEON)


class CoordinatorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"coordinator{n}")
    roles = _roles_default(role_names.COORDINATOR)


class NurseFactory(UserFactory):
    username = factory.Sequence(lambda n: f"nurse{n}")
    roles = _roles_default(role_names.NURSE)


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    roles = _roles_default(role_names.ADMINISTRATOR)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.Sequence(lambda n: f"T{n:07d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = dt.date(1960, 5, 17)
    sex = "female"
    phone = factory.Sequence(lambda n: f"+44 20 7946 {n:04d}")
    preferred_contact = "phone"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    owner = factory.SubFactory(SurgeonFactory)
    diagnosis_date = dt.date(2025, 11, 20)
    ruleset = "esmo-2022"


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presentation

    case = factory.SubFactory(CaseFactory)
    presentation = "localized"
    site = "stomach"
    gastric_location = "greater_curvature"
    size_cm = Decimal("6.5")
    growth_pattern = "exophytic"


class DiagnosticsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostics

    case = factory.SubFactory(CaseFactory)
    biopsy_done = False
    histology_confirmed = True
    cd117 = "positive"
    dog1 = "positive"


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    case = factory.SubFactory(CaseFactory)
    surgery_date = dt.date(2026, 1, 15)
    approach_used = "open"
    margin = "R0"
    rupture_grade = "none"


class PathologyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathology

    case = factory.SubFactory(CaseFactory)
    mitoses_per_5mm2 = 8
    genotype = "kit_exon_11"


class TreatmentDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentDecision

    case = factory.SubFactory(CaseFactory)
    neoadjuvant_months = 0


def gastric_case(**case_kwargs) -> Case:
    """The contract's worked example: gastric 6.5 cm, 8 mitoses, resected R0 on 2026-01-15, KIT exon 11."""
    case = CaseFactory(**case_kwargs)
    PresentationFactory(case=case)
    DiagnosticsFactory(case=case)
    OperationFactory(case=case)
    PathologyFactory(case=case)
    TreatmentDecisionFactory(case=case)
    return Case.objects.with_sections().get(pk=case.pk)


def make_case(
    *,
    site: str = "stomach",
    size_cm: str | float = "6.5",
    mitoses: int | None = 8,
    surgery_date: dt.date | None = dt.date(2026, 1, 15),
    rupture: bool = False,
    ruleset: str = "esmo-2022",
    adjuvant_decision: str = "",
    presentation: str = "localized",
    diagnosis_date: dt.date | None = None,
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
        Diagnostics.objects.create(case=case, histology_confirmed=True)
    if surgery_date is not None:
        Operation.objects.create(
            case=case,
            surgery_date=surgery_date,
            approach_used="open",
            margin="R0",
            rupture_grade="major" if rupture else "none",
        )
        Pathology.objects.create(case=case, mitoses_per_5mm2=mitoses, genotype=genotype)
    if adjuvant_decision:
        TreatmentDecision.objects.create(case=case, adjuvant_decision=adjuvant_decision)
    return Case.objects.get(pk=case.pk)


# MDT helpers -------------------------------------------------------------------------------------------------


def make_user(
    username: str | None = None,
    *,
    role: str | None = None,
    chair: bool = False,
    perms: tuple[str, ...] = (),
    **kwargs,
):
    """A user in the named role group (None: no role at all); `chair` adds cases.sign_report, `perms` other
    permissions of the cases app by codename. Read back fresh, so no permission cache is stale."""
    if username is not None:
        kwargs = {"username": username, "first_name": username.title(), "last_name": "Tester", **kwargs}
    user = UserFactory(roles=[role] if role else [], chair=chair, **kwargs)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="cases", codename=codename))
    return get_user_model().objects.get(pk=user.pk)


def edit_case_and_patient(case: Case, times: int) -> None:
    """`times` saves of the case and of its patient, each changing one field (a history of 2 x `times` rows)."""
    for n in range(times):
        fresh = Case.objects.get(pk=case.pk)
        fresh.mdt_review_reason = f"edit {n}"
        fresh.save()
        fresh.patient.phone = f"+44 20 7946 {n:04d}"
        fresh.patient.save()


def lose_to_follow_up(case: Case, nurse) -> None:
    """A visit added to `case` by hand, with an escalation's last step opened on it: the case is lost to follow-up."""
    from cases.followups.services import item_add_manual
    from cases.models import EscalationStep

    item = item_add_manual(
        case=case, user=nurse, due_date=dt.date(2027, 1, 1), modality="ct_or_mri", reason="Visit 1"
    )
    EscalationStep.objects.create(item=item, step="lost", opened_on=dt.date(2026, 11, 1), opened_by=nurse)


def contract_example_case(**patient_fields) -> Case:
    """`gastric_case()` (the contract's worked example) for a patient born 1961-03-14 with `patient_fields`.

    Expected (ESMO 2022): modified NIH high, NIH 2002 high, AFIP high 55%, TNM IIIA; adjuvant imatinib 400 mg
    for 36 months; 31 visits from 2026-04-15 to 2039-01-15.
    """
    patient = PatientFactory(**{"sex": "female", "date_of_birth": dt.date(1961, 3, 14), **patient_fields})
    return gastric_case(patient=patient)


def pdf_pages_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF (pypdf), for assertions on what a reader sees."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def meeting_with_case(*, coordinator, case: Case, when: dt.date = dt.date(2026, 2, 3)):
    """A meeting with `case` on its agenda; returns (meeting, agenda item)."""
    from cases.mdt.services import agenda_add, meeting_create

    meeting = meeting_create(
        user=coordinator,
        date=when,
        title="GIST MDT",
        attendees="Dr A, surgeon\nDr B, oncologist\nDr C, pathologist\nDr D, radiologist",
    )
    return meeting, agenda_add(meeting=meeting, case=case, user=coordinator)


def signed_report(*, coordinator, chair, case: Case, decision: str = "accept", reason: str = ""):
    """Put `case` on a meeting, record the decision and sign: the first signed version."""
    from cases.mdt.services import decision_record, report_sign

    _, item = meeting_with_case(coordinator=coordinator, case=case)
    modifications = {"adjuvant": "declined"} if decision == "modify" else None
    decision_record(item=item, user=chair, decision=decision, reason=reason, modifications=modifications)
    return report_sign(item=item, user=chair, password=PASSWORD)


def signed_example_case(**patient_fields) -> Case:
    """`contract_example_case(**patient_fields)` discussed and signed by a new coordinator and chair: its 31 visits
    are on the follow-up list and letters can be written from its report."""
    case = contract_example_case(**patient_fields)
    signed_report(
        coordinator=make_user(role=role_names.COORDINATOR), chair=make_user(role=None, chair=True), case=case
    )
    return Case.objects.get(pk=case.pk)

"""Test factories for the follow-up tests (reconcile with a shared tests/factories.py if one lands on main)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases import roles
from cases.models import Case, Operation, Pathology, Patient, Presentation, TreatmentDecision


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@hospital.test")
    password = factory.django.Password("pw-for-tests-1")


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

"""seed_demo: users in their roles, ~30 cases covering every pathway, site group, risk and genotype; idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command

from cases.models import Assessment, Case, Pathology, Patient, Presentation

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    models = [Patient, Case, Presentation, Pathology, Assessment, get_user_model()]
    return {m.__name__: serializers.serialize("json", m.objects.order_by("pk")) for m in models}


def test_it_creates_the_demo_users_in_their_roles():
    output = seed("--password", "demo-pass-123")
    User = get_user_model()
    surgeon = User.objects.get(username="surgeon")
    assert surgeon.check_password("demo-pass-123")
    assert surgeon.has_perm("cases.edit_clinical")
    assert not User.objects.get(username="coordinator").has_perm("cases.edit_clinical")
    assert User.objects.get(username="coordinator").has_perm("cases.manage_mdt")
    assert User.objects.get(username="nurse").has_perm("cases.manage_followups")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.has_perm("cases.sign_report")
    assert "demo-pass-123" not in output


def test_without_a_password_it_prints_a_random_one():
    output = seed()
    password = output.split("password: ")[1].split()[0]
    assert len(password) >= 12
    assert get_user_model().objects.get(username="nurse").check_password(password)


def test_it_covers_every_pathway_site_group_risk_and_genotype():
    seed("--password", "x")
    cases = Case.objects.all()
    assert 25 <= cases.count() <= 35
    assert {"surveillance", "resection", "neoadjuvant_then_resection", "systemic_therapy"} <= set(
        cases.values_list("pathway", flat=True)
    )
    assert {"very_low", "low", "intermediate", "high"} <= set(cases.values_list("risk_category", flat=True))
    sites = set(Presentation.objects.values_list("site", flat=True))
    assert {"stomach", "duodenum", "rectum", "jejunum"} <= sites
    from cases.choices import Genotype

    assert set(Pathology.objects.values_list("genotype", flat=True)) == set(Genotype.values)
    statuses = set(cases.values_list("status", flat=True))
    assert {"draft", "assessed", "discussed", "finalised"} <= statuses
    assert all(p.mrn.startswith("DEMO-") for p in Patient.objects.all())


def test_running_it_twice_changes_nothing():
    seed("--password", "x")
    before = snapshot()
    output = seed("--password", "y")
    assert snapshot() == before
    assert "0 added" in output

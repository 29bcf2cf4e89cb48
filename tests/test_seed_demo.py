"""seed_demo: users in their roles, ~30 cases covering every pathway, site group, risk and genotype; idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command

from cases.models import (
    AgendaItem,
    Assessment,
    Case,
    FollowUpItem,
    MdtMeeting,
    Pathology,
    Patient,
    Presentation,
    SignedReport,
)

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    models = [Patient, Case, Presentation, Pathology, Assessment, MdtMeeting, AgendaItem, SignedReport, FollowUpItem,
              get_user_model()]  # fmt: skip
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


def test_running_it_twice_changes_nothing():
    seed("--password", "demo-password-x")
    before = snapshot()
    output = seed("--password", "demo-password-y")
    assert snapshot() == before
    assert "0 added" in output


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """seed_demo's output, run once for the class's tests (which only read what it made) and rolled back after the
    last of them: each test runs in a savepoint of its own inside it (pytest-django's `db`). A run takes about 12 s;
    the class's five tests made it five times."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            output = seed("--password", "demo-password-x")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class TestTheDemo:
    """What one run of seed_demo made."""

    def test_it_covers_every_pathway_site_group_risk_and_genotype(self, demo):
        cases = Case.objects.all()
        assert 25 <= cases.count() <= 35
        assert {"surveillance", "resection", "neoadjuvant_then_resection", "systemic_therapy"} <= set(
            cases.values_list("pathway", flat=True)
        )
        assert {"very_low", "low", "intermediate", "high"} <= set(
            cases.values_list("risk_category", flat=True)
        )
        sites = set(Presentation.objects.values_list("site", flat=True))
        assert {"stomach", "duodenum", "rectum", "jejunum"} <= sites
        from cases.choices import Genotype

        assert set(Pathology.objects.values_list("genotype", flat=True)) == set(Genotype.values)
        statuses = set(cases.values_list("status", flat=True))
        assert {"draft", "assessed", "discussed", "finalised"} <= statuses
        assert all(p.mrn.startswith("DEMO-") for p in Patient.objects.all())

    def test_finalised_cases_come_signed_with_their_followups(self, demo):
        finalised = Case.objects.filter(status="finalised")
        assert finalised.exists()
        for case in finalised:
            report = SignedReport.objects.get(case=case)
            assert report.signed_by.username == "admin"
            assert len(report.pdf_sha256) == 64
            # The engine's schedule for the signed case became its follow-up items, one per visit.
            assert case.followups.count() == len(report.result["surveillance"])
        discussed = Case.objects.filter(status="discussed")
        assert discussed.exists()
        assert not SignedReport.objects.filter(case__in=discussed).exists()
        upcoming = MdtMeeting.objects.get(title="Weekly GIST MDT (next)")
        assert upcoming.items.count() == 2

    def test_it_adds_three_ten_year_courses_one_of_them_resected_with_its_adjuvant_line(self, demo):
        from cases.models import LineInterruption, TherapyLine

        assert "Ten-year treatment courses: 3 added." in demo
        adjuvant = TherapyLine.objects.get(setting="adjuvant")
        assert (adjuvant.drug, adjuvant.stop_reason) == ("imatinib", "completed")
        assert LineInterruption.objects.filter(line=adjuvant).count() == 1
        assert TherapyLine.objects.filter(case=adjuvant.case).count() == 3
        assert TherapyLine.objects.values("case").distinct().count() == 3
        assert "Ten-year treatment courses: 0 added." in seed("--password", "demo-password-x")

    def test_every_value_the_demo_stores_is_one_its_field_offers(self, demo):
        """A demo case stored a gastric location "body", which the form does not offer: the case page printed the raw
        word and the presentation step showed an empty choice (found by a reviewer's walk)."""
        from django.apps import apps

        from cases.choices import ClinicalFeature, EusFeature

        wrong = []
        for model in apps.get_app_config("cases").get_models():
            fields = [
                f for f in model._meta.concrete_fields if f.choices and not f.name.startswith("history_")
            ]
            for f in fields:
                offered = {str(value) for value, _ in f.flatchoices} | ({""} if f.blank else set())
                for value in model.objects.exclude(**{f"{f.name}__isnull": True}).values_list(
                    f.name, flat=True
                ):
                    if str(value) not in offered:
                        wrong.append((model.__name__, f.name, value))
        # The feature lists (JSON lists of choices).
        for name, choices_ in (("eus_features", EusFeature), ("clinical_features", ClinicalFeature)):
            for values in Presentation.objects.values_list(name, flat=True):
                wrong += [("Presentation", name, v) for v in values if v not in choices_.values]
        assert sorted(set(wrong)) == []

    def test_every_demo_meeting_lists_its_attendance_one_per_line_with_the_quorum_met(self, demo):
        """The meeting form asks for one attendee per line with their discipline ("Dr A. Smith, surgeon (chair)"); the next
        meeting's attendance was one line of disciplines, read as one attendee, and its page warned that no surgeon,
        oncologist, pathologist or radiologist was recorded as present."""
        from cases.mdt.decisions import parse_attendees, quorum_missing

        for meeting in MdtMeeting.objects.all():
            attendees = parse_attendees(meeting.attendees)
            assert quorum_missing(attendees) == [], meeting.title
            assert all(attendee.discipline for attendee in attendees), meeting.title


def test_the_demo_of_the_class_is_rolled_back_after_it():
    """The class's seed_demo is undone after its last test: nothing of it reaches the tests that follow."""
    assert not Case.objects.exists()
    assert not get_user_model().objects.filter(username="surgeon").exists()

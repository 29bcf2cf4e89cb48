"""Demo users and about 30 synthetic GIST cases: `python manage.py seed_demo [--password P]`.

Idempotent: users that exist keep their password and groups are only added; a demo patient (MRN DEMO-xxxx)
already on record is left as it is, so a second run changes nothing. The names are generated from fixed lists
(not real people); every pathway, site group, modified-NIH risk category and genotype appears at least once.
Cases go through the same services as the wizard (cases.records.services), so their assessments are real
engine snapshots.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases import roles
from cases.choices import CaseStatus, FollowUpResult
from cases.course.demo import LONG_COURSES, demo_long_courses
from cases.followups.services import item_mark_done
from cases.mdt.services import agenda_add, decision_record, meeting_create, report_sign
from cases.models import Case, MdtMeeting, Patient
from cases.records.services import case_create, case_save_step
from gistcare.auth_backends import PermissionCacheUnreachable, permission_cache_reachable

# The demo's past meeting, where the discussed and finalised demo cases were decided, and the next one.
PAST_MEETING = ("Weekly GIST MDT", date(2026, 11, 17))
NEXT_MEETING_TITLE = "Weekly GIST MDT (next)"

DEMO_USERS = (
    ("surgeon", "Sam", "Hale", roles.SURGEON),
    ("coordinator", "Casey", "Marsh", roles.COORDINATOR),
    ("nurse", "Noor", "Pell", roles.NURSE),
    ("admin", "Alex", "Dunmore", roles.ADMINISTRATOR),
)

GIVEN = ("Ada", "Bram", "Cleo", "Dov", "Esme", "Finn", "Greta", "Hugo", "Ines", "Jude", "Kira", "Lev", "Mina",
         "Nils", "Orla", "Pim", "Quin", "Rhea", "Saul", "Tova", "Ulla", "Vik", "Wren", "Xan", "Yara", "Zeb")  # fmt: skip
FAMILY = ("Ashdown", "Brackett", "Corrow", "Denholt", "Elmsby", "Fairlow", "Gorrick", "Hathersage", "Ivell",
          "Jessop", "Kettleby", "Larkham", "Mossop", "Nettlefold", "Oakhurst", "Pendry", "Quarrell", "Rushby",
          "Sandwell", "Thackery", "Umbers", "Vardy", "Wrexley", "Yelland", "Zouch")  # fmt: skip


@dataclass(frozen=True)
class Demo:
    site: str | None  # None: a draft with the patient only
    size: str = ""
    location: str = ""
    presentation: str = "localized"
    mitoses: int | None = None
    genotype: str = "not_tested"
    surgery: date | None = None
    approach: str = "open"
    margin: str = "R0"
    rupture: bool = False
    eus: tuple[str, ...] = ()
    histology: bool = True
    r0_feasible: bool = True
    morbidity: bool = False
    neoadjuvant_months: int = 0
    adjuvant: str = ""
    status: str = CaseStatus.ASSESSED
    ruleset: str = "esmo-2022"
    metastatic_sites: str = ""


D = date
DEMOS: tuple[Demo, ...] = (
    Demo("stomach", "6.5", "greater_curvature", mitoses=8, genotype="kit_exon_11", surgery=D(2025, 3, 10),
         adjuvant="given", status=CaseStatus.FINALISED),
    Demo("stomach", "1.2", "antrum", histology=False, status=CaseStatus.ASSESSED),
    Demo("egj", "1.5", "cardia", eus=("irregular_border",), histology=False),
    Demo("stomach", "3.5", "fundus", mitoses=3, genotype="kit_exon_11", surgery=D(2025, 5, 2),
         approach="laparoscopic", status=CaseStatus.FINALISED),
    Demo("stomach", "1.8", "lesser_curvature", mitoses=2, genotype="kit_exon_11", surgery=D(2025, 9, 18),
         approach="endoscopic", status=CaseStatus.DISCUSSED),
    Demo("stomach", "7.0", "posterior_wall", mitoses=4, genotype="pdgfra_other", surgery=D(2025, 6, 24),
         status=CaseStatus.DISCUSSED),
    Demo("stomach", "4.0", "anterior_wall", mitoses=7, genotype="kit_exon_9", surgery=D(2025, 8, 5),
         approach="laparoscopic", adjuvant="declined", ruleset="csco-2020"),
    Demo("duodenum", "3.0", "lateral_wall", mitoses=2, genotype="kit_exon_11", surgery=D(2025, 4, 14),
         approach="local_excision", status=CaseStatus.FINALISED),
    Demo("duodenum", "6.0", "medial_wall", mitoses=12, genotype="nf1", surgery=D(2025, 10, 1)),
    Demo("jejunum", "4.5", mitoses=3, genotype="kit_exon_11", surgery=D(2025, 7, 7), approach="laparoscopic"),
    Demo("ileum", "8.0", mitoses=4, genotype="kit_exon_11", surgery=D(2025, 2, 20), adjuvant="given",
         status=CaseStatus.FINALISED),
    Demo("small_intestine", "12.0", mitoses=20, genotype="kit_exon_11", surgery=D(2025, 1, 28), rupture=True,
         margin="R1", adjuvant="given", status=CaseStatus.DISCUSSED),
    Demo("rectum", "3.0", "low", histology=False),
    Demo("rectum", "2.5", "mid", mitoses=6, genotype="kit_exon_11", surgery=D(2025, 11, 3),
         approach="local_excision"),
    Demo("colon", "5.5", mitoses=3, genotype="braf", surgery=D(2025, 9, 9), approach="laparoscopic"),
    Demo("esophagus", "2.5", mitoses=1, genotype="kit_other", surgery=D(2025, 12, 2)),
    Demo("mesentery", "9.0", presentation="metastatic", genotype="kit_exon_11", metastatic_sites="Liver (3 lesions)",
         status=CaseStatus.DISCUSSED),
    Demo("peritoneum", "5.0", presentation="recurrent", genotype="kit_exon_9", metastatic_sites="Peritoneal nodules"),
    Demo("stomach", "15.0", "lesser_curvature", presentation="locally_advanced", genotype="kit_exon_11",
         r0_feasible=False),
    Demo("stomach", "9.0", "cardia", mitoses=2, genotype="kit_exon_11", surgery=D(2025, 10, 20), morbidity=True,
         neoadjuvant_months=8, adjuvant="given", status=CaseStatus.FINALISED),
    Demo("stomach", "8.0", "fundus", presentation="metastatic", genotype="pdgfra_d842v",
         metastatic_sites="Liver"),
    Demo("stomach", "5.5", "antrum", mitoses=2, genotype="pdgfra_d842v", surgery=D(2025, 6, 2)),
    Demo("omentum", "11.0", mitoses=3, genotype="sdh_deficient", surgery=D(2025, 5, 27)),
    Demo("stomach", "6.0", "greater_curvature", mitoses=4, genotype="wild_type_unspecified", surgery=D(2025, 8, 28),
         ruleset="csco-2020"),
    Demo("jejunum", "7.0", presentation="metastatic", genotype="ntrk", metastatic_sites="Liver, lung"),
    Demo("other", "4.0", mitoses=2, surgery=D(2025, 11, 12)),
    Demo(None, status=CaseStatus.DRAFT),
    Demo(None, status=CaseStatus.DRAFT),
    Demo(None, status=CaseStatus.DRAFT),
    Demo(None, status=CaseStatus.DRAFT),
)  # fmt: skip


def _patient(index: int) -> dict:
    # Deterministic and clearly synthetic: names combined from fixed lists, MRN DEMO-0001...
    return {
        "mrn": f"DEMO-{index + 1:04d}",
        "given_name": GIVEN[(index * 7) % len(GIVEN)],
        "family_name": FAMILY[(index * 11) % len(FAMILY)],
        "date_of_birth": date(1940 + (index * 13) % 50, 1 + index % 12, 1 + (index * 5) % 28),
        "sex": ("female", "male")[index % 2],
        "phone": f"01632 960{index:03d}",
        "email": f"demo{index + 1}@example.org" if index % 3 == 0 else "",
        "preferred_contact": ("phone", "sms", "email", "letter")[index % 4] if index % 3 == 0 else "phone",
    }


class Command(BaseCommand):
    help = "Create the demo users and about 30 synthetic GIST cases (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="password for new demo users (default: a random one, printed)")

    def handle(self, *args, password: str | None = None, **options) -> None:
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        self._check_password(password)
        if not permission_cache_reachable():  # before any user is created: none is left without its role
            raise CommandError(
                "The shared cache (CACHE_URL) cannot be reached, so the demo users cannot be given their roles. "
                "Run seed_demo again once it is back."
            )
        try:
            users, created = self._users(password)
        except PermissionCacheUnreachable as refused:  # the cache lost since the check above
            raise CommandError(str(refused)) from None
        # Signing is an attestation with the chair's password: known only when this run created the chair.
        self._chair_password = password if "admin" in created else None
        if created:
            shown = password if generated else "the one given with --password"
            self.stdout.write(f"Created users {', '.join(created)}; password: {shown}")
        else:
            self.stdout.write("Demo users exist already; their passwords are unchanged.")
        added = 0
        for index, demo in enumerate(DEMOS):
            if not Patient.objects.filter(mrn=_patient(index)["mrn"]).exists():
                self._case(index, demo, users)
                added += 1
        self._next_meeting(users)
        self.stdout.write(f"Demo cases: {added} added, {len(DEMOS) - added} already present.")
        courses = demo_long_courses(
            user=users["surgeon"], patients=[_patient(len(DEMOS) + i) for i in range(len(LONG_COURSES) + 1)]
        )
        self.stdout.write(f"Ten-year treatment courses: {courses} added.")

    @staticmethod
    def _check_password(password: str) -> None:
        # The same validators as every other password (settings.AUTH_PASSWORD_VALIDATORS), checked against each
        # demo user before any is created: the demo admin is a superuser.
        User = get_user_model()
        for username, first, last, _role in DEMO_USERS:
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@example.org")
            try:
                validate_password(password, user)
            except ValidationError as refused:
                raise CommandError(
                    f"--password refused for user {username}: {' '.join(refused.messages)}"
                ) from None

    def _users(self, password: str) -> tuple[dict, list[str]]:
        User = get_user_model()
        users, created = {}, []
        for username, first, last, role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username, first_name=first, last_name=last, email=f"{username}@example.org"
                )
                user.set_password(password)
                if username == "admin":
                    user.is_staff = user.is_superuser = True
                user.save()
                created.append(username)
            group = Group.objects.get(name=role)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
            if username == "admin":
                perm = Permission.objects.get(
                    content_type__app_label="cases", codename=roles.CHAIR_PERMISSION
                )
                if not user.user_permissions.filter(pk=perm.pk).exists():
                    user.user_permissions.add(perm)
            users[username] = user
        return users, created

    @transaction.atomic
    def _case(self, index: int, demo: Demo, users: dict) -> Case:
        surgeon = users["surgeon"]
        surgery = demo.surgery
        diagnosis = (
            (surgery - timedelta(days=42)) if surgery else date(2025, 9, 1) + timedelta(days=index * 3)
        )
        case = case_create(**_patient(index), diagnosis_date=diagnosis, ruleset=demo.ruleset, user=surgeon)
        if demo.site is None:  # a draft: only the patient step done
            return case
        location_field = {"stomach": "gastric_location", "duodenum": "duodenal_location",
                          "rectum": "rectal_level"}.get(demo.site)  # fmt: skip
        presentation = {
            "presentation": demo.presentation,
            "site": demo.site,
            "size_cm": Decimal(demo.size),
            "eus_features": list(demo.eus),
            "clinical_features": [],
            "metastatic_sites": demo.metastatic_sites,
            "boundary_clear": True,
            "adherent_to_adjacent_organs": False,
            "r0_feasible": demo.r0_feasible,
            "major_morbidity_expected": demo.morbidity,
            "biopsy_done": demo.histology and not surgery,
            "biopsy_method": "eus_fna" if demo.histology and not surgery else "",
            "biopsy_date": diagnosis if demo.histology and not surgery else None,
            "histology_confirmed": demo.histology,
            "cd117": "positive" if demo.histology else "",
            "dog1": "positive" if demo.histology else "",
            "sdh_ihc": "lost" if demo.genotype == "sdh_deficient" else "",
        }
        if location_field:
            presentation[location_field] = demo.location
        case_save_step(case=case, step="presentation", data=presentation, user=surgeon)
        if surgery:
            operation = {"resected": True, "surgery_date": surgery, "approach_used": demo.approach,
                         "margin": demo.margin, "rupture_grade": "major" if demo.rupture else "none"}  # fmt: skip
            case_save_step(case=case, step="operation", data=operation, user=surgeon)
        if surgery or demo.genotype != "not_tested":
            pathology = {"mitoses_per_5mm2": demo.mitoses, "genotype": demo.genotype,
                         "neoadjuvant_months": demo.neoadjuvant_months, "adjuvant_decision": demo.adjuvant}  # fmt: skip
            if demo.adjuvant == "given" and surgery:
                pathology.update(adjuvant_start=surgery + timedelta(days=35), adjuvant_dose_mg=400,
                                 adjuvant_planned_months=36)  # fmt: skip
            case_save_step(case=case, step="pathology", data=pathology, user=surgeon)
        if demo.status in (CaseStatus.DISCUSSED, CaseStatus.FINALISED):
            # Through the MDT services, as at a real meeting: the chair (admin) accepts the recommendation, and
            # signs the finalised ones, which freezes their report and creates their follow-up items.
            title, when = PAST_MEETING
            meeting = MdtMeeting.objects.filter(title=title, date=when).first() or meeting_create(
                user=users["coordinator"],
                date=when,
                title=title,
                attendees="Dr Demo Surgeon, surgeon (chair)\nDr Demo Oncologist, oncologist\n"
                "Dr Demo Pathologist, pathologist\nDr Demo Radiologist, radiologist",
            )
            item = agenda_add(meeting=meeting, case=Case.objects.get(pk=case.pk), user=users["coordinator"])
            item = decision_record(item=item, user=users["admin"], decision="accept")
            if demo.status == CaseStatus.FINALISED and self._chair_password:
                report_sign(item=item, user=users["admin"], password=self._chair_password)
                self._past_visits_done(case, users["nurse"])
            elif demo.status == CaseStatus.FINALISED:
                self.stdout.write(f"Case {case.short_id} left unsigned: the chair's password is not known.")
        return case

    def _past_visits_done(self, case: Case, nurse) -> None:
        """Visits due more than two months ago were done (no evidence of disease); the recent ones are open."""
        cutoff = timezone.localdate() - timedelta(days=60)
        for visit in case.followups.filter(due_date__lt=cutoff).order_by("due_date"):
            item_mark_done(
                item=visit,
                user=nurse,
                expected_version=visit.version,
                completed_date=visit.due_date,
                result=FollowUpResult.NO_EVIDENCE_OF_DISEASE,
                notes="Demo: imaging reported, no evidence of disease.",
            )

    def _next_meeting(self, users: dict) -> None:
        """An upcoming meeting with the first two assessed demo cases on its agenda (created once)."""
        if MdtMeeting.objects.filter(title=NEXT_MEETING_TITLE).exists():
            return
        meeting = meeting_create(
            user=users["coordinator"],
            date=timezone.localdate() + timedelta(days=7),
            title=NEXT_MEETING_TITLE,
            # One attendee a line with their discipline, as the meeting's form asks (the quorum is read from it).
            attendees="Dr Demo Surgeon, surgeon (chair)\nDr Demo Oncologist, oncologist\n"
            "Dr Demo Pathologist, pathologist\nDr Demo Radiologist, radiologist\nDemo Specialist Nurse, nurse",
        )
        demo_mrns = [_patient(index)["mrn"] for index in range(len(DEMOS))]
        assessed = Case.objects.filter(status=CaseStatus.ASSESSED, patient__mrn__in=demo_mrns).order_by(
            "patient__mrn"
        )[:2]
        for case in assessed:
            agenda_add(meeting=meeting, case=case, user=users["coordinator"])

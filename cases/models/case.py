"""A GIST episode and its clinical sections.

A case is one tumour episode of one patient. Its clinical facts are grouped as they are collected, one table
per wizard step (presentation, diagnostics, operation, pathology, treatment decisions), each a one-to-one
extension of the case so that every group has its own audit history.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import (
    AdjuvantDecision,
    Approach,
    CaseStatus,
    DuodenalLocation,
    GastricLocation,
    Genotype,
    GenotypeDetail,
    GrowthPattern,
    Margin,
    Pathway,
    PresentationKind,
    RectalLevel,
    RiskCategory,
    RuptureGrade,
    SdhResult,
    Site,
    StainResult,
)
from cases.models.base import BaseModel
from cases.models.patient import Patient


def default_ruleset() -> str:
    return settings.GISTCARE_DEFAULT_RULESET


class CaseQuerySet(models.QuerySet["Case"]):
    def active(self) -> CaseQuerySet:
        """Cases neither archived nor of an archived patient. The patient side is NOT IN the (few) archived
        patients, read from their partial index, rather than a join: counting 20,000 cases joined each to its
        patient (the case list's count: 11.9 -> 2.7 ms; issue 16). Archived patients stay few (a centre archives
        hundreds, far from the hundred thousand ids that would outgrow PostgreSQL's hashed NOT IN list)."""
        archived_patients = Patient.objects.filter(archived_at__isnull=False).values("pk")
        return self.filter(archived_at__isnull=True).exclude(patient_id__in=archived_patients)

    def with_sections(self) -> CaseQuerySet:
        return self.select_related(
            "patient", "owner", "presentation", "diagnostics", "operation", "pathology", "treatment"
        )


def short_id_of(case_id: uuid.UUID | str) -> str:
    """A case's short id, as pages and feeds name it: the first eight characters of its id (read from the id alone,
    without the case's row)."""
    return str(case_id)[:8]


class Case(BaseModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    ruleset = models.CharField("guideline rule set", max_length=40, default=default_ruleset)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name="responsible surgeon",
        db_index=False,  # (surgeon, case) in the index case_owner below
    )
    diagnosis_date = models.DateField("date of diagnosis", null=True, blank=True)
    # Denormalised from the latest assessment so the case list can filter without reading JSON.
    risk_category = models.CharField(max_length=12, choices=RiskCategory.choices, blank=True)
    pathway = models.CharField(max_length=30, choices=Pathway.choices, blank=True)
    # Set when a follow-up finds recurrence or progression; cleared when the MDT has re-discussed the case.
    needs_mdt_review = models.BooleanField("flagged for MDT re-discussion", default=False)
    # Every reason the case is flagged for, joined by "; " while the flag stands: never cut short (the newest reason
    # is the last one).
    mdt_review_reason = models.TextField(blank=True)
    # Set by the case services when clinical data change after a report was signed; cleared by the next
    # signature or amendment. The case page recomputes what changed from the history tables.
    changed_since_signed = models.BooleanField("changed since the report was signed", default=False)
    # Optimistic concurrency of the clinical record (issue 11 finding 1): every step save claims the row with
    # `UPDATE ... WHERE version = <the version the form was opened at>` (cases.service_helpers.claim_version).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status"]),
            # The cases of a risk group as (risk, id) pairs, read from the index alone: the worklist's risk filter
            # is a set of cases (cases/followups/worklist.py, issue 16).
            models.Index(fields=["risk_category", "id"], name="case_risk"),
            models.Index(fields=["-updated_at"]),
            # A surgeon's latest drafts on the home page, read from the index instead of sorting every draft
            # they own (issue 16).
            models.Index(fields=["owner", "status", "-updated_at"], name="case_owner_status_updated"),
            # A surgeon's cases as (surgeon, case) pairs, in place of the foreign key's index of the surgeon alone:
            # the worklist's surgeon filter tests each overdue item's case in this index alone and stops at the
            # page's 50th, where it read each of the surgeon's 1,700 cases from the table and sorted their overdue
            # items (page ids 5.8 -> 0.35 ms on SQLite, 7.7 -> 1.4 ms on PostgreSQL, 100,000 items; issue 16).
            models.Index(fields=["owner", "id"], name="case_owner"),
            # The few archived cases, found without reading every case (the worklist leaves them out, issue 16).
            models.Index(
                fields=["archived_at"], condition=models.Q(archived_at__isnull=False), name="case_archived"
            ),
            # The coordinator's home: the few cases flagged for the MDT (counted) and the few whose signed report
            # no longer matches (the newest ten), found without reading every case (SQLite read all of them:
            # 2.5 and 5.6 ms with 20,000 cases; issue 16). With the patient and the archive date in the index
            # the count tests "active" without reading the case.
            models.Index(
                fields=["patient", "archived_at"],
                condition=models.Q(needs_mdt_review=True),
                name="case_flagged_for_mdt",
            ),
            models.Index(
                fields=["-updated_at"],
                condition=models.Q(changed_since_signed=True),
                name="case_changed_since_signed",
            ),
        ]
        # Capabilities, granted to the role groups in cases/roles.py (the permission matrix is in the README).
        permissions = [
            ("view_clinical", "Can read cases, assessments and reports"),
            ("edit_clinical", "Can create and edit cases and propose recommendations"),
            ("manage_mdt", "Can manage MDT meetings and agendas"),
            ("sign_report", "Can sign and amend MDT reports (MDT chair)"),
            ("manage_followups", "Can work the follow-up list"),
        ]

    def __str__(self) -> str:
        return f"Case {str(self.id)[:8]} of {self.patient}"

    @property
    def short_id(self) -> str:
        return short_id_of(self.id)

    def section(self, name: str) -> models.Model | None:
        """The one-to-one section `name`, or None when it has not been entered yet."""
        try:
            return getattr(self, name)
        except models.ObjectDoesNotExist:
            return None

    def report_versions(self) -> models.QuerySet:
        """The signed report versions, newest first, for listing: without the PDF bytes or frozen content. Read by the
        case's id (not through the related manager, which would attach this case to every row: the case page keeps
        the list in the shared cache, cases/kept.py). Ordered by the version alone: the model's ordering puts the
        case first, which joins the case table for its updated_at, the same for every row of one case."""
        reports = self.signed_reports.model.objects.filter(case_id=self.pk).order_by("-version")
        return reports.select_related("meeting").only(
            "id",
            "case_id",
            "version",
            "decision",
            "signed_by_name",
            "signed_at",
            "amendment_reason",
            "pdf_sha256",
            "meeting__title",
            "meeting__date",
            "meeting__is_virtual",
        )


class Presentation(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="presentation")
    presentation = models.CharField(
        max_length=20, choices=PresentationKind.choices, default=PresentationKind.LOCALIZED
    )
    site = models.CharField("primary site", max_length=20, choices=Site.choices)
    gastric_location = models.CharField(
        "location within the stomach", max_length=20, choices=GastricLocation.choices, blank=True
    )
    duodenal_location = models.CharField(
        "duodenal wall", max_length=20, choices=DuodenalLocation.choices, blank=True
    )
    rectal_level = models.CharField("rectal level", max_length=10, choices=RectalLevel.choices, blank=True)
    size_cm = models.DecimalField(
        "largest diameter (cm)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50"))],
    )
    growth_pattern = models.CharField(max_length=12, choices=GrowthPattern.choices, blank=True)
    # Yes/no findings are tri-state: None is "not recorded" (issue 10 finding 6: nothing unentered is stored as a
    # finding). Rows saved before then keep their stored True/False: nobody can tell which were defaults.
    boundary_clear = models.BooleanField("tumour boundary clear", null=True, blank=True, default=None)
    adherent_to_adjacent_organs = models.BooleanField(
        "serious adhesion to adjacent organs", null=True, blank=True, default=None
    )
    eus_features = models.JSONField("adverse EUS features", default=list, blank=True)
    clinical_features = models.JSONField("clinical features", default=list, blank=True)
    metastatic_sites = models.CharField(max_length=200, blank=True)
    r0_feasible = models.BooleanField("R0 resection feasible", null=True, blank=True, default=None)
    major_morbidity_expected = models.BooleanField(
        "resection would need multivisceral or mutilating surgery", null=True, blank=True, default=None
    )
    recurrence_date = models.DateField("date of recurrence or metastasis", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        # The cases at a site as (site, case) pairs, read from the index alone (the worklist's site filter, issue 16).
        indexes = [models.Index(fields=["site", "case"], name="presentation_site")]

    def __str__(self) -> str:
        return f"{self.get_site_display()}, {self.size_cm} cm"


class Diagnostics(BaseModel):
    class BiopsyMethod(models.TextChoices):
        EUS_FNA = "eus_fna", _("EUS-guided fine-needle biopsy")
        PERCUTANEOUS_CORE = "percutaneous_core", _("Percutaneous core biopsy")
        ENDOSCOPIC = "endoscopic", _("Endoscopic biopsy")
        EXCISION = "excision", _("Excision specimen")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="diagnostics")
    biopsy_done = models.BooleanField("biopsy performed", default=False)
    biopsy_date = models.DateField(null=True, blank=True)
    biopsy_method = models.CharField(max_length=20, choices=BiopsyMethod.choices, blank=True)
    histology_confirmed = models.BooleanField("histology confirms GIST", null=True, blank=True, default=None)
    cd117 = models.CharField("CD117 (KIT)", max_length=10, choices=StainResult.choices, blank=True)
    dog1 = models.CharField("DOG1", max_length=10, choices=StainResult.choices, blank=True)
    sdh_ihc = models.CharField(
        "SDHB immunohistochemistry", max_length=10, choices=SdhResult.choices, blank=True
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Diagnostics of {self.case_id}"


class Operation(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="operation")
    surgery_date = models.DateField("date of surgery")
    approach_used = models.CharField("approach used", max_length=25, choices=Approach.choices)
    converted_to_open = models.BooleanField("converted to open", default=False)
    margin = models.CharField(max_length=2, choices=Margin.choices, blank=True)
    # Oslo criteria (RULES.md section 1): only a major rupture is treated as rupture; blank: not recorded.
    rupture_grade = models.CharField("tumour rupture", max_length=5, choices=RuptureGrade.choices, blank=True)
    nodes_removed = models.BooleanField("lymph nodes removed", default=False)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Operation on {self.surgery_date}"


class Pathology(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="pathology")
    mitoses_per_5mm2 = models.PositiveIntegerField(
        "mitoses per 5 mm²", null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    # Counted per 50 high-power fields instead: the raw count and one field's area (RULES.md section 1); the
    # count per 5 mm² is then left empty and the engine converts (count × 5 / (50 × area)).
    mitoses_per_50hpf = models.PositiveIntegerField(
        "mitoses per 50 HPF", null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    hpf_field_area_mm2 = models.DecimalField(
        "area of one high-power field (mm²)", max_digits=5, decimal_places=3, null=True, blank=True
    )
    nodes_positive = models.BooleanField(
        "regional lymph node metastasis (N1)", null=True, blank=True, default=None
    )
    genotype = models.CharField(max_length=24, choices=Genotype.choices, default=Genotype.NOT_TESTED)
    genotype_detail = models.CharField(
        "mutation detail", max_length=24, choices=GenotypeDetail.choices, blank=True
    )
    exon_detail = models.CharField("mutation detail (note)", max_length=200, blank=True)
    # Before neoadjuvant therapy (ESMO 2022: the mitotic count after imatinib is unreliable).
    pre_treatment_size_cm = models.DecimalField(
        "largest diameter before neoadjuvant therapy, on imaging (cm)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("50"))],
    )
    pre_treatment_mitoses_per_5mm2 = models.PositiveIntegerField(
        "biopsy mitoses per 5 mm² before neoadjuvant therapy",
        null=True,
        blank=True,
        validators=[MaxValueValidator(1000)],
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Pathology of {self.case_id}"

    @property
    def mitoses_conversion(self) -> str:
        """A count per 50 HPF converted to per 5 mm², written out ("12 × 5 / (50 × 0.24) = 5"); else ""."""
        from cases.records.validation import mitoses_conversion

        if self.mitoses_per_50hpf is None or self.hpf_field_area_mm2 is None:
            return ""
        return mitoses_conversion(self.mitoses_per_50hpf, self.hpf_field_area_mm2)[0]


class TreatmentDecision(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="treatment")
    neoadjuvant_months = models.PositiveSmallIntegerField(
        "neoadjuvant imatinib given (months)", default=0, validators=[MaxValueValidator(120)]
    )
    adjuvant_decision = models.CharField(max_length=10, choices=AdjuvantDecision.choices, blank=True)
    adjuvant_start = models.DateField("adjuvant start", null=True, blank=True)
    adjuvant_dose_mg = models.PositiveSmallIntegerField("adjuvant dose (mg/day)", null=True, blank=True)
    # Months of adjuvant imatinib after surgery, neoadjuvant months not included: the engine's adjuvant
    # duration has the same meaning (it is already net of neoadjuvant months).
    adjuvant_planned_months = models.PositiveSmallIntegerField(
        "adjuvant imatinib after surgery (months)", null=True, blank=True, validators=[MaxValueValidator(240)]
    )
    therapy_start_date = models.DateField(
        "start of the current line of systemic therapy", null=True, blank=True
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Treatment decisions of {self.case_id}"

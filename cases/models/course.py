"""The treatment course of a case (issue 13): systemic therapy lines and their dose changes, imaging
assessments with their target lesions, imatinib trough levels, and recurrence or progression events.

Response is never stored: it is computed from the lesion measurements when a page asks
(cases/course/selectors.py over guidelines/response.py). Every record has its audit history and, where a form
edits it, a `version` for optimistic concurrency (cases.service_helpers.claim_version).

Adjuvant imatinib as delivered is one such line (setting "adjuvant", with its planned stop date and its
interruptions): the follow-up page's adjuvant course and the course page write the same record (issue 13: "keep
one model"; migrations 0017-0019 moved the former AdjuvantCourse and AdjuvantInterruption rows, with their
history).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.base import BaseModel


class Drug(models.TextChoices):
    # The drugs of RULES.md section 6 (advanced disease lines), by their generic names.
    IMATINIB = "imatinib", _("Imatinib")
    SUNITINIB = "sunitinib", _("Sunitinib")
    REGORAFENIB = "regorafenib", _("Regorafenib")
    RIPRETINIB = "ripretinib", _("Ripretinib")
    AVAPRITINIB = "avapritinib", _("Avapritinib")
    LAROTRECTINIB = "larotrectinib", _("Larotrectinib")
    ENTRECTINIB = "entrectinib", _("Entrectinib")
    DABRAFENIB_TRAMETINIB = "dabrafenib_trametinib", _("Dabrafenib + trametinib")
    OTHER = "other", _("Other")


class LineSetting(models.TextChoices):
    NEOADJUVANT = "neoadjuvant", _("Neoadjuvant")
    ADJUVANT = "adjuvant", _("Adjuvant")
    ADVANCED_1 = "advanced_1", _("Advanced disease, line 1")
    ADVANCED_2 = "advanced_2", _("Advanced disease, line 2")
    ADVANCED_3 = "advanced_3", _("Advanced disease, line 3")
    ADVANCED_4 = "advanced_4", _("Advanced disease, line 4 or later")


#: The lines of systemic therapy for advanced disease: the start of the one started last is the reference date of
#: the systemic surveillance schedule (RULES.md section 8).
ADVANCED_SETTINGS = frozenset(
    {LineSetting.ADVANCED_1, LineSetting.ADVANCED_2, LineSetting.ADVANCED_3, LineSetting.ADVANCED_4}
)


class StopReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    PROGRESSION = "progression", _("Progression")
    TOXICITY = "toxicity", _("Toxicity")
    PATIENT_CHOICE = "patient_choice", _("Patient choice")
    OTHER = "other", _("Other")


class Modality(models.TextChoices):
    CT = "ct", "CT"
    MRI = "mri", "MRI"
    PET_CT = "pet_ct", "PET-CT"


class LesionOrgan(models.TextChoices):
    # RECIST 1.1 counts at most 2 target lesions per organ: the organ is a choice so the count is reliable.
    LIVER = "liver", _("Liver")
    PERITONEUM = "peritoneum", _("Peritoneum")
    PRIMARY = "primary", _("Primary tumour")
    LUNG = "lung", _("Lung")
    LYMPH_NODE = "lymph_node", _("Lymph nodes")
    BONE = "bone", _("Bone")
    SOFT_TISSUE = "soft_tissue", _("Soft tissue")
    OTHER = "other", _("Other organ")


class FoundBy(models.TextChoices):
    SCHEDULED_SCAN = "scheduled_scan", _("Scheduled scan")
    SYMPTOMS = "symptoms", _("Symptoms")
    OTHER = "other", _("Other")


class _Versioned(BaseModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Optimistic concurrency: an edit is `UPDATE ... WHERE version = <the version the form was opened at>`.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class TherapyLine(_Versioned):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="therapy_lines")
    setting = models.CharField(max_length=20, choices=LineSetting.choices)
    drug = models.CharField(max_length=30, choices=Drug.choices)
    # Required by the forms; empty only on a line moved from a follow-up page's adjuvant course that had no dose
    # (migration 0018): shown as "dose not recorded", never guessed.
    dose_mg_per_day = models.DecimalField(
        "dose (mg/day)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
    )
    # Why a dose outside the drug's usual range (guidelines/rulesets/drug_doses.py) was kept.
    dose_override_reason = models.CharField("reason for an unusual dose", max_length=300, blank=True)
    start_date = models.DateField("started")
    # The stop the MDT planned (adjuvant imatinib: 3 years): with the interruptions, when the line really ends
    # while it is not stopped yet (cases/followups/services.py adjuvant_real_end).
    planned_stop_date = models.DateField("planned stop", null=True, blank=True)
    stop_date = models.DateField("stopped", null=True, blank=True)
    stop_reason = models.CharField("reason stopped", max_length=20, choices=StopReason.choices, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "created_at"]

    def __str__(self) -> str:
        dose = (
            f"{float(self.dose_mg_per_day):g} mg/day"
            if self.dose_mg_per_day is not None
            else "dose not recorded"
        )
        return f"{self.get_drug_display()} {dose} from {self.start_date}"


class LineInterruption(_Versioned):
    """Days a line's drug was not taken (toxicity, surgery...): they push its real end back when only the planned
    stop is known."""

    line = models.ForeignKey(TherapyLine, on_delete=models.CASCADE, related_name="interruptions")
    start_date = models.DateField("interrupted from")
    resume_date = models.DateField("resumed on", null=True, blank=True)
    reason = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "created_at"]

    def __str__(self) -> str:
        return f"Interruption from {self.start_date}"


class DoseChange(_Versioned):
    line = models.ForeignKey(TherapyLine, on_delete=models.CASCADE, related_name="dose_changes")
    change_date = models.DateField("date")
    dose_mg_per_day = models.DecimalField(
        "new dose (mg/day)",
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    reason = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["change_date", "created_at"]

    def __str__(self) -> str:
        return f"{float(self.dose_mg_per_day):g} mg/day from {self.change_date}"


class ImagingAssessment(_Versioned):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="imaging_assessments")
    scan_date = models.DateField("scan date")
    modality = models.CharField(max_length=10, choices=Modality.choices)
    new_lesions = models.BooleanField("new lesions", default=False)
    new_intratumoral_nodule = models.BooleanField("new nodule inside a mass", default=False)
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scan_date", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} of {self.scan_date}"


class TargetLesion(BaseModel):
    # No index of its own (db_index=False): lesion_one_per_position begins with it (issue 16).
    scan = models.ForeignKey(
        ImagingAssessment, on_delete=models.CASCADE, related_name="lesions", db_index=False
    )
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    organ = models.CharField(max_length=20, choices=LesionOrgan.choices)
    diameter_mm = models.DecimalField(
        "longest diameter (mm)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    attenuation_hu = models.DecimalField(
        "CT attenuation (HU)",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-1000), MaxValueValidator(3000)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "position"], name="lesion_one_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.get_organ_display()} {float(self.diameter_mm):g} mm"


class DrugLevel(_Versioned):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="drug_levels")
    drug = models.CharField(max_length=30, choices=Drug.choices, default=Drug.IMATINIB)
    sample_date = models.DateField("date")
    trough_ng_ml = models.DecimalField(
        "trough level (ng/mL)",
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    hours_since_dose = models.DecimalField(
        "hours since the last dose",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["sample_date", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_drug_display()} trough {float(self.trough_ng_ml):g} ng/mL on {self.sample_date}"


class RecurrenceEvent(_Versioned):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="recurrence_events")
    event_date = models.DateField("date")
    site_liver = models.BooleanField("liver", default=False)
    site_peritoneum = models.BooleanField("peritoneum", default=False)
    site_other = models.CharField("other site", max_length=120, blank=True)
    found_by = models.CharField("how found", max_length=20, choices=FoundBy.choices)
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event_date", "created_at"]

    def __str__(self) -> str:
        return f"Recurrence/progression on {self.event_date}"

    @property
    def sites_text(self) -> str:
        """The sites in the reader's language (cases/course/texts.py)."""
        from cases.course.texts import sites_text

        return sites_text(self)

    @property
    def sites(self) -> list[str]:
        sites = []
        if self.site_liver:
            sites.append("liver")
        if self.site_peritoneum:
            sites.append("peritoneum")
        if self.site_other:
            sites.append(self.site_other)
        return sites

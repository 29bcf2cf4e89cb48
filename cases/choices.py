"""Choice lists for the case records, with the labels clinicians read.

The stored values are exactly the engine's vocabulary (RULES.md §1 and ASSESS_CONTRACT.md), so a record
turns into engine facts without translation; tests/test_labels.py checks both sides agree. Words for engine
output codes: cases/labels.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not recorded")


class PreferredContact(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSESSED = "assessed", _("Assessed")
    DISCUSSED = "discussed", _("Discussed at MDT")
    FINALISED = "finalised", _("Finalised")


class Site(models.TextChoices):
    ESOPHAGUS = "esophagus", _("Oesophagus")
    EGJ = "egj", _("Oesophagogastric junction / cardia")
    STOMACH = "stomach", _("Stomach")
    DUODENUM = "duodenum", _("Duodenum")
    JEJUNUM = "jejunum", _("Jejunum")
    ILEUM = "ileum", _("Ileum")
    SMALL_INTESTINE = "small_intestine", _("Small intestine (unspecified)")
    COLON = "colon", _("Colon")
    RECTUM = "rectum", _("Rectum")
    MESENTERY = "mesentery", _("Mesentery")
    OMENTUM = "omentum", _("Omentum")
    PERITONEUM = "peritoneum", _("Peritoneum")
    OTHER = "other", _("Other (extra-GI)")


class GastricLocation(models.TextChoices):
    CARDIA = "cardia", _("Cardia")
    FUNDUS = "fundus", _("Fundus")
    GREATER_CURVATURE = "greater_curvature", _("Greater curvature")
    LESSER_CURVATURE = "lesser_curvature", _("Lesser curvature")
    ANTERIOR_WALL = "anterior_wall", _("Anterior wall")
    POSTERIOR_WALL = "posterior_wall", _("Posterior wall")
    ANTRUM = "antrum", _("Antrum")
    PYLORUS = "pylorus", _("Pylorus")


class DuodenalLocation(models.TextChoices):
    LATERAL_WALL = "lateral_wall", _("Lateral wall")
    MEDIAL_WALL = "medial_wall", _("Medial wall")
    OTHER = "other", _("Other")


class RectalLevel(models.TextChoices):
    LOW = "low", _("Low (distal)")
    MID = "mid", _("Mid")
    HIGH = "high", _("High")


class GrowthPattern(models.TextChoices):
    ENDOPHYTIC = "endophytic", _("Endophytic")
    EXOPHYTIC = "exophytic", _("Exophytic")
    DUMBBELL = "dumbbell", _("Dumbbell")
    INTRAMURAL = "intramural", _("Intramural")


class EusFeature(models.TextChoices):
    IRREGULAR_BORDER = "irregular_border", _("Irregular border")
    CYSTIC_SPACES = "cystic_spaces", _("Cystic spaces")
    ULCERATION = "ulceration", _("Ulceration")
    ECHOGENIC_FOCI = "echogenic_foci", _("Echogenic foci")
    HETEROGENEITY = "heterogeneity", _("Heterogeneity")


class ClinicalFeature(models.TextChoices):
    BLEEDING = "bleeding", _("Bleeding")
    ULCERATION = "ulceration", _("Ulceration")
    OBSTRUCTION = "obstruction", _("Obstruction")
    PERFORATION = "perforation", _("Perforation")


class PresentationKind(models.TextChoices):
    LOCALIZED = "localized", _("Localised")
    LOCALLY_ADVANCED = "locally_advanced", _("Locally advanced")
    METASTATIC = "metastatic", _("Metastatic")
    RECURRENT = "recurrent", _("Recurrent")


class Approach(models.TextChoices):
    LAPAROSCOPIC = "laparoscopic", _("Laparoscopic")
    OPEN = "open", _("Open")
    ENDOSCOPIC = "endoscopic", _("Endoscopic")
    LOCAL_EXCISION = "local_excision", _("Local excision")
    LAPAROSCOPIC_CONVERTED = "laparoscopic_converted", _("Laparoscopic converted to open")


class Margin(models.TextChoices):
    R0 = "R0", _("R0 (microscopically clear)")
    R1 = "R1", _("R1 (microscopic residual)")
    R2 = "R2", _("R2 (macroscopic residual)")


class StainResult(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    NOT_DONE = "not_done", _("Not done")


class SdhResult(models.TextChoices):
    RETAINED = "retained", _("SDHB retained")
    LOST = "lost", _("SDHB lost (SDH-deficient)")
    NOT_DONE = "not_done", _("Not done")


class RuptureGrade(models.TextChoices):
    """Tumour rupture by the Oslo criteria (Nishida et al. 2016; RULES.md section 1)."""

    NONE = "none", _("No rupture")
    MAJOR = "major", _("Major rupture")
    MINOR = "minor", _("Minor rupture (not treated as rupture)")


class GenotypeDetail(models.TextChoices):
    """Structured mutation detail: ASSESS_CONTRACT.md "Additions of 2026-12-02" (`genotype_detail`)."""

    KIT_EXON11_DEL_557_558 = "kit_exon11_del_557_558", _("KIT exon 11 deletion involving codons 557/558")
    KIT_EXON11_OTHER = "kit_exon11_other", _("KIT exon 11, other mutation")
    PDGFRA_EXON18_OTHER = "pdgfra_exon18_other", _("PDGFRA exon 18 other than D842V")
    PDGFRA_EXON12_14 = "pdgfra_exon12_14", _("PDGFRA exon 12 or 14")
    KIT_EXON13_17 = "kit_exon13_17", _("KIT exon 13 or 17")


class Genotype(models.TextChoices):
    KIT_EXON_11 = "kit_exon_11", _("KIT exon 11")
    KIT_EXON_9 = "kit_exon_9", _("KIT exon 9")
    KIT_OTHER = "kit_other", _("KIT other exon")
    PDGFRA_D842V = "pdgfra_d842v", _("PDGFRA D842V")
    PDGFRA_OTHER = "pdgfra_other", _("PDGFRA other")
    SDH_DEFICIENT = "sdh_deficient", _("SDH-deficient")
    NF1 = "nf1", _("NF1")
    BRAF = "braf", _("BRAF")
    NTRK = "ntrk", _("NTRK fusion")
    WILD_TYPE_UNSPECIFIED = "wild_type_unspecified", _("KIT/PDGFRA wild-type (work-up not done)")
    NOT_TESTED = "not_tested", _("Not tested")


class AdjuvantDecision(models.TextChoices):
    GIVEN = "given", _("Given")
    DECLINED = "declined", _("Declined")


class Ruleset(models.TextChoices):
    ESMO_2022 = "esmo-2022", _("ESMO 2022")
    CSCO_2020 = "csco-2020", _("CSCO 2020")


class RiskCategory(models.TextChoices):
    # "risk category": in Chinese a risk is 高危, a rectal level 高位 (same English word, different term).
    VERY_LOW = "very_low", pgettext_lazy("risk category", "Very low")
    LOW = "low", pgettext_lazy("risk category", "Low")
    INTERMEDIATE = "intermediate", pgettext_lazy("risk category", "Intermediate")
    HIGH = "high", pgettext_lazy("risk category", "High")


class Pathway(models.TextChoices):
    SURVEILLANCE = "surveillance", _("Surveillance")
    RESECTION = "resection", _("Resection")
    NEOADJUVANT_THEN_RESECTION = "neoadjuvant_then_resection", _("Neoadjuvant therapy, then resection")
    SYSTEMIC_THERAPY = "systemic_therapy", _("Systemic therapy")


class FollowUpModality(models.TextChoices):
    """Surveillance modalities: the engine's vocabulary (ASSESS_CONTRACT.md, `surveillance[].modality`)."""

    CT_OR_MRI = "ct_or_mri", _("CT or MRI (abdomen and pelvis)")
    MRI = "mri", _("MRI")
    EUS = "eus", _("Endoscopic ultrasound")
    CHEST_XRAY = "chest_xray", _("Chest X-ray")
    CLINIC = "clinic", _("Clinic visit")
    # Not an engine modality: a blood test asked for by the treatment course (cases/course/worklist.py).
    DRUG_LEVEL = "drug_level", _("Imatinib trough level (blood test)")


class FollowUpSource(models.TextChoices):
    SCHEDULE = "schedule", _("Guideline schedule")
    MANUAL = "manual", _("Added by hand")
    # Made by the treatment course (issue 13; cases/course/worklist.py), linked by `course_record`.
    DOSE_SCAN = "dose_scan", _("Scan due after dose change")
    DRUG_LEVEL = "drug_level", _("Imatinib trough level due")
    REVIEW = "review", _("Result to review")


# Sources of items that plan a visit or a test (a result to review plans nothing: no safety net, no escalation).
VISIT_SOURCES = frozenset(
    {FollowUpSource.SCHEDULE, FollowUpSource.MANUAL, FollowUpSource.DOSE_SCAN, FollowUpSource.DRUG_LEVEL}
)


class ResultAttention(models.TextChoices):
    """Why a result to review stands out on the worklist."""

    PROGRESSION = "progression", _("Computes progression")
    LOW_LEVEL = "low_level", _("Trough below the threshold")


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class RescheduleReason(models.TextChoices):
    PATIENT_REQUEST = "patient_request", _("Patient request")
    SCANNER_AVAILABILITY = "scanner_availability", _("Scanner availability")
    CLINICAL = "clinical", _("Clinical")
    OTHER = "other", _("Other")


class FollowUpResult(models.TextChoices):
    NO_EVIDENCE_OF_DISEASE = "ned", _("No evidence of disease")
    SUSPECTED_RECURRENCE = "suspected_recurrence", _("Suspected recurrence")
    CONFIRMED_RECURRENCE = "confirmed_recurrence", _("Confirmed recurrence")
    PROGRESSION = "progression", _("Progression")
    STABLE_DISEASE = "stable", _("Stable disease")
    RESPONSE = "response", _("Response")


# Results that send the case back to the MDT.
FLAGGING_RESULTS = frozenset(
    {
        FollowUpResult.SUSPECTED_RECURRENCE,
        FollowUpResult.CONFIRMED_RECURRENCE,
        FollowUpResult.PROGRESSION,
    }
)


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached, appointment agreed")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    WRONG_NUMBER = "wrong_number", _("Wrong number / details out of date")
    DECLINED = "declined", _("Patient declined")
    LETTER_SENT = "letter_sent", _("Letter sent")

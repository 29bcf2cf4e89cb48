"""Choice lists for the case records, with the labels clinicians read.

The stored values are exactly the engine's vocabulary (RULES.md §1 and ASSESS_CONTRACT.md), so a record
turns into engine facts without translation; tests/test_labels.py checks both sides agree. Words for engine
output codes: cases/labels.py.
"""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not recorded"


class PreferredContact(models.TextChoices):
    PHONE = "phone", "Phone"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ASSESSED = "assessed", "Assessed"
    DISCUSSED = "discussed", "Discussed at MDT"
    FINALISED = "finalised", "Finalised"


class Site(models.TextChoices):
    ESOPHAGUS = "esophagus", "Oesophagus"
    EGJ = "egj", "Oesophagogastric junction / cardia"
    STOMACH = "stomach", "Stomach"
    DUODENUM = "duodenum", "Duodenum"
    JEJUNUM = "jejunum", "Jejunum"
    ILEUM = "ileum", "Ileum"
    SMALL_INTESTINE = "small_intestine", "Small intestine (unspecified)"
    COLON = "colon", "Colon"
    RECTUM = "rectum", "Rectum"
    MESENTERY = "mesentery", "Mesentery"
    OMENTUM = "omentum", "Omentum"
    PERITONEUM = "peritoneum", "Peritoneum"
    OTHER = "other", "Other (extra-GI)"


class GastricLocation(models.TextChoices):
    CARDIA = "cardia", "Cardia"
    FUNDUS = "fundus", "Fundus"
    GREATER_CURVATURE = "greater_curvature", "Greater curvature"
    LESSER_CURVATURE = "lesser_curvature", "Lesser curvature"
    ANTERIOR_WALL = "anterior_wall", "Anterior wall"
    POSTERIOR_WALL = "posterior_wall", "Posterior wall"
    ANTRUM = "antrum", "Antrum"
    PYLORUS = "pylorus", "Pylorus"


class DuodenalLocation(models.TextChoices):
    LATERAL_WALL = "lateral_wall", "Lateral wall"
    MEDIAL_WALL = "medial_wall", "Medial wall"
    OTHER = "other", "Other"


class RectalLevel(models.TextChoices):
    LOW = "low", "Low (distal)"
    MID = "mid", "Mid"
    HIGH = "high", "High"


class GrowthPattern(models.TextChoices):
    ENDOPHYTIC = "endophytic", "Endophytic"
    EXOPHYTIC = "exophytic", "Exophytic"
    DUMBBELL = "dumbbell", "Dumbbell"
    INTRAMURAL = "intramural", "Intramural"


class EusFeature(models.TextChoices):
    IRREGULAR_BORDER = "irregular_border", "Irregular border"
    CYSTIC_SPACES = "cystic_spaces", "Cystic spaces"
    ULCERATION = "ulceration", "Ulceration"
    ECHOGENIC_FOCI = "echogenic_foci", "Echogenic foci"
    HETEROGENEITY = "heterogeneity", "Heterogeneity"


class ClinicalFeature(models.TextChoices):
    BLEEDING = "bleeding", "Bleeding"
    ULCERATION = "ulceration", "Ulceration"
    OBSTRUCTION = "obstruction", "Obstruction"
    PERFORATION = "perforation", "Perforation"


class PresentationKind(models.TextChoices):
    LOCALIZED = "localized", "Localised"
    LOCALLY_ADVANCED = "locally_advanced", "Locally advanced"
    METASTATIC = "metastatic", "Metastatic"
    RECURRENT = "recurrent", "Recurrent"


class Approach(models.TextChoices):
    LAPAROSCOPIC = "laparoscopic", "Laparoscopic"
    OPEN = "open", "Open"
    ENDOSCOPIC = "endoscopic", "Endoscopic"
    LOCAL_EXCISION = "local_excision", "Local excision"
    LAPAROSCOPIC_CONVERTED = "laparoscopic_converted", "Laparoscopic converted to open"


class Margin(models.TextChoices):
    R0 = "R0", "R0 (microscopically clear)"
    R1 = "R1", "R1 (microscopic residual)"
    R2 = "R2", "R2 (macroscopic residual)"


class StainResult(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NOT_DONE = "not_done", "Not done"


class SdhResult(models.TextChoices):
    RETAINED = "retained", "SDHB retained"
    LOST = "lost", "SDHB lost (SDH-deficient)"
    NOT_DONE = "not_done", "Not done"


class RuptureGrade(models.TextChoices):
    """Tumour rupture by the Oslo criteria (Nishida et al. 2016; RULES.md section 1)."""

    NONE = "none", "No rupture"
    MAJOR = "major", "Major rupture"
    MINOR = "minor", "Minor rupture (not treated as rupture)"


class GenotypeDetail(models.TextChoices):
    """Structured mutation detail: ASSESS_CONTRACT.md "Additions of 2026-12-02" (`genotype_detail`)."""

    KIT_EXON11_DEL_557_558 = "kit_exon11_del_557_558", "KIT exon 11 deletion involving codons 557/558"
    KIT_EXON11_OTHER = "kit_exon11_other", "KIT exon 11, other mutation"
    PDGFRA_EXON18_OTHER = "pdgfra_exon18_other", "PDGFRA exon 18 other than D842V"
    PDGFRA_EXON12_14 = "pdgfra_exon12_14", "PDGFRA exon 12 or 14"
    KIT_EXON13_17 = "kit_exon13_17", "KIT exon 13 or 17"


class Genotype(models.TextChoices):
    KIT_EXON_11 = "kit_exon_11", "KIT exon 11"
    KIT_EXON_9 = "kit_exon_9", "KIT exon 9"
    KIT_OTHER = "kit_other", "KIT other exon"
    PDGFRA_D842V = "pdgfra_d842v", "PDGFRA D842V"
    PDGFRA_OTHER = "pdgfra_other", "PDGFRA other"
    SDH_DEFICIENT = "sdh_deficient", "SDH-deficient"
    NF1 = "nf1", "NF1"
    BRAF = "braf", "BRAF"
    NTRK = "ntrk", "NTRK fusion"
    WILD_TYPE_UNSPECIFIED = "wild_type_unspecified", "KIT/PDGFRA wild-type (work-up not done)"
    NOT_TESTED = "not_tested", "Not tested"


class AdjuvantDecision(models.TextChoices):
    GIVEN = "given", "Given"
    DECLINED = "declined", "Declined"


class Ruleset(models.TextChoices):
    ESMO_2022 = "esmo-2022", "ESMO 2022"
    CSCO_2020 = "csco-2020", "CSCO 2020"


class RiskCategory(models.TextChoices):
    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    INTERMEDIATE = "intermediate", "Intermediate"
    HIGH = "high", "High"


class Pathway(models.TextChoices):
    SURVEILLANCE = "surveillance", "Surveillance"
    RESECTION = "resection", "Resection"
    NEOADJUVANT_THEN_RESECTION = "neoadjuvant_then_resection", "Neoadjuvant therapy, then resection"
    SYSTEMIC_THERAPY = "systemic_therapy", "Systemic therapy"


class FollowUpModality(models.TextChoices):
    """Surveillance modalities: the engine's vocabulary (ASSESS_CONTRACT.md, `surveillance[].modality`)."""

    CT_OR_MRI = "ct_or_mri", "CT or MRI (abdomen and pelvis)"
    MRI = "mri", "MRI"
    EUS = "eus", "Endoscopic ultrasound"
    CHEST_XRAY = "chest_xray", "Chest X-ray"
    CLINIC = "clinic", "Clinic visit"


class FollowUpSource(models.TextChoices):
    SCHEDULE = "schedule", "Guideline schedule"
    MANUAL = "manual", "Added by hand"


class FollowUpStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class RescheduleReason(models.TextChoices):
    PATIENT_REQUEST = "patient_request", "Patient request"
    SCANNER_AVAILABILITY = "scanner_availability", "Scanner availability"
    CLINICAL = "clinical", "Clinical"
    OTHER = "other", "Other"


class FollowUpResult(models.TextChoices):
    NO_EVIDENCE_OF_DISEASE = "ned", "No evidence of disease"
    SUSPECTED_RECURRENCE = "suspected_recurrence", "Suspected recurrence"
    CONFIRMED_RECURRENCE = "confirmed_recurrence", "Confirmed recurrence"
    PROGRESSION = "progression", "Progression"
    STABLE_DISEASE = "stable", "Stable disease"
    RESPONSE = "response", "Response"


# Results that send the case back to the MDT.
FLAGGING_RESULTS = frozenset(
    {
        FollowUpResult.SUSPECTED_RECURRENCE,
        FollowUpResult.CONFIRMED_RECURRENCE,
        FollowUpResult.PROGRESSION,
    }
)


class ContactOutcome(models.TextChoices):
    REACHED = "reached", "Reached, appointment agreed"
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    WRONG_NUMBER = "wrong_number", "Wrong number / details out of date"
    DECLINED = "declined", "Patient declined"
    LETTER_SENT = "letter_sent", "Letter sent"

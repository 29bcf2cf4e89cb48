"""Every code the FHIR export and import use, with its code system named (docs/fhir.md lists them with sources).

Standard codes were checked against the published specifications (mCODE STU4 profile pages and value sets,
LOINC, RxNorm, HGNC) on 2026-12-02; a concept with no standard code that could be verified is a code of this
installation's own code system (`settings.GISTCARE_FHIR_LOCAL_SYSTEM`), never a made-up standard code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Code systems ---------------------------------------------------------------------------------------------------
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD_O_3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
HGNC = "http://www.genenames.org/geneId"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"  # identifier types (MR = medical record number)
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

# mCODE STU4 (4.0.0) profiles and extensions ------------------------------------------------------------------
_MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PROFILE_PATIENT = _MCODE + "mcode-cancer-patient"
PROFILE_PRIMARY_CONDITION = _MCODE + "mcode-primary-cancer-condition"
PROFILE_TUMOR_SIZE = _MCODE + "mcode-tumor-size"
PROFILE_STAGE_GROUP = _MCODE + "mcode-tnm-stage-group"
PROFILE_T_CATEGORY = _MCODE + "mcode-tnm-primary-tumor-category"
PROFILE_N_CATEGORY = _MCODE + "mcode-tnm-regional-nodes-category"
PROFILE_M_CATEGORY = _MCODE + "mcode-tnm-distant-metastases-category"
PROFILE_GENOMIC_VARIANT = _MCODE + "mcode-genomic-variant"
PROFILE_SURGICAL_PROCEDURE = _MCODE + "mcode-cancer-related-surgical-procedure"
EXT_HISTOLOGY = _MCODE + "mcode-histology-morphology-behavior"
# FHIR core extension: the date the condition was first asserted (mCODE's date of diagnosis).
EXT_ASSERTED_DATE = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str

    def coding(self) -> dict:
        return {"system": self.system, "code": self.code, "display": self.display}

    def concept(self, text: str | None = None) -> dict:
        return {"coding": [self.coding()], "text": text or self.display}


# Standard codes ----------------------------------------------------------------------------------------------
GIST_MORPHOLOGY = Code(ICD_O_3, "8936/3", "Gastrointestinal stromal tumour, malignant")
TUMOR_SIZE = Code(LOINC, "21889-1", "Size Tumor")
TUMOR_MAX_DIMENSION = Code(LOINC, "33728-7", "Size.maximum dimension in Tumor")
STAGE_GROUP = Code(SNOMED, "399390009", "TNM stage grouping")
T_CATEGORY = Code(SNOMED, "78873005", "T category")
N_CATEGORY = Code(SNOMED, "277206009", "N category")
M_CATEGORY = Code(SNOMED, "277208005", "M category")
AJCC_8 = Code(
    SNOMED,
    "897275008",
    "American Joint Commission on Cancer, Cancer Staging Manual, 8th edition neoplasm staging system",
)
GENETIC_VARIANT_ASSESSMENT = Code(LOINC, "69548-6", "Genetic variant assessment")
GENE_STUDIED = Code(LOINC, "48018-6", "Gene studied [ID]")
VARIANT_PRESENT = Code(LOINC, "LA9633-4", "Present")
VARIANT_ABSENT = Code(LOINC, "LA9634-2", "Absent")
GENE_KIT = Code(HGNC, "HGNC:6342", "KIT")
GENE_PDGFRA = Code(HGNC, "HGNC:8803", "PDGFRA")
SURGICAL_PROCEDURE = Code(SNOMED, "387713003", "Surgical procedure")
IMATINIB_400_TABLET = Code(RXNORM, "403879", "imatinib 400 MG Oral Tablet")
IMATINIB_100_TABLET = Code(RXNORM, "403878", "imatinib 100 MG Oral Tablet")
UCUM_CM = {"system": UCUM, "code": "cm", "unit": "cm"}
UCUM_MG_PER_DAY = {"system": UCUM, "code": "mg/d", "unit": "mg/day"}
UCUM_MONTH = {"system": UCUM, "code": "mo", "unit": "months"}
MRN_TYPE = Code(V2_0203, "MR", "Medical record number")
LABORATORY = Code(OBSERVATION_CATEGORY, "laboratory", "Laboratory")
CLINICAL_ACTIVE = Code(CONDITION_CLINICAL, "active", "Active")
VERIFICATION_CONFIRMED = Code(CONDITION_VERIFICATION, "confirmed", "Confirmed")
VERIFICATION_PROVISIONAL = Code(CONDITION_VERIFICATION, "provisional", "Provisional")


# Local codes (no verified standard code: docs/fhir.md) -----------------------------------------------------
def local_system(value_set: str) -> str:
    """The installation's code system for one local value set, e.g. `<GISTCARE_FHIR_LOCAL_SYSTEM>/site`."""
    return f"{settings.GISTCARE_FHIR_LOCAL_SYSTEM.rstrip('/')}/{value_set}"


def local(value_set: str, code: str, display: str | None = None) -> Code:
    return Code(local_system(value_set), code, display or code)


def mrn_system() -> str:
    return settings.GISTCARE_FHIR_MRN_SYSTEM


# Local value sets, by the name of the observation/element they code (the code is the app's stored value).
LOCAL_OBSERVATIONS = {
    "gist": "Gastrointestinal stromal tumour",
    "mitotic-count": "Mitotic count per 5 mm2",
    "tumour-rupture": "Tumour rupture",
    "cd117-ihc": "CD117 (KIT) immunohistochemistry",
    "dog1-ihc": "DOG1 immunohistochemistry",
    "risk-modified-nih": "Risk of recurrence, modified NIH (Joensuu 2008)",
    "risk-nih-2002": "Risk of recurrence, NIH 2002 (Fletcher 2002)",
    "risk-afip": "Risk of progression, AFIP (Miettinen 2006)",
    "gist-resection": "Resection of gastrointestinal stromal tumour",
    "resection-margin": "Resection margin",
    "surgical-approach": "Surgical approach",
    "genotype": "GIST genotype",
    "surveillance": "GIST surveillance schedule",
    "mdt-report": "Signed MDT recommendation report",
}


def observation_code(name: str) -> Code:
    return local("observation", name, LOCAL_OBSERVATIONS[name])


# Which gene the app's genotype studies (HGNC); None for genotypes that are not a KIT/PDGFRA variant.
GENOTYPE_GENES: dict[str, Code | None] = {
    "kit_exon_11": GENE_KIT,
    "kit_exon_9": GENE_KIT,
    "kit_other": GENE_KIT,
    "pdgfra_d842v": GENE_PDGFRA,
    "pdgfra_other": GENE_PDGFRA,
}

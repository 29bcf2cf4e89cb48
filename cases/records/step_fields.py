"""The record fields each step of the stepwise form reads and writes (one list for reads and writes)."""

SECTIONS = ("presentation", "diagnostics", "operation", "pathology", "treatment")

PATIENT_FIELDS = (
    "mrn",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "preferred_contact",
    "language",
)
PRESENTATION_FIELDS = (
    "presentation",
    "site",
    "gastric_location",
    "duodenal_location",
    "rectal_level",
    "size_cm",
    "growth_pattern",
    "boundary_clear",
    "adherent_to_adjacent_organs",
    "eus_features",
    "clinical_features",
    "metastatic_sites",
    "recurrence_date",
    "r0_feasible",
    "major_morbidity_expected",
)
DIAGNOSTICS_FIELDS = (
    "biopsy_done",
    "biopsy_date",
    "biopsy_method",
    "histology_confirmed",
    "cd117",
    "dog1",
    "sdh_ihc",
)
OPERATION_FIELDS = (
    "surgery_date",
    "approach_used",
    "converted_to_open",
    "margin",
    "rupture_grade",
    "nodes_removed",
)
PATHOLOGY_FIELDS = (
    "mitoses_per_5mm2",
    "mitoses_per_50hpf",
    "hpf_field_area_mm2",
    "nodes_positive",
    "genotype",
    "genotype_detail",
    "exon_detail",
    "pre_treatment_size_cm",
    "pre_treatment_mitoses_per_5mm2",
)
TREATMENT_FIELDS = (
    "neoadjuvant_months",
    "adjuvant_decision",
    "adjuvant_start",
    "adjuvant_dose_mg",
    "adjuvant_planned_months",
    "therapy_start_date",
)

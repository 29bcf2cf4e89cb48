"""A hand-written OpenAPI 3.0 description of the JSON API (served at /api/v1/openapi.json).

The case fields mirror ASSESS_CONTRACT.md; the allowed values come from the engine so the two cannot drift.
"""

from __future__ import annotations

from django.http import HttpRequest

from cases.api.contract import MAX_CASES
from guidelines import facts as f
from guidelines.contract import HPF_AREA_MAX_MM2, HPF_AREA_MIN_MM2, MITOSES_MAX, NEOADJUVANT_MONTHS_MAX
from guidelines.rulesets import RULESETS

# A boolean may be null: "not recorded", the same as leaving it out (ASSESS_CONTRACT.md, additions of 2026-12-02).
_BOOL = {
    "type": "boolean",
    "nullable": True,
    "description": "null or absent: not recorded; the engine applies the default and says so in a warning "
    "input.assumed_default.",
}
_RESECTED_ONLY = 'Allowed only when "resected" is true.'


def _with(schema: dict, description: str) -> dict:
    return {**schema, "description": f"{description} {schema.get('description', '')}".strip()}


_DATE = {"type": "string", "format": "date"}


def _enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def _case_schema() -> dict:
    props = {
        "ruleset": _enum(sorted(RULESETS)),
        "presentation": _enum(f.PRESENTATIONS),
        "site": _enum(f.SITES),
        "gastric_location": _with(
            _enum(f.GASTRIC_LOCATIONS), 'Allowed only with site "stomach" (or "cardia" with site "egj").'
        ),
        "duodenal_location": _with(_enum(f.DUODENAL_LOCATIONS), 'Allowed only with site "duodenum".'),
        "rectal_level": _with(_enum(f.RECTAL_LEVELS), 'Allowed only with site "rectum".'),
        "size_cm": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 50},
        "growth_pattern": _enum(f.GROWTH_PATTERNS),
        "boundary_clear": _BOOL,
        "adherent_to_adjacent_organs": _BOOL,
        "eus_features": {"type": "array", "items": _enum(f.EUS_FEATURES)},
        "clinical_features": {"type": "array", "items": _enum(f.CLINICAL_FEATURES)},
        "histology_confirmed": _BOOL,
        "r0_feasible": _BOOL,
        "major_morbidity_expected": _BOOL,
        "resected": _with(_BOOL, "Whether the tumour was resected; surgery_date and margin depend on it."),
        "surgery_date": _with(_DATE, f'Required when "resected" is true. {_RESECTED_ONLY}'),
        "margin": _with(_enum(f.MARGINS), _RESECTED_ONLY),
        "rupture": _with(_BOOL, "Tumour rupture."),
        "mitoses_per_5mm2": {"type": "integer", "minimum": 0, "maximum": 1000},
        "nodes_positive": _BOOL,
        "genotype": _enum(f.GENOTYPES),
        "neoadjuvant_months": {"type": "integer", "minimum": 0, "maximum": NEOADJUVANT_MONTHS_MAX},
        "reference_date": _DATE,
        # Additions of 2026-12-02 (ASSESS_CONTRACT.md).
        "cd117": _enum(f.STAIN_RESULTS),
        "dog1": _enum(f.STAIN_RESULTS),
        "sdhb_ihc": _enum(f.SDHB_IHC_RESULTS),
        "rupture_grade": _with(
            _enum(f.RUPTURE_GRADES),
            'rupture: true means "major": giving both rupture and rupture_grade with different meanings is an '
            "error.",
        ),
        "genotype_detail": _with(_enum(f.GENOTYPE_DETAILS), "Must belong to the genotype given in genotype."),
        "mitoses_per_50hpf": _with(
            {"type": "integer", "minimum": 0, "maximum": MITOSES_MAX},
            "Requires hpf_field_area_mm2 (converted to per 5 mm2); giving mitoses_per_5mm2 too is an error.",
        ),
        "hpf_field_area_mm2": _with(
            {
                "type": "number",
                "exclusiveMinimum": True,
                "minimum": HPF_AREA_MIN_MM2,
                "maximum": HPF_AREA_MAX_MM2,
            },
            "Allowed only with mitoses_per_50hpf.",
        ),
        "pre_treatment_size_cm": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 50},
        "pre_treatment_mitoses_per_5mm2": {"type": "integer", "minimum": 0, "maximum": MITOSES_MAX},
        "therapy_start_date": _DATE,
    }
    return {
        "type": "object",
        "required": ["site", "size_cm"],
        "additionalProperties": False,
        "properties": props,
    }


def openapi_schema(request: HttpRequest | None = None) -> dict:
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "field": {"type": "string", "nullable": True},
            "case_index": {"type": "integer", "nullable": True},
        },
    }
    json_error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "GISTCare API",
            "version": "1",
            "description": "GIST guideline assessment (the contract of `manage.py gist_assess`).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Case": _case_schema(), "Error": error, "Result": {"type": "object"}},
        },
        "paths": {
            "/assess": {
                "post": {
                    "summary": "Assess one case or a list of cases",
                    "parameters": [
                        {
                            "name": "Accept-Language",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "example": "zh-Hans"},
                            "description": "The language of the recommendations' and warnings' `text` (en, the "
                            "default, or zh-Hans). Ids, codes and numbers never change; the answer's "
                            "Content-Language says which was used.",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Case"},
                                        {
                                            "type": "array",
                                            "maxItems": MAX_CASES,
                                            "description": f"At most {MAX_CASES} cases per request.",
                                            "items": {"$ref": "#/components/schemas/Case"},
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "One result, or a list in the same order",
                            "content": {"application/json": {"schema": {}}},
                        },
                        "400": {
                            "description": "Bad input: names the field and case index (also a body over 1 MB)",
                            "content": json_error,
                        },
                        "401": {"description": "No or invalid token", "content": json_error},
                        "403": {
                            "description": "The token's owner has no clinical role",
                            "content": json_error,
                        },
                        "415": {
                            "description": "The body is not sent as application/json",
                            "content": json_error,
                        },
                    },
                }
            }
        },
    }

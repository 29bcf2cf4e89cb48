"""A hand-written OpenAPI 3.0 description of the JSON API (served at /api/v1/openapi.json).

The case fields mirror ASSESS_CONTRACT.md; the allowed values come from the engine so the two cannot drift.
"""

from __future__ import annotations

from django.http import HttpRequest

from guidelines import facts as f
from guidelines.rulesets import RULESETS

_BOOL = {"type": "boolean"}
_DATE = {"type": "string", "format": "date"}


def _enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def _case_schema() -> dict:
    props = {
        "ruleset": _enum(sorted(RULESETS)),
        "presentation": _enum(f.PRESENTATIONS),
        "site": _enum(f.SITES),
        "gastric_location": _enum(f.GASTRIC_LOCATIONS),
        "duodenal_location": _enum(f.DUODENAL_LOCATIONS),
        "rectal_level": _enum(f.RECTAL_LEVELS),
        "size_cm": {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": 50},
        "growth_pattern": _enum(f.GROWTH_PATTERNS),
        "boundary_clear": _BOOL,
        "adherent_to_adjacent_organs": _BOOL,
        "eus_features": {"type": "array", "items": _enum(f.EUS_FEATURES)},
        "clinical_features": {"type": "array", "items": _enum(f.CLINICAL_FEATURES)},
        "histology_confirmed": _BOOL,
        "r0_feasible": _BOOL,
        "major_morbidity_expected": _BOOL,
        "resected": _BOOL,
        "surgery_date": _DATE,
        "margin": _enum(f.MARGINS),
        "rupture": _BOOL,
        "mitoses_per_5mm2": {"type": "integer", "minimum": 0, "maximum": 1000},
        "nodes_positive": _BOOL,
        "genotype": _enum(f.GENOTYPES),
        "neoadjuvant_months": {"type": "integer", "minimum": 0},
        "reference_date": _DATE,
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
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Case"},
                                        {"type": "array", "items": {"$ref": "#/components/schemas/Case"}},
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
                            "description": "Bad input: names the field and case index",
                            "content": json_error,
                        },
                        "401": {"description": "No or invalid token", "content": json_error},
                        "403": {
                            "description": "The token's owner has no clinical role",
                            "content": json_error,
                        },
                    },
                }
            }
        },
    }

"""The MDT recommendation report: what it shows, and its rendering to HTML and PDF.

A report is built from three frozen pieces: the engine's facts and result (the assessment contract's shapes)
and a small snapshot of everything else it prints (patient identity, operation details, institution). A draft
takes them from the case's latest assessment; a signed version from what was stored at signing. The template
only formats: every label and grouping is decided here.

Rendering is deterministic for a given input, but a signed report is never re-rendered for download: its
PDF bytes were stored at signing and are served as they are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from cases import choices
from cases.course.selectors import course_snapshot, timeline_words
from cases.course.timeline import Bar, Mark, TimelineData, render_svg
from cases.engine_texts import engine_phrase, evidence_text, note_text, rule_text, source_text
from cases.labels import (
    ADJUVANT_LABELS,
    APPROACH_LABELS,
    FOUND_BY_LABELS,
    LINE_SETTING_LABELS,
    MODALITY_LABELS,
    RISK_LABELS,
    SCAN_MODALITY_LABELS,
    STOP_REASON_LABELS,
    adjuvant_plan,
    choice_labels,
    drug_label,
    label,
    phase_label,
)
from cases.mdt.decisions import Attendee, attendees_by_discipline, modification_rows
from cases.models import Assessment, Case, MdtDecision, MdtMeeting, SignedReport
from cases.models.patient import person_name
from cases.records.banner import banner_line, patient_banner
from cases.records.validation import mitoses_conversion
from cases.text_safety import isolate

REPORT_TEMPLATE = "mdt/reports/report.html"
PRINTOUT_COVER_TEMPLATE = "mdt/printout_cover.html"

# Which report section prints a recommendation, by the prefix of its stable id. Every recommendation is
# printed exactly once; ids with an unknown prefix go to "Diagnostics and other recommendations".
SURGICAL_PREFIXES = ("pathway", "biopsy", "approach", "surgery")
THERAPY_PREFIXES = ("neoadjuvant", "adjuvant", "systemic")
SURVEILLANCE_PREFIXES = ("surveillance", "followup")
CHECKLIST_ID = "surgery.rupture_checklist"
SURGICAL_PATHWAYS = frozenset({"resection", "neoadjuvant_then_resection"})


def _yes_no(value: object) -> str:
    if value is None:  # a finding nobody entered is printed as such, never as "No" (issue 10 finding 6)
        return _("Not recorded")
    return _("Yes") if value else _("No")


def _nodes(value: object) -> str:
    if value is None:
        return _("Not recorded")
    return _("N1 (positive)") if value else "N0"


def _is_chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def _long_date(value: date | str | None, *, with_iso: bool = False) -> str:
    """A date as the reader writes it: ISO in English reports (as before); 2026年3月5日 in Chinese, with the ISO
    date beside it where a date is used for scheduling (`with_iso`)."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if not _is_chinese():
        return day.isoformat()
    text = date_format(day, "Y年n月j日")
    return f"{text}（{day.isoformat()}）" if with_iso else text


def _rupture(facts: dict[str, Any]) -> str:
    grade = facts.get("rupture_grade")
    if grade:
        return label(choice_labels(choices.RuptureGrade), grade)
    return _yes_no(facts.get("rupture", False))


def _mitoses_row(facts: dict[str, Any]) -> tuple[str, str]:
    count, area = facts.get("mitoses_per_50hpf"), facts.get("hpf_field_area_mm2")
    if count is not None and area is not None:
        formula, _value = mitoses_conversion(count, Decimal(str(area)))
        return (
            _("Mitoses"),
            _("%(count)s per 50 HPF (field %(area)s mm²): %(conversion)s per 5 mm²")
            % {"count": count, "area": f"{area:g}", "conversion": formula},
        )
    return (_("Mitoses per 5 mm²"), _format_number(facts.get("mitoses_per_5mm2")))


def _iso_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _format_number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return _("Not recorded")
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()


@dataclass
class ReportSource:
    """The frozen inputs of one report, whether draft or signed."""

    case_id: str
    facts: dict[str, Any]
    result: dict[str, Any]
    snapshot: dict[str, Any]
    generated_at: datetime
    signed: SignedReport | None = None
    assessment: Assessment | None = None
    versions: list[SignedReport] = field(default_factory=list)


def case_snapshot(case: Case) -> dict[str, Any]:
    """What the report prints besides the engine's facts and result, as plain JSON."""
    patient = case.patient
    operation = case.section("operation")
    pathology = case.section("pathology")
    diagnostics = case.section("diagnostics")
    presentation = case.section("presentation")
    return {
        "institution": settings.GISTCARE_INSTITUTION,
        "case_short_id": case.short_id,
        # The language the patient reads; blank: the language of whoever prints or signs (issue 15).
        "language": patient.language,
        "patient": {
            "name": patient.full_name,
            # The parts, so that a report in Chinese prints the family name first (issue 15).
            "given_name": patient.given_name,
            "family_name": patient.family_name,
            "mrn": patient.mrn,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
        },
        "diagnosis_date": case.diagnosis_date.isoformat() if case.diagnosis_date else None,
        "operation": (
            {
                "surgery_date": operation.surgery_date.isoformat(),
                "approach_used": operation.approach_used,
                "converted_to_open": operation.converted_to_open,
                "nodes_removed": operation.nodes_removed,
            }
            if operation
            else None
        ),
        "exon_detail": pathology.exon_detail if pathology else "",
        "sdh_ihc": diagnostics.sdh_ihc if diagnostics else "",
        "metastatic_sites": presentation.metastatic_sites if presentation else "",
        # The treatment course (issue 13), with each scan's response as computed now: frozen at signing.
        "course": course_snapshot(case),
    }


def draft_source(case: Case, assessment: Assessment) -> ReportSource:
    return ReportSource(
        case_id=str(case.id),
        facts=assessment.facts,
        result=assessment.result,
        snapshot=case_snapshot(case),
        generated_at=timezone.now(),
        assessment=assessment,
    )


def signed_source(report: SignedReport) -> ReportSource:
    return ReportSource(
        case_id=str(report.case_id),
        facts=report.facts,
        result=report.result,
        snapshot=report.snapshot,
        generated_at=report.signed_at,
        signed=report,
    )


def _summary_rows(facts: dict[str, Any], snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    site = label(choice_labels(choices.Site), facts.get("site"))
    location = (
        label(choice_labels(choices.GastricLocation), facts.get("gastric_location"), "")
        or label(choice_labels(choices.DuodenalLocation), facts.get("duodenal_location"), "")
        or label(choice_labels(choices.RectalLevel), facts.get("rectal_level"), "")
    )
    eus = ", ".join(
        label(choice_labels(choices.EusFeature), f) for f in facts.get("eus_features") or []
    ) or _("None")
    clinical = ", ".join(
        label(choice_labels(choices.ClinicalFeature), f) for f in facts.get("clinical_features") or []
    ) or _("None")
    operation = snapshot.get("operation")
    if operation:
        approach = label(choice_labels(choices.Approach), operation.get("approach_used"))
        converted = _(", converted to open") if operation.get("converted_to_open") else ""
        operation_text = _("Resected %(date)s (%(approach)s%(converted)s)") % {
            "date": _long_date(operation["surgery_date"], with_iso=True),
            "approach": approach,
            "converted": converted,
        }
    elif facts.get("resected"):
        operation_text = _("Resected %(date)s") % {
            "date": _long_date(facts.get("surgery_date"), with_iso=True) or _("(date not recorded)")
        }
    else:
        operation_text = _("Not operated")
    genotype = label(choice_labels(choices.Genotype), facts.get("genotype"))
    if facts.get("genotype_detail"):
        genotype = f"{genotype}, {label(choice_labels(choices.GenotypeDetail), facts['genotype_detail'])}"
    if snapshot.get("exon_detail"):
        genotype = f"{genotype} ({snapshot['exon_detail']})"
    stains = choice_labels(choices.StainResult)
    rows = [
        (_("Presentation"), label(choice_labels(choices.PresentationKind), facts.get("presentation"))),
        (_("Site and location"), f"{site}, {location}" if location else site),
        (_("Largest diameter"), _format_number(facts.get("size_cm"), "cm")),
        (_("Growth pattern"), label(choice_labels(choices.GrowthPattern), facts.get("growth_pattern"))),
        (_("Boundary clear"), _yes_no(facts.get("boundary_clear", True))),
        (_("R0 feasible"), _yes_no(facts.get("r0_feasible", True))),
        (_("Adherent to organs"), _yes_no(facts.get("adherent_to_adjacent_organs"))),
        (_("EUS features"), eus),
        (_("Clinical features"), clinical),
        (_("Histology: GIST"), _yes_no(facts.get("histology_confirmed"))),
        (_("Operation"), operation_text),
        (
            _("Margin"),
            label(
                choice_labels(choices.Margin),
                facts.get("margin"),
                _("Not applicable") if not facts.get("resected") else _("Not recorded"),
            ),
        ),
        (_("Tumour rupture"), _rupture(facts)),
        _mitoses_row(facts),
        (_("Lymph nodes"), _nodes(facts.get("nodes_positive"))),
        ("CD117 / DOG1", f"{label(stains, facts.get('cd117'))} / {label(stains, facts.get('dog1'))}"),
        (_("Genotype"), genotype),
    ]
    if facts.get("neoadjuvant_months"):
        rows.append(
            (_("Neoadjuvant given"), _("%(months)s months") % {"months": facts["neoadjuvant_months"]})
        )
        size, count = facts.get("pre_treatment_size_cm"), facts.get("pre_treatment_mitoses_per_5mm2")
        size_text = _format_number(size, "cm") if size is not None else _("size not recorded")
        count_text = (
            _("biopsy %(count)s per 5 mm²") % {"count": count}
            if count is not None
            else _("biopsy count not recorded")
        )
        rows.append((_("Before neoadjuvant"), f"{size_text}; {count_text}"))
    if snapshot.get("metastatic_sites"):
        rows.append((_("Metastatic sites"), snapshot["metastatic_sites"]))
    return rows


def _pairs(rows: list[tuple[str, str]]) -> list[tuple[tuple[str, str], tuple[str, str] | None]]:
    return [(rows[i], rows[i + 1] if i + 1 < len(rows) else None) for i in range(0, len(rows), 2)]


def _risk(result: dict[str, Any]) -> dict[str, Any] | None:
    """The four schemes as printed, the pre-treatment ones after neoadjuvant imatinib, and the risk notes."""
    risk = result.get("risk")
    if not risk:
        return None
    shown: dict[str, Any] = _schemes(risk)
    shown["pre_treatment"] = _schemes(risk["pre_treatment"]) if risk.get("pre_treatment") else None
    shown["notes"] = [note_text(note) for note in risk.get("notes") or []]
    return shown


def _schemes(risk: dict[str, Any]) -> dict[str, str]:
    afip = risk.get("afip") or {}
    afip_text = label(RISK_LABELS, afip.get("category"))
    if afip.get("progression_pct") is not None:
        afip_text = f"{afip_text} ({afip['progression_pct']:g}%)"
    tnm = risk.get("tnm") or {}
    rate = {"low": _("low mitotic rate"), "high": _("high mitotic rate")}.get(
        tnm.get("mitotic_rate") or "", _("unknown mitotic rate")
    )
    return {
        "modified_nih": label(RISK_LABELS, risk.get("modified_nih")),
        "nih_2002": label(RISK_LABELS, risk.get("nih_2002")),
        "afip": afip_text,
        "tnm_stage": tnm.get("stage") or _("Not staged"),
        "tnm_detail": f"{tnm.get('t', '')} {tnm.get('n', '')} {tnm.get('m', '')}, {rate}".strip(),
        "modified_nih_value": risk.get("modified_nih") or "",
    }


def _therapy(result: dict[str, Any]) -> dict[str, Any]:
    neo = result.get("neoadjuvant")
    adjuvant = result.get("adjuvant") or {}
    neo_plan = ""
    if neo:
        values = {
            "drug": drug_label(neo["drug"]).capitalize(),
            "dose": neo.get("dose_mg_per_day"),
            "low": neo.get("months_min"),
            "high": neo.get("months_max"),
        }
        neo_plan = (
            _("%(drug)s %(dose)s mg/day for %(low)s-%(high)s months, then resection") % values
            if neo.get("dose_mg_per_day")
            else _("%(drug)s for %(low)s-%(high)s months") % values
        )
    return {
        "neoadjuvant": neo_plan,
        "adjuvant_recommendation": label(ADJUVANT_LABELS, adjuvant.get("recommendation")),
        "adjuvant_plan": adjuvant_plan(adjuvant),
        "systemic_lines": [
            {
                "line": line.get("line"),
                "drug": engine_phrase(line.get("drug")),
                "dose": engine_phrase(line.get("dose")),
            }
            for line in result.get("systemic_lines") or []
        ],
    }


def _mm(value: float) -> str:
    return f"{value:g} mm"


def _line_stop(line: dict[str, Any]) -> str:
    if line["stop"]:
        return _long_date(line["stop"])
    if line.get("planned_stop"):  # a snapshot signed before issue 13's merge has no planned stop
        return _("Ongoing (planned stop %(date)s)") % {"date": _long_date(line["planned_stop"])}
    return _("Ongoing")


def _course_lines(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "drug": drug_label(line["drug"]).capitalize(),
            "dose": _("%(dose)s mg/day") % {"dose": line["dose"]}
            if line["dose"] is not None
            else _("dose not recorded"),
            "changes": [
                _("%(dose)s from %(date)s")
                % {
                    "dose": _("%(dose)s mg/day") % {"dose": change["dose"]},
                    "date": _long_date(change["date"]),
                }
                for change in line["changes"]
            ]
            + [
                _("interrupted %(start)s to %(resume)s: %(reason)s")
                % {
                    "start": _long_date(gap["start"]),
                    "resume": _long_date(gap["resume"]) if gap["resume"] else _("ongoing"),
                    "reason": gap["reason"],
                }
                for gap in line.get("interruptions", ())
            ],
            "setting": label(LINE_SETTING_LABELS, line["setting"]),
            "start": _long_date(line["start"]),
            "stop": _line_stop(line),
            "stop_reason": label(STOP_REASON_LABELS, line["stop_reason"], ""),
        }
        for line in course["lines"]
    ]


def _recist_why(scan: dict[str, Any]) -> str:
    """What decided a scan's RECIST 1.1 category: progression is measured from the nadir (or is a new lesion),
    the other categories from the baseline. Empty when there is no percentage (a nadir of 0 mm)."""
    if scan["recist"] == "PD":
        if scan.get("new_lesions"):
            return _("new lesions")
        change = scan.get("from_nadir_pct")
        return "" if change is None else _("%(change)s from the nadir") % {"change": f"{change:+.1f}%"}
    change = scan.get("from_baseline_pct")
    return "" if change is None else _("%(change)s from baseline") % {"change": f"{change:+.1f}%"}


def _course_scans(course: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for scan in course["scans"]:
        if scan["recist"]:
            why = _recist_why(scan)
            recist_text = f"{scan['recist']} ({why})" if why else scan["recist"]
            choi_text = scan["choi"] or ""
        elif scan["baseline"]:
            recist_text, choi_text = _("Baseline"), ""
        else:
            recist_text, choi_text = _("Not computed"), ""
        rows.append(
            {
                "date": _long_date(scan["date"]),
                "modality": label(SCAN_MODALITY_LABELS, scan["modality"]),
                # A complete response is 0 mm; a scan that could not be assessed has no target lesion.
                "sum": _mm(scan["sum_mm"]) if scan["lesions"] or scan["recist"] else _("No target lesion"),
                "recist": recist_text,
                "choi": choi_text,
            }
        )
    return rows


def _level_flag(flag: str) -> str:
    if flag == "low":
        return _("Low: check adherence and drug interactions")
    if flag == "high":
        return pgettext("drug level", "High")
    return pgettext("drug level", "In range")


def _event_sites(event: dict[str, Any]) -> str:
    sites = [_("Liver")] if event["liver"] else []
    if event["peritoneum"]:
        sites.append(_("Peritoneum"))
    if event["other"]:
        sites.append(event["other"])
    return ", ".join(sites)


def _course_picture(course: dict[str, Any], snapshot: dict[str, Any], case_short_id: str) -> str:
    """The timeline SVG (cases/course/timeline.py) drawn from the stored course, in the reader's language."""
    bars = tuple(
        Bar(
            drug=line["drug"],
            setting=line["setting"],
            start=date.fromisoformat(stored["start"]),
            stop=_iso_date(stored["stop"]),
            dose=line["dose"],
            changes=tuple(
                (date.fromisoformat(change["date"]), _("%(dose)s mg/day") % {"dose": change["dose"]})
                for change in stored["changes"]
            ),
            stop_reason=line["stop_reason"],
            gaps=tuple(
                (date.fromisoformat(gap["start"]), _iso_date(gap["resume"]), gap["reason"])
                for gap in stored.get("interruptions", ())
            ),
        )
        for line, stored in zip(_course_lines(course), course["lines"], strict=True)
    )
    marks = []
    for scan in course["scans"]:
        recist_cat, choi_cat = scan["recist"], scan["choi"]
        if recist_cat:
            short = recist_cat if recist_cat == choi_cat else f"{recist_cat}/{choi_cat}"
            category = "PD" if "PD" in (recist_cat, choi_cat) else recist_cat
        elif scan["baseline"]:
            short, category = pgettext("timeline mark", "base"), "baseline"
        else:
            short, category = "–", "none"
        text = _("%(modality)s: sum of diameters %(sum)s; RECIST 1.1 %(recist)s, Choi %(choi)s") % {
            "modality": label(SCAN_MODALITY_LABELS, scan["modality"]),
            "sum": _mm(scan["sum_mm"]),
            "recist": recist_cat or "–",
            "choi": choi_cat or "–",
        }
        marks.append(Mark(date.fromisoformat(scan["date"]), "scan", short, text, category))
    for level in course["levels"]:
        trough = f"{level['trough_ng_ml']:,.0f}"
        text = _("Trough %(level)s ng/mL, %(hours)s h after the dose: %(flag)s") % {
            "level": trough,
            "hours": f"{level['hours_since_dose']:g}",
            "flag": _level_flag(level["flag"]),
        }
        marks.append(Mark(date.fromisoformat(level["date"]), "level", trough, text, level["flag"]))
    for event in course["events"]:
        text = _("Recurrence/progression: %(sites)s") % {"sites": _event_sites(event)}
        marks.append(Mark(date.fromisoformat(event["date"]), "recurrence", _("recurrence"), text))
    operation = snapshot.get("operation")
    if operation:
        marks.append(
            Mark(date.fromisoformat(operation["surgery_date"]), "operation", _("operation"), _("Operation"))
        )
    for report in course["mdt"]:
        text = _("MDT report v%(version)s signed") % {"version": report["version"]}
        marks.append(Mark(date.fromisoformat(report["date"]), "mdt", "MDT", text))
    data = TimelineData(
        title=_("Treatment course of case %(case)s") % {"case": case_short_id},
        today=date.fromisoformat(course["as_of"]),
        bars=bars,
        marks=tuple(sorted(marks, key=lambda mark: mark.day)),
        burden=tuple((date.fromisoformat(s["date"]), s["sum_mm"]) for s in course["scans"] if s["lesions"]),
        thresholds=tuple(
            (date.fromisoformat(s["date"]), s["pr_mm"], s["pd_mm"])
            for s in course["scans"]
            if s["pr_mm"] is not None
        ),
        extra_days=tuple(day for day in (_iso_date(snapshot.get("diagnosis_date")),) if day),
    )
    # render_svg escapes every text it writes.
    return mark_safe(render_svg(data, ident=f"course-{case_short_id}", words=timeline_words(tables=True)))  # noqa: S308


def _course(snapshot: dict[str, Any], case_id: str) -> dict[str, Any] | None:
    """The treatment course as printed: the timeline picture and its text tables (None: no course recorded).
    Reports signed before the course was kept have no "course" in their snapshot and print none."""
    course = snapshot.get("course")
    if not course:
        return None
    short_id = snapshot.get("case_short_id") or case_id[:8]
    return {
        "svg": _course_picture(course, snapshot, short_id),
        "lines": _course_lines(course),
        "scans": _course_scans(course),
        "levels": [
            {
                "date": _long_date(level["date"]),
                "trough": f"{level['trough_ng_ml']:,.0f} ng/mL",
                "hours": _("%(hours)s h") % {"hours": f"{level['hours_since_dose']:g}"},
                "flag": _level_flag(level["flag"]),
            }
            for level in course["levels"]
        ],
        "events": [
            {
                "date": _long_date(event["date"]),
                "sites": _event_sites(event),
                "found_by": label(FOUND_BY_LABELS, event["found_by"]),
            }
            for event in course["events"]
        ],
        "progression": _progression(course.get("progression")),
    }


def _progression(progression: dict[str, Any] | None) -> dict[str, Any] | None:
    """The options the rule set proposes on progression (guidelines/progression.py), in the reader's language."""
    if not progression:
        return None
    return {
        "scan_date": _long_date(progression["scan_date"]),
        "drug": drug_label(progression["drug"]) if progression["drug"] else "",
        "proposals": [
            {**p, "text": _(p["text"]), "evidence": evidence_text(p["evidence"])}
            for p in progression["proposals"]
        ],
    }


def _as_checklist(rec: dict[str, Any]) -> dict[str, Any]:
    """The rupture-avoidance checklist as a heading and one line per item, as surgeons read it."""
    text = str(rec.get("text", ""))
    if "：" in text:  # the Chinese text (cases/engine_texts.py): full-width colon and full stops
        heading, _sep, rest = text.partition("：")
        items = [item.strip() + "。" for item in rest.split("。") if item.strip()]
    else:
        heading, _sep, rest = text.partition(": ")
        items = [item.strip().rstrip(".") + "." for item in rest.split(". ") if item.strip()]
    return {**rec, "heading": heading, "checklist": items} if rest and len(items) > 1 else rec


def _group_recommendations(recs: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {"surgical": [], "therapy": [], "surveillance": [], "other": []}
    for rec in recs:
        # In the reader's language by the engine's id (the stored result keeps the engine's English).
        rec = {
            **rec,
            "text": rule_text(rec),
            "evidence": evidence_text(rec.get("evidence")),
            "source": source_text(rec.get("source")),
        }
        prefix = str(rec.get("id", "")).split(".", 1)[0]
        if rec.get("id") == CHECKLIST_ID:
            groups["surgical"].append(_as_checklist(rec))
        elif prefix in SURGICAL_PREFIXES:
            groups["surgical"].append(rec)
        elif prefix in THERAPY_PREFIXES:
            groups["therapy"].append(rec)
        elif prefix in SURVEILLANCE_PREFIXES:
            groups["surveillance"].append(rec)
        else:
            groups["other"].append(rec)
    return groups


def report_context(source: ReportSource) -> dict[str, Any]:
    """Everything the report template prints, formatted."""
    facts, result, snapshot = source.facts, source.result, source.snapshot
    patient = snapshot["patient"]
    groups = _group_recommendations(result.get("recommendations") or [])
    surveillance = [
        {
            "number": index,
            "due": _long_date(visit["due"], with_iso=True),
            "window_days": visit.get("window_days"),
            "modality": label(MODALITY_LABELS, visit.get("modality")),
            "phase": phase_label(visit.get("phase")),
        }
        for index, visit in enumerate(result.get("surveillance") or [], start=1)
    ]
    signed = source.signed
    decision = None
    overrides: dict[str, dict[str, str]] = {}
    if signed is not None:
        # The decision wins: each field the MDT modified prints the MDT's value, the engine's struck through.
        for row in modification_rows(signed.modifications or {}, result):
            overrides[row["key"]] = {**row, "reason": signed.decision_reason}
        meeting = signed.meeting
        attendees = [Attendee(a.get("name", ""), a.get("discipline", "")) for a in signed.attendees or []]
        decision = {
            "version": signed.version,
            "decision": MdtDecision(signed.decision).label,
            "modified": signed.decision == MdtDecision.MODIFY,
            "reason": signed.decision_reason,
            "text": signed.decision_text,
            "signed_by": signed.signed_by_name,
            "signed_at": timezone.localtime(signed.signed_at),
            "amendment_reason": signed.amendment_reason,
            "amends_version": signed.amends.version if signed.amends_id else None,
            "sha256": signed.pdf_sha256,
            "meeting": meeting.label
            if meeting
            else _("a meeting not recorded (signed before meetings were kept)"),
            "meeting_time": meeting.start_time if meeting else None,
            "meeting_place": meeting.place if meeting else "",
            "signer_role": signer_role_text(signed.signer_role),
            "attendance": attendees_by_discipline(attendees),
            "deferred": False,
        }
    pathway = result.get("pathway")
    name = (
        person_name(patient["given_name"], patient["family_name"])
        if patient.get("given_name") or patient.get("family_name")
        else patient["name"]
    )
    return {
        "institution": snapshot.get("institution") or settings.GISTCARE_INSTITUTION,
        "case_id": source.case_id,
        "case_short_id": snapshot.get("case_short_id") or source.case_id[:8],
        "patient": {
            "name": name,
            "mrn": patient["mrn"],
            "date_of_birth": _iso_date(patient.get("date_of_birth")),
            "date_of_birth_text": _long_date(patient.get("date_of_birth")),
            "sex": label(choice_labels(choices.Sex), patient.get("sex")),
        },
        "diagnosis_date": _iso_date(snapshot.get("diagnosis_date")),
        "language": translation.get_language(),
        # Two facts per table row: half the rows to lay out, and the summary stays on the first page.
        "summary_pairs": _pairs(_summary_rows(facts, snapshot)),
        "risk": _risk(result),
        "risk_not_assessable": any(
            w.get("id") == "risk.not_assessable_after_neoadjuvant" for w in result.get("warnings") or []
        ),
        "pathway": label(choice_labels(choices.Pathway), pathway),
        "surgery_planned": pathway in SURGICAL_PATHWAYS and not facts.get("resected"),
        "biopsy_first": bool(result.get("biopsy_first")),
        "approach": label(APPROACH_LABELS, result.get("approach"), _("No default: individualised by the MDT"))
        if pathway in SURGICAL_PATHWAYS and not facts.get("resected")
        else "",
        "molecular_testing_required": bool(result.get("molecular_testing_required")),
        "therapy": _therapy(result),
        "course": _course(snapshot, source.case_id),
        "surveillance": surveillance,
        "warnings": [{**w, "text": rule_text(w)} for w in result.get("warnings") or []],
        "recommendations": groups,
        "ruleset": result.get("ruleset"),
        "ruleset_version": result.get("ruleset_version"),
        "generated_at": timezone.localtime(source.generated_at),
        "draft": signed is None,
        "decision": decision,
        "overrides": overrides,
        "adjuvant_recorded": _adjuvant_recorded(facts, signed, overrides),
        "footer": f"{isolate(name)} · {_('MRN')} {isolate(patient['mrn'])}",
        # Every page's header (issue 10 finding 9): the age on the day the report was generated or signed.
        "banner": banner_line(
            patient_banner(
                today=timezone.localtime(source.generated_at).date(),
                name=name,
                mrn=patient["mrn"],
                date_of_birth=_iso_date(patient.get("date_of_birth")),
                sex=patient.get("sex") or "",
                status=_("Draft")
                if signed is None
                else _("Signed v%(version)s") % {"version": signed.version},
                ruleset=result.get("ruleset") or "",
            )
        ),
    }


def _adjuvant_recorded(facts: dict[str, Any], signed: SignedReport | None, overrides: dict) -> str:
    """Who decided the adjuvant therapy recorded on the case: before signing it is only the surgeon's plan."""
    decision = facts.get("adjuvant_decision")
    if not decision or "adjuvant" in overrides:
        return ""
    if _is_chinese():
        decision = label(choice_labels(choices.AdjuvantDecision), decision)
    if signed is None:
        return _("Adjuvant imatinib %(decision)s: planned by the surgeon, not yet an MDT decision") % {
            "decision": decision
        }
    return _("Adjuvant imatinib %(decision)s: recorded on the case, accepted by the MDT") % {
        "decision": decision
    }


def report_language(source: ReportSource) -> str:
    """The patient's language when the patient has one (issue 15), else the reader's (the active language)."""
    return source.snapshot.get("language") or translation.get_language() or settings.LANGUAGE_CODE


def render_report_html(source: ReportSource, *, for_pdf: bool, extra: dict[str, Any] | None = None) -> str:
    with translation.override(report_language(source)):
        context = {"report": report_context(source), "for_pdf": for_pdf, **(extra or {})}
        return render_to_string(REPORT_TEMPLATE, context)


@functools.cache
def _stylesheet() -> Any:
    from weasyprint import CSS

    path = finders.find("css/report.css")
    return CSS(filename=path)


@functools.cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _document(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[_stylesheet()], font_config=_font_config()
    )


def render_report_pdf(source: ReportSource) -> bytes:
    return _document(render_report_html(source, for_pdf=True)).write_pdf()


def render_printout_pdf(
    meeting: MdtMeeting, sources: list[tuple[Any, ReportSource]], *, skipped: list[Any] | None = None
) -> bytes:
    """One PDF for the meeting: a cover page with the agenda, then each case's report with its own pages.

    `sources` pairs each agenda item with its report source (signed items with their frozen version);
    `skipped` lists the agenda items that have no report yet (named on the cover page).
    Each report keeps its own page numbering and footer, as if printed on its own.
    """
    cover_html = render_to_string(
        PRINTOUT_COVER_TEMPLATE,
        {
            "meeting": meeting,
            "rows": [(item, report_context(source)) for item, source in sources],
            "skipped": skipped or [],
            "institution": settings.GISTCARE_INSTITUTION,
            "generated_at": timezone.localtime(),
        },
    )
    documents = [_document(cover_html)]
    documents.extend(_document(render_report_html(source, for_pdf=True)) for _, source in sources)
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


# The role group names of cases.roles, marked for the catalogue: signer_role_text translates them by value.
ROLE_GROUP_NAMES = (
    pgettext_lazy("role group", "Surgeon"),
    pgettext_lazy("role group", "MDT coordinator"),
    pgettext_lazy("role group", "Nurse"),
    pgettext_lazy("role group", "Administrator"),
)


def signer_role_text(stored: str) -> str:
    """The signer's role as stored at signing ("MDT chair (Surgeon)", in English) in the reader's language.

    The stored text is part of the frozen record and stays as it is; only its words are translated on display.
    A text of another shape is shown as stored.
    """
    match = re.fullmatch(r"MDT chair(?: \((.+)\))?", stored)
    if match is None:
        return stored
    if not match.group(1):
        return pgettext("signer role", "MDT chair")
    groups = pgettext("list separator", ", ").join(
        pgettext("role group", name) for name in match.group(1).split(", ")
    )
    return pgettext("signer role", "MDT chair (%(roles)s)") % {"roles": groups}

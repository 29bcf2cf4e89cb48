"""Letters to the patient and to the GP, generated from the same structured data as the signed MDT report.

Nothing here is typed by hand: every sentence is chosen from the signed report's engine result, the MDT decision,
the adjuvant course as recorded and the follow-up items. The patient letter is written for a reading age of about
12 (tests/test_letters.py measures Flesch reading ease ≥ 60 with textstat); each medical word is explained where it
first appears, in the spirit of the American Cancer Society's patient page "Surgery for Gastrointestinal Stromal
Tumors" (revised 2019-12-01). The GP letter is one page: decision, medication, follow-up plan, what to watch for.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.choices import AdjuvantDecision, FollowUpModality, FollowUpSource, FollowUpStatus, Pathway
from cases.course.selectors import adjuvant_line
from cases.labels import drug_label
from cases.models import Case, EscalationStep, FollowUpItem, LetterPurpose, LetterRecipient, SignedReport
from cases.models.patient import person_name

# Plain words for the patient: the examination, the risk category, the plan (pathway).
PLAIN_MODALITY = {
    FollowUpModality.CT_OR_MRI: _(
        "a CT or MRI scan of your tummy (detailed pictures of the inside of your body)"
    ),
    FollowUpModality.MRI: _("an MRI scan (detailed pictures taken inside a large magnet)"),
    FollowUpModality.EUS: _(
        "an EUS test (a thin camera tube passed through your mouth, with a small sound probe)"
    ),
    FollowUpModality.CHEST_XRAY: _("a chest X-ray"),
    FollowUpModality.CLINIC: _("a clinic visit"),
    FollowUpModality.DRUG_LEVEL: _("a blood test to measure the level of imatinib in your blood"),
}
SHORT_MODALITY = {
    FollowUpModality.CT_OR_MRI: _("CT or MRI scan"),
    FollowUpModality.MRI: _("MRI scan"),
    FollowUpModality.EUS: _("EUS camera test"),
    FollowUpModality.CHEST_XRAY: _("chest X-ray"),
    FollowUpModality.CLINIC: _("clinic visit"),
    FollowUpModality.DRUG_LEVEL: _("imatinib blood test"),
}
PLAIN_RISK = {
    "very_low": pgettext_lazy("chance of recurrence, patient letter", "very low"),
    "low": pgettext_lazy("chance of recurrence, patient letter", "low"),
    "intermediate": pgettext_lazy("chance of recurrence, patient letter", "medium"),
    "high": pgettext_lazy("chance of recurrence, patient letter", "high"),
}
PLAIN_PLAN = {
    "surveillance": _(
        "The team thinks it is safe not to operate for now. Instead, we will watch the lump with regular tests. "
        "If it grows or changes, we will talk with you again."
    ),
    "resection": _(
        "The team thinks the best plan is an operation to take out the tumour. The surgeon takes out the tumour "
        "with a small edge of normal tissue around it. They take great care not to break it open."
    ),
    "neoadjuvant_then_resection": _(
        "The team thinks you should first take a tablet medicine to shrink the tumour. This is often for six "
        "months or more. Then the surgeon can take it out with a smaller operation."
    ),
    "systemic_therapy": _(
        "The team thinks the best plan is a medicine you take every day to control the tumour. You keep taking "
        "it for as long as it works and you can cope with it. Stopping it can let the tumour grow again."
    ),
}
PLAIN_DECISION = {
    "accept": _("The team agreed with the plan in the guideline."),
    "modify": _("The team changed the usual plan to fit you better."),
    "defer": _("The team needs more tests before it can decide."),
}

# What the GP watches for. Imatinib: Glivec (imatinib) summary of product characteristics (Novartis), common
# adverse reactions and monitoring; recurrence: ESMO 2022 (Casali PG et al. Ann Oncol 2022;33:20-33), most
# relapses in the first years after adjuvant therapy stops, in the liver and peritoneum.
IMATINIB_WATCH = (
    "fluid retention and periorbital or ankle oedema (weigh regularly; rarely pleural effusion or ascites)",
    "nausea, diarrhoea, muscle cramps, fatigue and rash",
    "cytopenias and raised liver enzymes: full blood count and liver function tests regularly",
    "interactions through CYP3A4 (e.g. clarithromycin, rifampicin, St John's wort, grapefruit) and warfarin",
)
RECURRENCE_WATCH = (
    "abdominal pain or a new abdominal mass, early satiety, weight loss",
    "gastrointestinal bleeding (melaena, haematemesis) or unexplained anaemia",
    "most recurrences are in the liver or peritoneum, often in the first years after imatinib stops",
)
SOURCES = (
    "Casali PG et al. ESMO-EURACAN-GENTURIS guideline, Ann Oncol 2022;33:20-33; "
    "Glivec (imatinib) summary of product characteristics (Novartis)"
)


class LetterNotPossible(ValueError):
    """The case has no signed MDT report: there is no decision to write about."""


@dataclass
class Medication:
    drug: str
    dose_mg_per_day: int | None
    months: int | None
    start: date | None
    status: str  # "given", "recommended", "consider"

    def line(self) -> str:
        parts = [self.drug.capitalize()]
        if self.dose_mg_per_day:
            parts.append(f"{self.dose_mg_per_day} mg once a day" if self.dose_mg_per_day <= 400 else
                         f"{self.dose_mg_per_day} mg a day (400 mg twice a day)")  # fmt: skip
        if self.months:
            parts.append(f"for {self.months} months")
        if self.start:
            parts.append(f"from {self.start:%d %B %Y}")
        return " ".join(parts)


@dataclass
class LetterData:
    case: Case
    report: SignedReport
    today: date
    institution: str
    phone: str
    risk: str
    risk_plain: str
    pathway: str
    decision: str
    decision_text: str
    medication: Medication | None
    visits: list[FollowUpItem] = field(default_factory=list)
    missed: FollowUpItem | None = None


def _medication(case: Case, result: dict) -> Medication | None:
    treatment = case.section("treatment")
    course = adjuvant_line(case)  # adjuvant imatinib as delivered (the treatment course's adjuvant line)
    adjuvant = result.get("adjuvant") or {}
    if treatment is not None and treatment.adjuvant_decision == AdjuvantDecision.DECLINED:
        return None
    if course is not None:
        end = course.planned_stop_date or course.stop_date
        months = round((end - course.start_date).days / 30.4375) if end else None
        dose = int(course.dose_mg_per_day) if course.dose_mg_per_day is not None else None
        return Medication(course.drug, dose, months, course.start_date, "given")
    if treatment is not None and treatment.adjuvant_decision == AdjuvantDecision.GIVEN:
        return Medication(
            "imatinib",
            treatment.adjuvant_dose_mg,
            treatment.adjuvant_planned_months,
            treatment.adjuvant_start,
            "given",
        )
    if adjuvant.get("recommendation") in {"recommended", "consider"} and adjuvant.get("drug"):
        return Medication(
            adjuvant["drug"], adjuvant.get("dose_mg_per_day"), adjuvant.get("duration_months"), None,
            adjuvant["recommendation"],
        )  # fmt: skip
    lines = result.get("systemic_lines") or []
    if result.get("pathway") == "systemic_therapy" and lines:
        first = lines[0]
        dose = first.get("dose") or ""
        mg = int(dose.split()[0]) if dose.split() and dose.split()[0].isdigit() else None
        return Medication(first.get("drug") or "", mg, None, None, "recommended")
    return None


def letter_data(case: Case, *, today: date, step: EscalationStep | None = None) -> LetterData:
    report = case.signed_reports.order_by("-version").first()
    if report is None:
        raise LetterNotPossible("Letters follow a signed MDT decision: this case has no signed report yet.")
    result = report.result or {}
    risk = (result.get("risk") or {}).get("modified_nih") or ""
    visits = list(
        case.followups.filter(status=FollowUpStatus.PENDING, due_date__gte=today)
        .exclude(source=FollowUpSource.REVIEW)  # a result waiting for the team's review is no appointment
        .order_by("due_date")[:6]
    )
    return LetterData(
        case=case,
        report=report,
        today=today,
        institution=settings.GISTCARE_INSTITUTION,
        phone=settings.GISTCARE_FOLLOWUP_PHONE,
        risk=risk,
        risk_plain=PLAIN_RISK.get(risk, ""),
        pathway=result.get("pathway") or "",
        decision=report.decision,
        decision_text=report.decision_text,
        medication=_medication(case, result),
        visits=visits,
        missed=step.item if step is not None else None,
    )


def _context(data: LetterData, recipient: str, purpose: str) -> dict[str, Any]:
    """What the templates print, in the active language (render_letter_html chooses it)."""
    patient = data.case.patient
    operation = data.case.section("operation")
    surgery_date = operation.surgery_date if operation is not None else None
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Translators: the date format of a patient letter (Django's date format characters), e.g. 5 March 2026.
    date_format = pgettext("patient letter date", "j F Y")
    plan_text = PLAIN_PLAN.get(data.pathway, _("The team will explain the plan when you next meet."))
    if surgery_date and data.pathway in {"resection", "neoadjuvant_then_resection"}:
        plan_text = gettext(
            "You had an operation on {day} to take out the tumour. Now we check with regular tests that it has "
            "not come back."
        ).format(day=formats.date_format(surgery_date, date_format))
    return {
        "html_lang": "zh-Hans" if language.startswith("zh") else "en-GB",
        "date_format": date_format,
        "patient_name": person_name(patient.given_name, patient.family_name, language),
        "risk_plain": data.risk_plain,
        "drug": drug_label(data.medication.drug) if data.medication else "",
        "surgery_date": surgery_date,
        "pathway_label": Pathway(data.pathway).label if data.pathway in Pathway.values else "",
        "d": data,
        "patient": patient,
        "recipient": recipient,
        "purpose": purpose,
        "plan_text": plan_text,
        "decision_plain": PLAIN_DECISION.get(data.decision, ""),
        "visit_rows": [
            (v.due_date, SHORT_MODALITY.get(v.modality, v.get_modality_display())) for v in data.visits
        ],
        "missed_plain": PLAIN_MODALITY.get(data.missed.modality, "") if data.missed else "",
        "missed_short": SHORT_MODALITY.get(data.missed.modality, "") if data.missed else "",
        "imatinib_watch": IMATINIB_WATCH,
        "recurrence_watch": RECURRENCE_WATCH,
        "sources": SOURCES,
        "is_missed": purpose == LetterPurpose.MISSED_VISIT,
    }


FULL_WIDTH_PUNCTUATION_SPACE = re.compile(r"(?<=[。，：；！？、）])[ \t]+")


def letter_language(data: LetterData, recipient: str) -> str:
    """A patient letter is in the language the patient reads when one is recorded (issue 15); a GP letter, and
    a patient letter for a patient without one, in the language of whoever prints it."""
    patient_language = data.case.patient.language if recipient == LetterRecipient.PATIENT else ""
    return patient_language or translation.get_language() or settings.LANGUAGE_CODE


def render_letter_html(data: LetterData, *, recipient: str, purpose: str) -> str:
    template = "letters/patient.html" if recipient == LetterRecipient.PATIENT else "letters/gp.html"
    language = letter_language(data, recipient)
    with translation.override(language):
        html = render_to_string(template, _context(data, recipient, purpose))
    if language.startswith("zh"):
        # The template joins its sentences with spaces, as English does; Chinese runs on after 。，：！
        html = FULL_WIDTH_PUNCTUATION_SPACE.sub("", html)
    return html


@functools.cache
def _stylesheet() -> Any:
    from weasyprint import CSS

    return CSS(filename=finders.find("css/letter.css"))


def _page_numbers(language: str) -> Any:
    """The "Page x of y" at the foot of each page, in the letter's language (a stylesheet of its own: the
    templates carry no inline style, tests/test_csp.py)."""
    from weasyprint import CSS

    with translation.override(language):
        # Translators: the page number at the foot of each page of a letter, as CSS "content" (keep counter(page)
        # and counter(pages) and the straight quotes).
        content = gettext('"Page " counter(page) " of " counter(pages)')
    return CSS(string=f"@page {{ @bottom-right {{ content: {content}; }} }}")


def render_letter_pdf(html: str, *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    stylesheets = [
        _stylesheet(),
        _page_numbers(language or translation.get_language() or settings.LANGUAGE_CODE),
    ]
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets)

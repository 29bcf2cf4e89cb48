"""Reads of the treatment course, and the response of each scan computed from its lesions (never stored).

Baseline, chosen automatically: for a scan, the therapy line in effect is the one that started last on or
before the scan's date; the baseline is the latest scan on or before that line's start (the pre-treatment scan,
so a new line gets a new baseline: RECIST 1.1, Eisenhauer 2009). With no line started yet, the case's first
scan is the baseline. The nadir is the smallest sum of diameters from the baseline up to the scan before the one
assessed. A baseline without a measured target lesion cannot serve: the page says so and computes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.choices import FollowUpSource, FollowUpStatus
from cases.course.texts import day_text, engine_text, sites_text
from cases.course.timeline import Bar, Mark, TimelineData, Words, render_svg, table_rows
from cases.models import (
    Case,
    DoseChange,
    DrugLevel,
    FollowUpItem,
    ImagingAssessment,
    RecurrenceEvent,
    TherapyLine,
)
from cases.models.course import LineSetting
from guidelines.drug_levels import TroughResult, trough_level
from guidelines.progression import Proposal, on_progression
from guidelines.response import (
    RECIST_PD_ABSOLUTE_MM,
    RECIST_PD_INCREASE_PCT,
    RECIST_PR_DECREASE_PCT,
    Lesion,
    Response,
    Scan,
    choi,
    recist,
)


@dataclass
class Course:
    lines: list[TherapyLine]
    scans: list[ImagingAssessment]
    levels: list[DrugLevel]
    events: list[RecurrenceEvent]
    surgery_date: date | None = None  # the operation's: a neoadjuvant line's tumour is gone after it


@dataclass
class ScanResponse:
    scan: ImagingAssessment
    sum_mm: float
    mean_hu: float | None
    is_baseline: bool = False
    baseline: ImagingAssessment | None = None
    nadir: ImagingAssessment | None = None
    nadir_sum_mm: float | None = None
    change_from_baseline_pct: float | None = None
    change_from_nadir_pct: float | None = None
    attenuation_change_pct: float | None = None
    recist: Response | None = None
    choi: Response | None = None
    not_computed: str = ""  # why no response, in plain words

    @staticmethod
    def _signed(value: float | None) -> str:
        return "" if value is None else f"{value:+.1f}%"

    @property
    def from_baseline(self) -> str:
        return self._signed(self.change_from_baseline_pct)

    @property
    def from_nadir(self) -> str:
        return self._signed(self.change_from_nadir_pct)

    @property
    def attenuation_change(self) -> str:
        return self._signed(self.attenuation_change_pct)

    @property
    def recist_arithmetic(self) -> str:
        return engine_text(self.recist.arithmetic) if self.recist else ""

    @property
    def choi_arithmetic(self) -> str:
        return engine_text(self.choi.arithmetic) if self.choi else ""

    @property
    def progression(self) -> bool:
        return any(r is not None and r.category == "PD" for r in (self.recist, self.choi))

    @property
    def worst(self) -> str:
        """The category the timeline colours the scan by: PD if either says so, else RECIST's."""
        if self.progression:
            return "PD"
        return self.recist.category if self.recist else ("baseline" if self.is_baseline else "none")


@dataclass
class LevelRow:
    level: DrugLevel
    result: TroughResult

    @property
    def text(self) -> str:
        return engine_text(self.result.text)

    @property
    def advice(self) -> str:
        return engine_text(self.result.advice)


def adjuvant_line(case: Case) -> TherapyLine | None:
    """The case's adjuvant line (the one started last, should there be several): the adjuvant course that the
    follow-up page shows and edits."""
    return (
        TherapyLine.objects.filter(case=case, setting=LineSetting.ADJUVANT)
        .order_by("-start_date", "-created_at")
        .first()
    )


def course_for(case: Case) -> Course:
    lines = list(
        TherapyLine.objects.filter(case=case).prefetch_related(
            Prefetch("dose_changes", queryset=DoseChange.objects.order_by("change_date", "created_at")),
            "interruptions",
        )
    )
    scans = list(ImagingAssessment.objects.filter(case=case).prefetch_related("lesions"))
    levels = list(DrugLevel.objects.filter(case=case))
    events = list(RecurrenceEvent.objects.filter(case=case))
    operation = case.section("operation")
    return Course(
        lines=lines,
        scans=scans,
        levels=levels,
        events=events,
        surgery_date=operation.surgery_date if operation is not None else None,
    )


def engine_scan(scan: ImagingAssessment) -> Scan:
    return Scan(
        day=scan.scan_date,
        lesions=tuple(
            Lesion(
                lesion.organ,
                float(lesion.diameter_mm),
                None if lesion.attenuation_hu is None else float(lesion.attenuation_hu),
            )
            for lesion in scan.lesions.all()
        ),
        new_lesions=scan.new_lesions,
        new_intratumoral_nodule=scan.new_intratumoral_nodule,
    )


def engine_sum(scan: ImagingAssessment) -> float:
    return sum(float(lesion.diameter_mm) for lesion in scan.lesions.all())


def _pct(value: float, reference: float) -> float | None:
    return None if not reference else (value - reference) / reference * 100.0


def _line_in_effect(lines: list[TherapyLine], day: date) -> TherapyLine | None:
    started = [line for line in lines if line.start_date <= day]
    return max(started, key=lambda line: line.start_date) if started else None


def _response_lines(course: Course, day: date) -> list[TherapyLine]:
    """The lines a scan of `day` can be read against. Not an adjuvant line: it follows a complete resection, so
    there is no measurable disease whose response it could show (RECIST 1.1 measures disease present at
    baseline). Not a neoadjuvant line after the operation: the tumour it treated was removed."""
    return [
        line
        for line in course.lines
        if line.setting != LineSetting.ADJUVANT
        and not (
            line.setting == LineSetting.NEOADJUVANT
            and course.surgery_date is not None
            and course.surgery_date < day
        )
    ]


def scan_responses(course: Course) -> list[ScanResponse]:
    """One row per scan, in date order, with its RECIST 1.1 and Choi response against the chosen baseline."""
    scans = sorted(course.scans, key=lambda s: (s.scan_date, s.created_at))
    engine = {s.pk: engine_scan(s) for s in scans}
    # An adjuvant line follows a complete resection: no measurable disease, so no response to read against it
    # (RECIST 1.1 measures disease present at baseline). A scan at recurrence starts the measurements.
    # The baseline of each line a response is read against: the last scan on or before its start.
    line_baselines = set()
    for line in course.lines:
        before = [s for s in scans if s.scan_date <= line.start_date]
        if before and line.setting != LineSetting.ADJUVANT:
            line_baselines.add(before[-1].pk)
    rows = []
    for index, scan in enumerate(scans):
        current = engine[scan.pk]
        row = ScanResponse(scan=scan, sum_mm=current.sum_mm, mean_hu=current.mean_attenuation_hu)
        line = _line_in_effect(_response_lines(course, scan.scan_date), scan.scan_date)
        if line is None and any(other.start_date <= scan.scan_date for other in course.lines):
            # After an adjuvant line or the operation that ended a neoadjuvant one: no response to read; the scan
            # may be the baseline of the line that follows (a recurrence).
            if scan.pk in line_baselines:
                row.is_baseline = True
                row.not_computed = _("Baseline scan: later scans are compared with it.")
            else:
                row.not_computed = _(
                    "No line of therapy for measurable disease on this date (an adjuvant line, or after the "
                    "operation): no response is read from this scan."
                )
            rows.append(row)
            continue
        if line is None:
            baseline = scans[0]
            why_none = ""
        else:
            before = [s for s in scans[: index + 1] if s.scan_date <= line.start_date]
            baseline = before[-1] if before else None
            why_none = _(
                "No baseline scan on or before the start of %(drug)s (%(date)s): a response cannot be computed yet."
            ) % {"drug": line.get_drug_display().lower(), "date": day_text(line.start_date)}
        if baseline is None:
            row.not_computed = why_none
        elif baseline.pk == scan.pk:
            row.is_baseline = True
            row.not_computed = _("Baseline scan: later scans are compared with it.")
        elif not engine[baseline.pk].lesions:
            row.baseline = baseline
            row.not_computed = _(
                "The baseline scan of %(date)s has no measured target lesion: a response cannot be computed."
            ) % {"date": day_text(baseline.scan_date)}
        else:
            start = scans.index(baseline)
            earlier = scans[start + 1 : index]
            base = engine[baseline.pk]
            nadir = min([baseline, *earlier], key=lambda s: engine[s.pk].sum_mm)
            row.baseline, row.nadir = baseline, nadir
            row.nadir_sum_mm = engine[nadir.pk].sum_mm
            row.change_from_baseline_pct = _pct(current.sum_mm, base.sum_mm)
            row.change_from_nadir_pct = _pct(current.sum_mm, row.nadir_sum_mm)
            if base.mean_attenuation_hu is not None and current.mean_attenuation_hu is not None:
                row.attenuation_change_pct = _pct(current.mean_attenuation_hu, base.mean_attenuation_hu)
            row.recist = recist(base, [engine[s.pk] for s in earlier], current)
            row.choi = choi(base, current)
        rows.append(row)
    return rows


def level_rows(course: Course) -> list[LevelRow]:
    return [LevelRow(level, trough_level(float(level.trough_ng_ml))) for level in course.levels]


def _num(value) -> str:
    """A stored decimal as typed: 400.0 -> "400", 37.5 -> "37.5"."""
    return f"{float(value):g}"


def _dose(value) -> str:
    if value is None:
        return _("dose not recorded")
    return _("%(dose)s mg/day") % {"dose": _num(value)}


def recist_thresholds(row: ScanResponse) -> tuple[float, float]:
    """The RECIST 1.1 lines at an assessed scan: PR at or below baseline -30%, PD at or above nadir +20% (and
    at least +5 mm)."""
    return (
        engine_sum(row.baseline) * (1 - RECIST_PR_DECREASE_PCT / 100),
        max(row.nadir_sum_mm * (1 + RECIST_PD_INCREASE_PCT / 100), row.nadir_sum_mm + RECIST_PD_ABSOLUTE_MM),
    )


def timeline_data(case: Case, course: Course, *, today: date | None = None) -> TimelineData:
    """The course of `case` as plain data for cases/course/timeline.py."""
    today = today or timezone.localdate()
    bars = tuple(
        Bar(
            drug=line.get_drug_display(),
            setting=line.get_setting_display().lower(),
            start=line.start_date,
            stop=line.stop_date,
            dose=_dose(line.dose_mg_per_day),
            changes=tuple((c.change_date, _dose(c.dose_mg_per_day)) for c in line.dose_changes.all()),
            stop_reason=line.get_stop_reason_display().lower() if line.stop_reason else "",
            gaps=tuple((gap.start_date, gap.resume_date, gap.reason) for gap in line.interruptions.all()),
        )
        for line in sorted(course.lines, key=lambda line: (line.start_date, line.created_at))
    )
    marks: list[Mark] = []
    responses = scan_responses(course)
    for row in responses:
        scan = row.scan
        if row.recist is not None:
            what = f"RECIST 1.1 {row.recist.category}, Choi {row.choi.category}"
            label = (
                row.recist.category
                if row.recist.category == row.choi.category
                else (f"{row.recist.category}/{row.choi.category}")
            )
        elif row.is_baseline:
            what, label = _("baseline"), pgettext("timeline label of a baseline scan", "base")
        else:
            what, label = _("no response computed"), "–"
        marks.append(
            Mark(
                day=scan.scan_date,
                kind="scan",
                label=label,
                text=_("%(modality)s: sum of diameters %(sum)s mm; %(what)s")
                % {"modality": scan.get_modality_display(), "sum": f"{row.sum_mm:g}", "what": what},
                category=row.worst,
            )
        )
    for level in level_rows(course):
        marks.append(
            Mark(
                day=level.level.sample_date,
                kind="level",
                label=f"{level.level.trough_ng_ml:,.0f}",
                text=_("Imatinib trough %(level)s ng/mL (%(hours)s h after the dose): %(meaning)s")
                % {
                    "level": f"{level.level.trough_ng_ml:,.0f}",
                    "hours": _num(level.level.hours_since_dose),
                    "meaning": level.text,
                },
                category=level.result.flag,
            )
        )
    for event in course.events:
        marks.append(
            Mark(
                day=event.event_date,
                kind="recurrence",
                label=pgettext("timeline label", "recurrence"),
                text=_("Recurrence/progression: %(sites)s (%(found_by)s)")
                % {"sites": sites_text(event), "found_by": event.get_found_by_display().lower()},
            )
        )
    operation = case.section("operation")
    if operation is not None:
        marks.append(
            Mark(operation.surgery_date, "operation", pgettext("timeline label", "operation"), _("Operation"))
        )
    # With case_id: a related manager sets each row's case from it, and read it again row by row when deferred.
    for report in case.signed_reports.only("case_id", "signed_at", "decision", "version"):
        marks.append(
            Mark(
                day=timezone.localdate(report.signed_at),
                kind="mdt",
                label="MDT",
                text=_("MDT report v%(version)s signed (%(decision)s)")
                % {"version": report.version, "decision": report.get_decision_display().lower()},
            )
        )
    burden = tuple((row.scan.scan_date, row.sum_mm) for row in responses if row.scan.lesions.all())
    thresholds = tuple(
        (row.scan.scan_date, *recist_thresholds(row)) for row in responses if row.recist is not None
    )
    return TimelineData(
        title=_("Treatment course of case %(id)s") % {"id": case.short_id},
        today=today,
        bars=bars,
        marks=tuple(sorted(marks, key=lambda mark: mark.day)),
        burden=burden,
        thresholds=thresholds,
        extra_days=tuple(day for day in (case.diagnosis_date,) if day),
    )


def timeline_words(*, tables: bool = False) -> Words:
    """The picture's own words in the reader's language: on the case page the facts follow in one table, in the
    MDT report in several (`tables`)."""
    desc = (
        _(
            "{lines} therapy line(s), {scans} scan(s), {levels} drug level(s) and {events} event(s) from "
            "{first} to {last}. The same facts are listed in the tables that follow."
        )
        if tables
        else _(
            "{lines} therapy line(s), {scans} scan(s), {levels} drug level(s) and {events} event(s) from "
            "{first} to {last}. The same facts are listed in the table that follows."
        )
    )
    return Words(
        therapy=_("Therapy"),
        scans=_("Scans"),
        burden=(_("Sum of"), _("diameters")),
        levels=_("Drug levels"),
        events=_("Events"),
        today=pgettext("timeline", "today"),
        ongoing=_("ongoing"),
        interrupted=_("interrupted"),
        to=pgettext("from a date to a date", "to"),
        threshold=_("RECIST 1.1 {category} threshold"),
        desc=desc,
    )


def timeline_context(case: Case, course: Course) -> dict:
    data = timeline_data(case, course)
    return {
        "timeline_ready": True,
        # render_svg escapes every text it writes.
        "timeline_svg": ""
        if data.empty
        else mark_safe(render_svg(data, ident=f"timeline-{case.short_id}", words=timeline_words())),  # noqa: S308
        "timeline_rows": table_rows(data),
    }


def dose_on(line: TherapyLine, day: date) -> float | None:
    """The line's daily dose on `day`: its starting dose, or the last dose change on or before that day (None:
    no dose recorded)."""
    dose = float(line.dose_mg_per_day) if line.dose_mg_per_day is not None else None
    for change in line.dose_changes.all():
        if change.change_date <= day:
            dose = float(change.dose_mg_per_day)
    return dose


@dataclass
class ProgressionAdvice:
    scan: ImagingAssessment
    line: TherapyLine | None
    proposals: list[Proposal]


def progression_advice(case: Case, course: Course, responses: list[ScanResponse]) -> ProgressionAdvice | None:
    """When the latest assessed scan computes PD: what the rule set proposes (guidelines/progression.py), with the
    drugs of the lines started by then counted as used."""
    assessed = [row for row in responses if row.recist is not None]
    if not assessed or not assessed[-1].progression:
        return None
    scan = assessed[-1].scan
    line = _line_in_effect(
        _response_lines(course, scan.scan_date), scan.scan_date
    )  # the line PD was read against
    pathology = case.section("pathology")
    proposals = on_progression(
        current_drug=line.drug if line else "",
        current_dose_mg=dose_on(line, scan.scan_date) if line else None,
        genotype=pathology.genotype if pathology else "",
        drugs_used=[other.drug for other in course.lines if other.start_date <= scan.scan_date],
    )
    return ProgressionAdvice(scan=scan, line=line, proposals=proposals)


def course_snapshot(case: Case, *, today: date | None = None) -> dict | None:
    """The course as the MDT report prints it, as plain JSON (None: no course recorded).

    Codes, dates and numbers only (the report words them in its reader's language), with each scan's response
    computed now: a signed report stores this and prints it as it was at signing, whatever is edited later.
    A fixed number of queries, however long the course: the records (6) and the signed reports (1)."""
    course = course_for(case)
    if not (course.lines or course.scans or course.levels or course.events):
        return None
    responses = scan_responses(course)
    thresholds = {row.scan.pk: recist_thresholds(row) for row in responses if row.recist is not None}
    return {
        "as_of": (today or timezone.localdate()).isoformat(),
        "lines": [
            {
                "drug": line.drug,
                "setting": line.setting,
                "dose": _num(line.dose_mg_per_day) if line.dose_mg_per_day is not None else None,
                "start": line.start_date.isoformat(),
                "planned_stop": line.planned_stop_date.isoformat() if line.planned_stop_date else None,
                "stop": line.stop_date.isoformat() if line.stop_date else None,
                "stop_reason": line.stop_reason,
                "changes": [
                    {"date": change.change_date.isoformat(), "dose": _num(change.dose_mg_per_day)}
                    for change in line.dose_changes.all()
                ],
                "interruptions": [
                    {
                        "start": gap.start_date.isoformat(),
                        "resume": gap.resume_date.isoformat() if gap.resume_date else None,
                        "reason": gap.reason,
                    }
                    for gap in line.interruptions.all()
                ],
            }
            for line in sorted(course.lines, key=lambda line: (line.start_date, line.created_at))
        ],
        "scans": [
            {
                "date": row.scan.scan_date.isoformat(),
                "modality": row.scan.modality,
                "lesions": len(row.scan.lesions.all()),
                "sum_mm": row.sum_mm,
                "baseline": row.is_baseline,
                "recist": row.recist.category if row.recist else None,
                "choi": row.choi.category if row.choi else None,
                "from_baseline_pct": row.change_from_baseline_pct,
                "from_nadir_pct": row.change_from_nadir_pct,
                "new_lesions": row.scan.new_lesions,
                "pr_mm": thresholds[row.scan.pk][0] if row.scan.pk in thresholds else None,
                "pd_mm": thresholds[row.scan.pk][1] if row.scan.pk in thresholds else None,
            }
            for row in responses
        ],
        "levels": [
            {
                "date": row.level.sample_date.isoformat(),
                "drug": row.level.drug,
                "trough_ng_ml": float(row.level.trough_ng_ml),
                "hours_since_dose": float(row.level.hours_since_dose),
                "flag": row.result.flag,
            }
            for row in level_rows(course)
        ],
        "events": [
            {
                "date": event.event_date.isoformat(),
                "liver": event.site_liver,
                "peritoneum": event.site_peritoneum,
                "other": event.site_other,
                "found_by": event.found_by,
            }
            for event in course.events
        ],
        "mdt": [
            {"date": timezone.localdate(report.signed_at).isoformat(), "version": report.version}
            for report in case.signed_reports.only("case_id", "signed_at", "version").order_by("version")
        ],
        "progression": _progression_snapshot(progression_advice(case, course, responses)),
    }


def _progression_snapshot(advice: ProgressionAdvice | None) -> dict | None:
    """What the rule set proposes when the latest scan computes progression (RULES.md section 6), as plain JSON."""
    if advice is None:
        return None
    return {
        "scan_date": advice.scan.scan_date.isoformat(),
        "drug": advice.line.drug if advice.line else "",
        "proposals": [
            {"id": p.id, "text": p.text, "evidence": p.evidence, "source": p.source} for p in advice.proposals
        ],
    }


def unreviewed_records(case: Case) -> set:
    """Ids of the case's scans and drug levels that wait on the worklist for a nurse's or a clinician's review."""
    return set(
        FollowUpItem.objects.filter(
            case=case, source=FollowUpSource.REVIEW, status=FollowUpStatus.PENDING
        ).values_list("course_record", flat=True)
    )

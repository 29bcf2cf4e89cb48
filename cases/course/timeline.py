"""The treatment course as a picture: a pure function from plain data to a server-rendered SVG string, and the
same facts as rows of a text table (the accessible alternative printed beside it).

No Django, no database: cases/course/selectors.py builds `TimelineData` from the records. Lanes, top to bottom:
therapy lines as bars (drug and dose; a tick and the new dose at each dose change), scans as marks shaped and
coloured by their computed response (PD ▲ red, PR ▼ green, SD ● amber, CR ★ blue, baseline ■ black), the sum of
target-lesion diameters (tumour burden), imatinib trough levels (a low one red), and events: the operation,
recurrences and signed MDT reports. The viewBox is 800 units wide so that it reads at tablet width and scales
down; colours are never the only cue (every mark has a shape and a short label).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

WIDTH = 800
LEFT = 112  # room for the lane names
RIGHT = 16
BAR_H = 20
SCAN_COLOURS = {
    "PD": "#b02a37",
    "PR": "#198754",
    "SD": "#b07d00",
    "CR": "#0d6efd",
    "baseline": "#212529",
    "none": "#6c757d",
}
LEVEL_COLOURS = {"low": "#b02a37", "high": "#b02a37", "ok": "#495057"}
BAR_COLOURS = ["#9ec5fe", "#a3cfbb", "#f1aeb5", "#ffe69c", "#c5b3e6", "#9eeaf9"]


@dataclass(frozen=True)
class Bar:
    drug: str
    setting: str
    start: date
    stop: date | None  # None: ongoing
    dose: str  # "400 mg/day"
    changes: tuple[tuple[date, str], ...] = ()  # (day, new dose text)
    stop_reason: str = ""
    gaps: tuple[tuple[date, date | None, str], ...] = ()  # interruptions: (from, resumed on or None, reason)


@dataclass(frozen=True)
class Mark:
    day: date
    kind: str  # scan | level | recurrence | operation | mdt
    label: str  # short, drawn on the picture
    text: str  # full, for the table and the tooltip
    category: str = ""  # scans: PD/PR/SD/CR/baseline/none; levels: low/ok/high


@dataclass(frozen=True)
class TimelineData:
    title: str
    today: date
    bars: tuple[Bar, ...] = ()
    marks: tuple[Mark, ...] = ()
    burden: tuple[tuple[date, float], ...] = ()  # (scan day, sum of diameters in mm)
    # RECIST 1.1 lines at each assessed scan: (day, PR at or below mm = baseline -30%, PD at or above mm =
    # nadir +20% and at least +5 mm)
    thresholds: tuple[tuple[date, float, float], ...] = ()
    extra_days: tuple[date, ...] = field(default=())  # e.g. the date of diagnosis: widens the axis

    @property
    def empty(self) -> bool:
        return not (self.bars or self.marks)


@dataclass(frozen=True)
class Words:
    """The words the picture writes itself (lane names, "today", the description): English by default; the MDT
    report passes them in its reader's language."""

    therapy: str = "Therapy"
    scans: str = "Scans"
    burden: tuple[str, str] = ("Sum of", "diameters")
    levels: str = "Drug levels"
    events: str = "Events"
    today: str = "today"
    ongoing: str = "ongoing"
    interrupted: str = "interrupted"
    to: str = "to"
    threshold: str = "RECIST 1.1 {category} threshold"
    desc: str = (
        "{lines} therapy line(s), {scans} scan(s), {levels} drug level(s) and {events} event(s) from {first} to "
        "{last}. The same facts are listed in the table that follows."
    )


@dataclass(frozen=True)
class Row:
    day: date
    what: str
    text: str


def table_rows(data: TimelineData) -> list[Row]:
    """Every fact of the picture, in date order."""
    # In the reader's language (issue 15): Django's gettext, English outside a Chinese request.
    from django.utils import dateformat
    from django.utils.translation import gettext as _

    rows = []
    for bar in data.bars:
        until = dateformat.format(bar.stop, _("d M Y")) if bar.stop else _("ongoing")
        why = f" ({bar.stop_reason})" if bar.stop_reason else ""
        text = _("%(drug)s %(dose)s, %(setting)s, until %(until)s") % {
            "drug": bar.drug,
            "dose": bar.dose,
            "setting": bar.setting,
            "until": until,
        }
        rows.append(Row(bar.start, _("Therapy line"), text + why))
        for day, dose in bar.changes:
            rows.append(Row(day, _("Dose change"), f"{bar.drug} {dose}"))
        for start, resume, reason in bar.gaps:
            rows.append(
                Row(
                    start,
                    _("Interruption"),
                    _("%(drug)s interrupted until %(until)s: %(reason)s")
                    % {
                        "drug": bar.drug,
                        "until": dateformat.format(resume, _("d M Y")) if resume else _("ongoing"),
                        "reason": reason,
                    },
                )
            )
    names = {
        "scan": _("Scan"),
        "level": _("Drug level"),
        "recurrence": _("Recurrence"),
        "operation": _("Operation"),
    }
    for mark in data.marks:
        rows.append(Row(mark.day, names.get(mark.kind, _("MDT")), mark.text))
    return sorted(rows, key=lambda row: row.day)


def _days(data: TimelineData) -> tuple[date, date]:
    days = [*data.extra_days, data.today]
    for bar in data.bars:
        days += [bar.start, bar.stop or data.today, *(day for day, _ in bar.changes)]
    days += [mark.day for mark in data.marks]
    first, last = min(days), max(days)
    # Whole years on the axis: from 1 January of the first year to 1 January after the last day.
    return date(first.year, 1, 1), date(last.year + 1, 1, 1)


def _stack(bars: tuple[Bar, ...], today: date) -> list[int]:
    """The sub-row of each bar: overlapping bars (a neoadjuvant course with another drug...) are stacked."""
    ends: list[date] = []
    rows = []
    for bar in bars:
        for index, end in enumerate(ends):
            if bar.start >= end:
                ends[index] = bar.stop or today
                rows.append(index)
                break
        else:
            ends.append(bar.stop or today)
            rows.append(len(ends) - 1)
    return rows


def _shape(kind: str, x: float, y: float, colour: str, title: str) -> str:
    t = f"<title>{escape(title)}</title>"
    if kind == "PD":  # up: growth
        return f'<path d="M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y + 5:.1f} L{x - 6:.1f},{y + 5:.1f} Z" fill="{colour}">{t}</path>'
    if kind == "PR":  # down: shrinking
        return f'<path d="M{x - 6:.1f},{y - 5:.1f} L{x + 6:.1f},{y - 5:.1f} L{x:.1f},{y + 6:.1f} Z" fill="{colour}">{t}</path>'
    if kind == "baseline":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}">{t}</rect>'
    if kind == "CR":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#fff" stroke="{colour}" stroke-width="3">{t}</circle>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}">{t}</circle>'


def render_svg(data: TimelineData, *, ident: str = "timeline", words: Words | None = None) -> str:
    """The course as one SVG element (a string), with a <title> and a <desc> for assistive technology."""
    words = words or Words()
    start, end = _days(data)
    span = max((end - start).days, 1)
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return LEFT + (day - start).days / span * plot

    out: list[str] = []
    y = 26  # below the year labels
    # Therapy lines
    stack = _stack(data.bars, data.today)
    sub_rows = max(stack, default=-1) + 1
    lines_top = y
    for number, (bar, row) in enumerate(zip(data.bars, stack, strict=True)):
        top = lines_top + row * (BAR_H + 16) + 12
        x0, x1 = x(bar.start), x(bar.stop or data.today)
        colour = BAR_COLOURS[number % len(BAR_COLOURS)]
        until = f"{bar.stop:%Y-%m-%d}" if bar.stop else words.ongoing
        out.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{max(x1 - x0, 2):.1f}" height="{BAR_H}" rx="3" fill="{colour}" '
            f'stroke="#495057"><title>{escape(f"{bar.drug} {bar.dose} ({bar.setting}) {bar.start:%Y-%m-%d} {words.to} {until}")}</title></rect>'
        )
        for (
            gap_start,
            resume,
            _reason,
        ) in bar.gaps:  # an interruption: the bar left white (the table says why)
            g0, g1 = x(max(gap_start, bar.start)), x(min(resume or data.today, bar.stop or data.today))
            if g1 > g0:
                out.append(
                    f'<rect x="{g0:.1f}" y="{top + 1}" width="{g1 - g0:.1f}" height="{BAR_H - 2}" fill="#ffffff" '
                    f'stroke="#495057" stroke-dasharray="3 2"><title>{escape(words.interrupted)}</title></rect>'
                )
        if not bar.stop:  # ongoing: an arrow head at today
            out.append(
                f'<path d="M{x1:.1f},{top} L{x1 + 7:.1f},{top + BAR_H / 2} L{x1:.1f},{top + BAR_H}" fill="{colour}" stroke="#495057"/>'
            )
        out.append(
            f'<text x="{x0 + 3:.1f}" y="{top - 3}" font-size="13" fill="#212529">{escape(bar.drug)} {escape(bar.dose)}</text>'
        )
        for day, dose in bar.changes:
            cx = x(day)
            out.append(
                f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{top - 2}" y2="{top + BAR_H + 2}" stroke="#212529" stroke-width="2"/>'
            )
            out.append(
                f'<text x="{cx + 3:.1f}" y="{top + BAR_H - 5}" font-size="11" fill="#212529">→{escape(dose)}</text>'
            )
    lines_h = max(sub_rows, 1) * (BAR_H + 16) + 8
    out.append(
        f'<text x="4" y="{lines_top + 28}" font-size="13" font-weight="bold" fill="#212529">{escape(words.therapy)}</text>'
    )
    y = lines_top + lines_h

    # Scans
    scans = [m for m in data.marks if m.kind == "scan"]
    scan_y = y + 14
    out.append(
        f'<text x="4" y="{scan_y + 4}" font-size="13" font-weight="bold" fill="#212529">{escape(words.scans)}</text>'
    )
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{scan_y}" y2="{scan_y}" stroke="#dee2e6"/>')
    free_from = [float("-inf"), float("-inf")]  # where each of the two label rows is free again
    for index, mark in enumerate(scans):
        cx = x(mark.day)
        colour = SCAN_COLOURS.get(mark.category, SCAN_COLOURS["none"])
        out.append(_shape(mark.category, cx, scan_y, colour, mark.text))
        # Labels on two alternating rows; a label that would overlap its neighbour is left out (the mark keeps
        # its shape, colour and tooltip, and the table beside the picture lists every scan).
        half = len(mark.label) * 3.2
        row = index % 2 if cx - half >= free_from[index % 2] else 1 - index % 2
        if cx - half < free_from[row]:
            continue
        free_from[row] = cx + half + 4
        out.append(
            f'<text x="{cx:.1f}" y="{scan_y + 17 + row * 10}" font-size="10.5" text-anchor="middle" '
            f'fill="{colour}">{escape(mark.label)}</text>'
        )
    y = scan_y + 34

    # Tumour burden: the sum of target-lesion diameters
    if data.burden:
        top, height = y + 6, 60
        peak = max([total for _, total in data.burden] + [pd for _, _, pd in data.thresholds]) or 1.0
        out.append(
            f'<text x="4" y="{top + 22}" font-size="13" font-weight="bold" fill="#212529">{escape(words.burden[0])}</text>'
        )
        out.append(
            f'<text x="4" y="{top + 36}" font-size="13" font-weight="bold" fill="#212529">{escape(words.burden[1])}</text>'
        )
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{top + height}" y2="{top + height}" stroke="#dee2e6"/>'
        )
        points = " ".join(
            f"{x(day):.1f},{top + height - total / peak * height:.1f}" for day, total in data.burden
        )
        out.append(f'<polyline points="{points}" fill="none" stroke="#495057" stroke-width="1.5"/>')
        for index, (colour, category) in enumerate((("#198754", "PR"), ("#b02a37", "PD"))):
            steps = [
                (x(day), top + height - levels[index] / peak * height) for day, *levels in data.thresholds
            ]
            if steps:
                path = " ".join(f"{sx:.1f},{sy:.1f}" for sx, sy in steps)
                out.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1" '
                    f'stroke-dasharray="4 3"><title>{escape(words.threshold.format(category=category))}</title></polyline>'
                )
                out.append(
                    f'<text x="{steps[-1][0] + 3:.1f}" y="{steps[-1][1] + 3:.1f}" font-size="9" '
                    f'fill="{colour}">{category}</text>'
                )
        out.append(
            f'<text x="{LEFT - 4}" y="{top + 8}" font-size="9" text-anchor="end" fill="#495057">{peak:.0f} mm</text>'
        )
        out.append(
            f'<text x="{LEFT - 4}" y="{top + height}" font-size="9" text-anchor="end" fill="#495057">0</text>'
        )
        y = top + height + 8

    # Drug levels
    levels = [m for m in data.marks if m.kind == "level"]
    if levels:
        level_y = y + 14
        out.append(
            f'<text x="4" y="{level_y + 4}" font-size="13" font-weight="bold" fill="#212529">{escape(words.levels)}</text>'
        )
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level_y}" y2="{level_y}" stroke="#dee2e6"/>')
        for index, mark in enumerate(levels):
            cx = x(mark.day)
            colour = LEVEL_COLOURS.get(mark.category, "#495057")
            size = 5 if mark.category == "ok" else 6
            out.append(
                f'<rect x="{cx - size / 2:.1f}" y="{level_y - size / 2:.1f}" width="{size}" height="{size}" '
                f'transform="rotate(45 {cx:.1f} {level_y})" fill="{colour}"><title>{escape(mark.text)}</title></rect>'
            )
            if mark.category != "ok":
                out.append(
                    f'<text x="{cx:.1f}" y="{level_y + 16 + (index % 2) * 9}" font-size="10.5" text-anchor="middle" fill="{colour}">{escape(mark.label)}</text>'
                )
        y = level_y + 30

    # Events: operation, recurrences, signed MDT reports
    events = [m for m in data.marks if m.kind in ("operation", "recurrence", "mdt")]
    event_y = y + 14
    out.append(
        f'<text x="4" y="{event_y + 4}" font-size="13" font-weight="bold" fill="#212529">{escape(words.events)}</text>'
    )
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{event_y}" y2="{event_y}" stroke="#dee2e6"/>')
    for index, mark in enumerate(events):
        cx = x(mark.day)
        colour = {"operation": "#0a58ca", "recurrence": "#b02a37", "mdt": "#6f42c1"}[mark.kind]
        t = f"<title>{escape(mark.text)}</title>"
        if mark.kind == "operation":
            out.append(
                f'<path d="M{cx:.1f},{event_y - 7} L{cx + 7:.1f},{event_y} L{cx:.1f},{event_y + 7} L{cx - 7:.1f},{event_y} Z" fill="{colour}">{t}</path>'
            )
        elif mark.kind == "recurrence":
            out.append(
                f'<path d="M{cx - 6:.1f},{event_y - 6} L{cx + 6:.1f},{event_y + 6} M{cx + 6:.1f},{event_y - 6} L{cx - 6:.1f},{event_y + 6}" stroke="{colour}" stroke-width="3">{t}</path>'
            )
        else:
            out.append(
                f'<circle cx="{cx:.1f}" cy="{event_y}" r="5" fill="#fff" stroke="{colour}" stroke-width="2">{t}</circle>'
            )
        out.append(
            f'<text x="{cx:.1f}" y="{event_y + 18 + (index % 2) * 10}" font-size="10.5" text-anchor="middle" fill="{colour}">{escape(mark.label)}</text>'
        )
    height = event_y + 36

    # Year grid and today
    grid = []
    for year in range(start.year, end.year + 1):
        gx = x(date(year, 1, 1))
        grid.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="14" y2="{height - 4}" stroke="#e9ecef"/>')
        if year < end.year:
            mid = x(date(year, 7, 1))
            grid.append(
                f'<text x="{mid:.1f}" y="12" font-size="12" text-anchor="middle" fill="#495057">{year}</text>'
            )
    tx = x(data.today)
    grid.append(
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="14" y2="{height - 4}" stroke="#212529" stroke-dasharray="3 3"/>'
    )
    grid.append(
        f'<text x="{tx - 3:.1f}" y="{height - 6}" font-size="9" text-anchor="end" fill="#212529">{escape(words.today)}</text>'
    )

    n_scans, n_levels = len(scans), len(levels)
    desc = words.desc.format(
        lines=len(data.bars),
        scans=n_scans,
        levels=n_levels,
        events=len(events),
        first=start.year,
        last=end.year - 1,
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif" class="course-timeline">'
        f'<title id="{ident}-title">{escape(data.title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        + "".join(grid)
        + "".join(out)
        + "</svg>"
    )

"""The timeline picture is a pure function: plain data in, an SVG string and table rows out."""

from datetime import date
from xml.etree import ElementTree

from cases.course.timeline import Bar, Mark, TimelineData, render_svg, table_rows

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


COURSE = TimelineData(
    title="Treatment course of case abc",
    today=date(2036, 3, 1),
    bars=(
        Bar(
            "Imatinib",
            "advanced disease, line 1",
            date(2026, 2, 1),
            date(2031, 6, 1),
            "400 mg/day",
            changes=((date(2030, 9, 1), "800 mg/day"),),
            stop_reason="progression",
        ),
        Bar("Sunitinib", "advanced disease, line 2", date(2031, 6, 1), None, "50 mg/day"),
    ),
    marks=(
        Mark(date(2026, 1, 20), "scan", "base", "CT: sum 100 mm; baseline", "baseline"),
        Mark(date(2030, 8, 1), "scan", "PD", "CT: sum 60 mm; RECIST 1.1 PD, Choi PD", "PD"),
        Mark(date(2027, 4, 1), "level", "900", "Imatinib trough 900 ng/mL", "low"),
        Mark(date(2031, 5, 1), "recurrence", "recurrence", "Recurrence/progression: liver"),
        Mark(date(2025, 12, 10), "operation", "operation", "Operation"),
    ),
    burden=((date(2026, 1, 20), 100.0), (date(2030, 8, 1), 60.0)),
)


def test_it_is_valid_svg_with_a_title_and_a_description():
    svg = render_svg(COURSE, ident="t")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.get("viewBox").startswith("0 0 800 ")
    assert root.find(f"{SVG}title").text == "Treatment course of case abc"
    assert (
        "2 therapy line(s), 2 scan(s), 1 drug level(s) and 2 event(s) from 2025 to 2036"
        in root.find(f"{SVG}desc").text
    )


def test_lines_are_bars_labelled_with_drug_and_dose_and_the_dose_change():
    svg = render_svg(COURSE)
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert "Imatinib 400 mg/day" in texts
    assert "Sunitinib 50 mg/day" in texts
    assert "→800 mg/day" in texts


def test_a_progression_scan_is_a_red_triangle_with_its_label():
    root = parse(render_svg(COURSE))
    pd = [
        p
        for p in root.iter(f"{SVG}path")
        if p.find(f"{SVG}title") is not None and "PD" in p.find(f"{SVG}title").text
    ]
    assert pd[0].get("fill") == "#b02a37"
    assert any(t.text == "PD" and t.get("fill") == "#b02a37" for t in root.iter(f"{SVG}text"))


def test_text_is_escaped():
    hostile = TimelineData(
        title="<script>x</script>",
        today=date(2026, 5, 1),
        bars=(Bar("<b>", "adjuvant", date(2026, 1, 1), None, "400 mg/day"),),
    )
    svg = render_svg(hostile)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)


def test_the_table_lists_every_fact_in_date_order():
    rows = table_rows(COURSE)
    assert [row.what for row in rows] == [
        "Operation",
        "Scan",
        "Therapy line",
        "Drug level",
        "Scan",
        "Dose change",
        "Recurrence",
        "Therapy line",
    ]
    assert rows[2].text == "Imatinib 400 mg/day, advanced disease, line 1, until 01 Jun 2031 (progression)"
    assert rows[-1].text == "Sunitinib 50 mg/day, advanced disease, line 2, until ongoing"


def test_an_empty_course_is_empty():
    assert TimelineData(title="x", today=date(2026, 1, 1)).empty


def test_the_burden_plot_draws_the_recist_thresholds():
    from dataclasses import replace

    with_lines = replace(COURSE, thresholds=((date(2030, 8, 1), 70.0, 60.0),))
    root = parse(render_svg(with_lines))
    titles = [
        p.find(f"{SVG}title").text for p in root.iter(f"{SVG}polyline") if p.find(f"{SVG}title") is not None
    ]
    assert titles == ["RECIST 1.1 PR threshold", "RECIST 1.1 PD threshold"]

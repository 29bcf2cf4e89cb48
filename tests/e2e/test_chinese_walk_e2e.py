"""A case walked in Simplified Chinese from the new-case page to the signed report and its PDF (issue 15).

Three users whose stored language is zh-hans: the surgeon enters a resected gastric GIST through every wizard
step (the live panel says 高危), the coordinator puts it on today's MDT agenda from the case page, the chair
records the decision and signs. The signed report page and its PDF are Chinese. Screenshots of the wizard, the
case page and the report at 1400 px and 390 px, and the PDF's first page (pdftoppm), go to test-artifacts/.

The MDT meeting page, the sign page and the add-to-agenda form are being translated on another branch: there the
test selects by stable names (`meeting`, `decision`, `password`) and prints any English it sees instead of
failing on it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import roles
from cases.mdt.services import meeting_create
from cases.models import AgendaItem, Case, SignedReport, UserProfile
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import PASSWORD, make_user, pdf_pages_text
from tests.i18n.textcheck import english_runs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MRN = "ZH2026001"
# Values the test itself typed, and the rule-set identifier printed as a code.
ALLOW = {"ZH2026001", "Sam", "Cora", "Charles", "Tester", "Hale", "Chairman", "Ordinator"}
# The hospital's configured name, and authors of the risk schemes named in table headings (Joensuu 2008).
ALLOW |= {"Test", "Hospital", "Joensuu", "Miettinen", "Fletcher"}
# The response criteria named after their author (Choi 2007), as Chinese clinical writing names them.
ALLOW |= {"Choi", "RECIST"}

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def _zh_user(username: str, **kwargs):
    user = make_user(username, **kwargs)
    UserProfile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    return user


def _shots(page, name: str) -> None:
    """Full-page screenshots at desktop and phone width, then back to the desktop width."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"zh-walk-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _no_horizontal_overflow(page) -> None:
    """At phone width nothing makes the page wider than the screen (cut or sideways-scrolling text)."""
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(150)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    assert width <= PHONE["width"] + 1, f"{page.url} is {width} px wide on a 390 px phone"


def _english(page) -> list[str]:
    """English runs in the page's visible text (tests/i18n/textcheck.py)."""
    return english_runs(page.content(), allow=ALLOW)


def _assert_chinese(page) -> None:
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    runs = _english(page)
    assert runs == [], f"{page.url}: {runs}"


def test_a_case_walked_in_chinese_from_new_case_to_the_signed_pdf(page, live_server):
    _zh_user("surgeon", role=roles.SURGEON, first_name="Sam", last_name="Hale")
    coordinator = _zh_user("coordinator", role=roles.COORDINATOR, first_name="Cora", last_name="Ordinator")
    _zh_user("chair", role=roles.SURGEON, chair=True, first_name="Charles", last_name="Chairman")
    page.set_viewport_size(DESKTOP)

    # --- The surgeon: new case, every wizard step, in Chinese.
    login(page, "surgeon", PASSWORD)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"  # the stored preference, not a cookie
    page.get_by_role("link", name="新建病例").first.click()
    _assert_chinese(page)
    page.get_by_label("病历号（MRN）").fill(MRN)
    page.locator("#id_given_name").fill("伟")  # labels 名 and 姓: one character each, so by id
    page.locator("#id_family_name").fill("张")
    page.get_by_label("出生日期").fill("1961-04-12")
    page.get_by_label("诊断日期").fill("2025-12-01")
    _shots(page, "01-patient")
    page.get_by_role("button", name="创建病例").click()

    expect(page.get_by_role("heading", name=re.compile("临床表现与影像"))).to_be_visible()
    page.get_by_label("原发部位").select_option("stomach")
    expect(page.get_by_label("胃内位置")).to_be_visible()
    page.get_by_label("胃内位置").select_option("greater_curvature")
    page.get_by_label("最大径（cm）").fill("6.5")
    page.get_by_label("最大径（cm）").press("Tab")
    for finding in ("boundary_clear", "r0_feasible", "histology_confirmed"):
        page.locator(f'input[name="{finding}"][value="yes"]').check()
    page.wait_for_load_state("networkidle")
    _assert_chinese(page)
    _shots(page, "02-presentation")
    page.get_by_role("button", name="下一页", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("决策"))).to_be_visible()
    _assert_chinese(page)
    page.get_by_role("button", name="下一页", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("手术"))).to_be_visible()
    page.locator('input[name="resected"][value="yes"]').check()
    page.get_by_label("手术日期").fill("2026-01-15")
    page.get_by_label("手术方式").select_option("open")
    page.get_by_label("切缘").select_option("R0")
    page.locator('input[name="rupture_grade"][value="none"]').check()
    _assert_chinese(page)
    _shots(page, "03-operation")
    page.get_by_role("button", name="下一页", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("病理与治疗"))).to_be_visible()
    page.get_by_label("核分裂象 /5 mm²").press_sequentially("8")
    expect(page.locator("#live-panel [data-scheme=modified_nih]")).to_contain_text("高危")
    page.get_by_label("基因型").select_option("kit_exon_11")
    expect(page.locator("#live-panel [data-scheme=afip]")).to_contain_text("55%")
    page.wait_for_load_state("networkidle")
    _assert_chinese(page)
    _shots(page, "04-pathology-live-panel")
    _no_horizontal_overflow(page)
    page.get_by_role("button", name="下一页", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("核对"))).to_be_visible()
    _assert_chinese(page)
    _shots(page, "05-review")
    page.get_by_role("button", name="完成").click()

    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    case = Case.objects.get(patient__mrn=MRN)
    assert case.risk_category == "high"
    assert case.pathology.mitoses_per_5mm2 == 8
    assert case.pathology.genotype == "kit_exon_11"
    assert case.operation.margin == "R0"
    assert case.operation.rupture_grade == "none"
    assert case.presentation.site == "stomach"
    page.locator("#course-timeline").wait_for()  # loaded by htmx
    _assert_chinese(page)
    expect(page.get_by_role("heading", name="最新评估")).to_be_visible()
    main = page.locator("main").inner_text()
    assert "张伟" in main  # family name first, no comma
    assert "高危" in main
    assert "改良NIH危险度分级" in main
    _shots(page, "06-case-page")
    _no_horizontal_overflow(page)
    page.context.clear_cookies()

    # --- The coordinator: puts the case on today's meeting from the case page.
    meeting = meeting_create(
        user=coordinator,
        date=timezone.localdate(),
        title="胃肠间质瘤 MDT",
        attendees="王医生, surgeon\n李医生, oncologist\n赵医生, pathologist\n陈医生, radiologist",
    )
    meeting_create(user=coordinator, date=timezone.localdate() + timedelta(days=7), title="下周 MDT")
    login(page, "coordinator", PASSWORD)
    page.goto(f"/cases/{case.id}/")
    _assert_chinese(page)
    page.get_by_role("link", name="加入多学科团队会议议程").click()
    page.locator('select[name="meeting"]').select_option(str(meeting.id))
    assert (
        english_runs(page.locator(f"#add-to-agenda-{case.id}").evaluate("e => e.outerHTML"), allow=ALLOW)
        == []
    )
    page.locator(f"#add-to-agenda-{case.id} button[type=submit]").click()
    expect(page.locator(f"#add-to-agenda-{case.id} [role=status]")).to_be_visible()
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.case == case
    page.context.clear_cookies()

    # --- The chair: records the decision on the meeting page and signs.
    login(page, "chair", PASSWORD)
    page.goto(f"/mdt/{meeting.id}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert _english(page) == []
    row = page.locator(f"#item-{item.id}")
    row.locator(f"#decision-{item.id} summary").click()  # the decision form opens when asked for
    expect(row.locator('input[name$="decision"][value="accept"]')).to_be_visible()
    assert _english(page) == []  # the form fetched into the page reads in Chinese too
    row.locator('input[name$="decision"][value="accept"]').check()
    row.locator(f'form[action*="/items/{item.id}/decision/"] button[type=submit]').click()
    page.wait_for_load_state()
    item.refresh_from_db()
    assert item.decision == "accept"
    page.goto(f"/mdt/{meeting.id}/items/{item.id}/sign/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "张伟" in page.get_by_test_id("attestation").inner_text()
    assert _english(page) == []
    password = page.locator('input[name="password"]')
    password.fill(PASSWORD)
    password.locator("xpath=ancestor::form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    report = SignedReport.objects.get(case=case)
    assert (report.version, report.decision, report.signed_by.username) == (1, "accept", "chair")
    case.refresh_from_db()

    # --- The signed report page, in Chinese.
    page.goto(f"/cases/{case.id}/report/")
    _assert_chinese(page)
    assert "多学科团队（MDT）会议主席（外科医生）" in page.locator("body").inner_text()
    text = page.locator("body").inner_text()
    for words in ("胃肠间质瘤", "改良NIH危险度分级", "高危", "伊马替尼", "张伟"):
        assert words in text, words
    _shots(page, "07-report")
    _no_horizontal_overflow(page)

    # --- Its PDF: the stored signed document, Chinese, with the patient's name family name first.
    response = page.request.get(f"/cases/{case.id}/report.pdf")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf == bytes(report.pdf)  # the signed bytes, not a re-rendering
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "zh-walk-report.pdf"
    pdf_path.write_bytes(pdf)
    body = re.sub(r"\s+", "", " ".join(pdf_pages_text(pdf)))
    for words in ("胃肠间质瘤", "改良NIH危险度分级", "高危", "伊马替尼", "张伟", MRN):
        assert words in body, words
    if shutil.which("pdftotext"):
        plain = subprocess.run(
            ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "伊马替尼" in re.sub(r"\s+", "", plain)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf_path),
                str(ARTIFACTS / "zh-walk-pdf"),
            ],
            check=True,
        )

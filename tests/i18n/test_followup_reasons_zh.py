"""The reasons the treatment course writes on follow-up items (stored in English: "Scan entered", "Closed: scan of 22
May 2016 entered in the treatment course") read in Chinese on the worklist and a case's follow-up page (found by a
reviewer's walk: they were printed as stored)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from cases.course.texts import followup_reason
from tests.i18n.textcheck import english_runs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        ("Scan entered", "已录入影像检查"),
        ("Drug level entered", "已录入血药浓度"),
        ("Progression on imatinib", "伊马替尼治疗中疾病进展"),
        (
            "Closed: scan of 22 May 2016 entered in the treatment course",
            "已关闭：2016年5月22日的影像检查已录入治疗过程",
        ),
        (
            "Closed: trough level of 03 Feb 2026 entered in the treatment course",
            "已关闭：2026年2月3日的谷浓度已录入治疗过程",
        ),
        ("Cancelled: no trough level is measured for sunitinib", "已取消：舒尼替尼不测定谷浓度"),
        ("Cancelled: the dose change it came from was deleted", "已取消：其来源的剂量调整已删除"),
        ("Cancelled: the scan no longer computes progression", "已取消："),
        ("Cancelled: an adjuvant line has no response to assess", "已取消：辅助治疗线没有可评估的疗效"),
        ("Open again: the scan that closed it was deleted", "重新打开：关闭此项的影像检查已删除"),
        ("MDT report amended (version 2)", "多学科团队报告已修订（第2版）"),
        ("Therapy line deleted", "治疗线已删除"),
        ("Therapy line deleted (with it)", "治疗线已删除（随之删除）"),
    ],
)
def test_a_reason_the_course_wrote_reads_in_chinese(stored, chinese):
    with translation.override("zh-hans"):
        shown = followup_reason(stored)
    assert shown.startswith(chinese)
    assert english_runs(shown) == []
    with translation.override("en"):
        assert followup_reason(stored) == stored


def test_a_reason_typed_by_a_nurse_is_printed_as_typed():
    with translation.override("zh-hans"):
        assert followup_reason("复查 CT after clinic") == "复查 CT after clinic"
        assert (
            followup_reason("Appointment deleted") == "Appointment deleted"
        )  # not a record the course deletes
        assert followup_reason("") == ""


def test_the_worklist_prints_the_course_reason_in_chinese(client, surgeon, nurse):
    from cases.models import UserProfile
    from tests.course.helpers import scan
    from tests.factories import make_case

    case = make_case(owner=surgeon)
    scan(case, surgeon, date(2026, 3, 1), ("liver", 20))
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)
    html = client.get("/followups/", {"tab": "all"}).content.decode()
    assert "已录入影像检查" in html
    assert "Scan entered" not in html


def test_the_case_history_prints_the_codes_reasons_in_chinese(client, surgeon):
    """The audit trail printed "MDT report signed (version 1)" and a case's MDT flag reason as stored (found by a
    reviewer's walk)."""
    from django.urls import reverse

    from cases.followups.services import followups_regenerate
    from cases.models import Case, UserProfile
    from tests.factories import make_case

    case = make_case(owner=surgeon)
    followups_regenerate(case=case, user=surgeon, reason="MDT report signed (version 1)")
    case = Case.objects.get(pk=case.pk)
    case.needs_mdt_review = True
    case.mdt_review_reason = "Scan of 01 Sep 2020 computes progression (RECIST 1.1 PD): re-discuss"
    case.save()
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    html = client.get(reverse("audit:history", args=[case.pk])).content.decode()
    assert "多学科团队报告已签署（第1版）" in html
    assert "2020年9月1日的影像检查" in html
    assert "MDT report signed" not in html
    assert "computes progression" not in html


def test_the_worklist_says_in_chinese_where_a_course_items_interval_comes_from(client, surgeon, nurse):
    """The interval's source (a local default, after ESMO 2022) is shown when the nurse points at "interval": it
    was English on the Chinese worklist (found by a reviewer's walk)."""
    import re

    from cases.models import UserProfile
    from tests.course.helpers import line
    from tests.factories import make_case

    case = make_case(owner=surgeon)
    line(case, surgeon)  # a new line: a scan due 3 months later, a local default
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)
    html = client.get("/followups/", {"tab": "all"}).content.decode()
    titles = re.findall(r'title="([^"]*本地默认值[^"]*)"', html)
    assert titles
    assert "Local default" not in html


def test_the_interval_sources_translated_are_the_rule_datas_wording():
    from cases.course.texts import INTERVAL_SOURCES
    from guidelines.rulesets.course_worklist import LOCAL_DEFAULT_LEVEL, LOCAL_DEFAULT_SCAN

    assert set(INTERVAL_SOURCES) == {LOCAL_DEFAULT_SCAN, LOCAL_DEFAULT_LEVEL}


def test_a_deleted_therapy_lines_items_and_history_read_in_chinese(client, surgeon, nurse):
    """Built through the services that store the reasons ("Cancelled: the therapy line it came from was deleted",
    "Therapy line deleted"), as the pages read them."""
    from django.urls import reverse

    from cases.course import services as svc
    from cases.models import UserProfile
    from tests.course.helpers import line
    from tests.factories import make_case

    case = make_case(owner=surgeon)
    therapy = line(case, surgeon)  # a new line: a scan due 3 months later
    svc.record_delete(obj=therapy, user=surgeon)
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)
    html = client.get(f"/followups/case/{case.pk}/").content.decode()
    assert "已取消：其来源的治疗线已删除" in html
    assert "it came from" not in html
    UserProfile.objects.create(user=surgeon, language="zh-hans")
    client.force_login(surgeon)
    html = client.get(reverse("audit:history", args=[case.pk])).content.decode()
    assert "治疗线已删除" in html
    assert "Therapy line deleted" not in html
    assert "it came from" not in html

"""CSV downloads open in Excel with Chinese (issue 15): UTF-8 with a byte-order mark at the start of every CSV the
app serves (Excel reads a CSV without one in the PC's legacy code page, and 张伟 turns into mojibake), Chinese
names round-trip, the follow-up export's header and states are in the reader's language, and the formula guard
(cases/csv_safe.py) still applies."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases import roles
from cases.followups.services import item_add_manual
from cases.interop.register_import import register_import
from cases.models import UserProfile
from tests.exports import exported_csv
from tests.factories import PatientFactory, make_case, make_user

pytestmark = pytest.mark.django_db

BOM = "\ufeff"


@pytest.fixture
def chinese_item():
    with time_machine.travel(date(2026, 6, 1), tick=False):
        patient = PatientFactory(family_name="张", given_name="=1+1", mrn="ZH0000002", phone="13800138000")
        case = make_case(surgery_date=None, patient=patient)
        item_add_manual(case=case, user=None, due_date=date(2026, 5, 1), modality="ct_or_mri", reason="复查")
        yield case


def _download(client, **params) -> str:
    with time_machine.travel(date(2026, 6, 1), tick=False):
        response = exported_csv(client, {"tab": "all", **params})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode("utf-8")


def test_the_follow_up_export_starts_with_a_bom_and_keeps_chinese_names(client, chinese_item):
    client.force_login(make_user(role=roles.NURSE))
    text = _download(client)
    assert text.startswith(BOM + "due_date,")  # English reader: the header is unchanged after the BOM
    assert text.count(BOM) == 1
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert rows[0]["family_name"] == "张"
    assert rows[0]["given_name"] == "'=1+1"  # the formula guard still applies
    assert rows[0]["state"] == "overdue"


def test_the_follow_up_export_is_chinese_for_a_chinese_reader(client, chinese_item):
    nurse = make_user(role=roles.NURSE)
    UserProfile.objects.create(user=nurse, language="zh-hans")
    client.force_login(nurse)
    text = _download(client)
    assert text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    row = rows[0]
    assert row["到期日"] == "2026-05-01"  # ISO dates stay: a spreadsheet sorts them
    assert row["姓"] == "张"
    assert row["名"] == "'=1+1"
    assert row["状态"] == "已逾期"
    assert row["检查项目"] == "腹盆腔CT或MRI"
    # Excel's own reading: the bytes decoded as UTF-8 with signature give the same Chinese text.
    assert "张" in text.encode("utf-8").decode("utf-8-sig")


def test_the_register_template_starts_with_a_bom_and_still_imports(client):
    admin = make_user(role="Administrator", username="zhregistrar")
    client.force_login(admin)
    response = client.get(reverse("interop:register_template"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM.encode("utf-8") + b"mrn,")
    report = register_import(content=response.content, filename="template.csv", user=admin, dry_run=True)
    assert not report.errors

"""The printable follow-up list (/followups/print/): every cell of every row, in English and in Chinese.

The rows are drawn by Jinja2 from values prepared once a page (issue 16: 2,000 rows through Django's engine took
0.4-0.6 s, about 400x the bare view); what each cell prints is fixed here, worked out from the items below."""

import re
import uuid
from datetime import date
from html import unescape

import pytest
import time_machine

from cases import roles
from cases.followups.services import item_add_manual, item_mark_done
from cases.models import FollowUpItem
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 6, 1), tick=False):
        yield


@pytest.fixture
def items():
    owner = make_user(role=roles.SURGEON, username="owner", first_name="Ada", last_name="Byron")
    anna = make_user(role=roles.NURSE, username="anna", first_name="Anna", last_name="Nightingale")
    stomach = make_case(surgery_date=None, owner=owner)
    patient = stomach.patient
    patient.given_name, patient.family_name = "Grace", "<Hopper>"
    patient.mrn, patient.phone, patient.preferred_contact = "MRN<1>", "+44 20 7946 0001", "email"
    patient.save()
    rectum = make_case(site="rectum", surgery_date=None, owner=owner)
    other = rectum.patient
    other.given_name, other.family_name, other.mrn, other.phone = "伟", "张", "Z0002", ""
    other.save()
    overdue = item_add_manual(
        case=stomach,
        user=None,
        due_date=date(2026, 5, 1),
        modality="ct_or_mri",
        reason="t",
        responsible_nurse=anna,
    )
    due = item_add_manual(
        case=rectum, user=None, due_date=date(2026, 6, 2), modality="mri", reason="t", window_days=7
    )
    # Made by the treatment course: its kind says what it is for, not its phase.
    FollowUpItem.objects.filter(pk=due.pk).update(course_record=uuid.uuid4(), source="dose_scan")
    done = item_add_manual(case=rectum, user=None, due_date=date(2026, 5, 20), modality="mri", reason="t")
    item_mark_done(
        item=FollowUpItem.objects.get(pk=done.pk),
        user=anna,
        expected_version=done.version,
        completed_date=date(2026, 5, 21),
        result="ned",
    )
    return overdue, due, done


def _cells(body: str) -> list[list[str]]:
    """Each row of the table's body as the text of its cells (tags dropped, a line break a space, spaces collapsed)."""
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append(
            [" ".join(unescape(re.sub(r"<[^>]+>", "", cell.replace("<br>", " "))).split()) for cell in cells]
        )
    return rows


def test_every_cell_of_the_printable_list(client, items):
    client.force_login(make_user(role=roles.NURSE))
    body = client.get("/followups/print/", {"tab": "all"}).content.decode()
    # By due date: overdue 1 May (window ± 14 days: 17 Apr to 15 May), done 20 May (± 14: 6 Jun), due 2 Jun (± 7).
    assert _cells(body) == [
        [
            "01 May 2026",
            "17 Apr–15 May 2026",
            "overdue",
            "<HOPPER>, Grace",
            "MRN<1>",
            "+44 20 7946 0001",
            "Email",
            "CT or MRI (abdomen and pelvis) Added by hand",
            "Ada Byron",
            "Anna Nightingale",
            "",
        ],
        [
            "20 May 2026",
            "06 May–03 Jun 2026",
            "done",
            "张, 伟",
            "Z0002",
            "",
            "Phone",
            "MRI Added by hand",
            "Ada Byron",
            "—",
            "",
        ],
        [
            "02 Jun 2026",
            "26 May–09 Jun 2026",
            "due",
            "张, 伟",
            "Z0002",
            "",
            "Phone",
            "MRI Scan due after dose change",
            "Ada Byron",
            "—",
            "",
        ],
    ]
    # Each name isolated (<bdi>: a name in a right-to-left script stays in its place), every value escaped.
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", body, re.S).group(1)
    assert '<td data-label="Patient"><bdi>&lt;HOPPER&gt;</bdi>, <bdi>Grace</bdi></td>' in first_row
    assert '<td data-label="Surgeon"><bdi>Ada Byron</bdi></td>' in first_row
    assert '<td data-label="Nurse"><bdi>Anna Nightingale</bdi></td>' in first_row
    assert "&lt;HOPPER&gt;" in body
    assert "<HOPPER>" not in body
    assert "<bdi>MRN&lt;1&gt;</bdi>" in body


def test_every_cell_of_the_printable_list_in_chinese(client, items):
    nurse = make_user(role=roles.NURSE)
    client.force_login(nurse)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    body = client.get("/followups/print/", {"tab": "all"}).content.decode()
    # Dates, states and labels in the catalogue's words; names family name first, without a comma.
    assert _cells(body) == [
        [
            "2026年5月1日",
            "4月17日–2026年5月15日",
            "已逾期",
            "<Hopper> Grace",
            "MRN<1>",
            "+44 20 7946 0001",
            "电子邮件",
            "腹盆腔CT或MRI 手动添加",
            "Byron Ada",
            "Nightingale Anna",
            "",
        ],
        [
            "2026年5月20日",
            "5月6日–2026年6月3日",
            "已完成",
            "张伟",
            "Z0002",
            "",
            "电话",
            "MRI 手动添加",
            "Byron Ada",
            "—",
            "",
        ],
        [
            "2026年6月2日",
            "5月26日–2026年6月9日",
            "当前到期",
            "张伟",
            "Z0002",
            "",
            "电话",
            "MRI 剂量调整后待影像复查",
            "Byron Ada",
            "—",
            "",
        ],
    ]
    assert "随访列表" in body


@pytest.mark.parametrize(("language", "words"), [("en", "No items."), ("zh-hans", "无项目。")])
def test_an_empty_list_says_so(client, items, language, words):
    client.force_login(make_user(role=roles.NURSE))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    body = client.get("/followups/print/", {"tab": "upcoming"}).content.decode()
    assert _cells(body) == [[words]]


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        (
            "en",
            ["Due", "Window", "State", "Patient", "MRN", "Phone", "Prefers", "Examination", "Surgeon", "Nurse",
             "Done / note"],
        ),
        ("zh-hans", None),
    ],
)  # fmt: skip
def test_each_cell_carries_its_columns_name_for_a_phone(client, items, language, headers):
    # On a phone or a tablet (under 1,400 px) each row is a card and each cell says what it is ("Phone: +44 ...";
    # followups.css):
    # the table, eleven columns wide, made the whole page scroll sideways (1,210 px for a 390 px screen).
    client.force_login(make_user(role=roles.NURSE))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    body = client.get("/followups/print/", {"tab": "all"}).content.decode()
    thead = body.split("<thead>", 1)[1].split("</thead>", 1)[0]
    names = [unescape(name) for name in re.findall(r"<th[^>]*>(.*?)</th>", thead, re.S)]
    if headers:
        assert names == headers
    else:
        assert (names[0], names[5], len(names)) == ("到期日", "电话", 11)
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    assert len(rows) == 3
    for row in rows:
        assert [unescape(label) for label in re.findall(r'<td[^>]* data-label="([^"]*)"', row)] == names


def test_a_column_name_is_escaped_wherever_it_is_written(client, items, monkeypatch):
    # The names are written into the rows' template once a language (rows._print_rows_template): a name from the
    # catalogue is text, never markup or template code.
    from cases.followups import rows

    odd = 'Tel "<x>" {% endraw %}{{ rows.__class__ }}{% raw %} \'&'
    names = [odd if name == "Phone" else name for name in rows.PRINT_COLUMNS]
    monkeypatch.setattr(rows, "print_columns", lambda: names)
    rows._print_rows_template.cache_clear()
    client.force_login(make_user(role=roles.NURSE))
    try:
        body = client.get("/followups/print/", {"tab": "all"}).content.decode()
    finally:
        rows._print_rows_template.cache_clear()
    labels = re.findall(r'<td[^>]* data-label="([^"]*)"', body)
    assert len(labels) == 33
    assert [unescape(label) for label in labels[:11]] == names
    assert "__class__" in unescape(labels[5])
    assert "<class" not in body


def test_the_column_names_follow_a_new_catalogue(client, items, settings, tmp_path):
    # A settings change (a test's languages or catalogues) forgets the names written into the template, as the
    # other kept words are forgotten.
    client.force_login(make_user(role=roles.NURSE))
    first = client.get("/followups/print/", {"tab": "all"}).content.decode()
    assert 'data-label="Phone"' in first
    settings.LANGUAGE_CODE = "en-us"
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    chinese = client.get("/followups/print/", {"tab": "all"}).content.decode()
    assert 'data-label="电话"' in chinese
    from cases.followups import rows

    assert rows._print_rows_template.cache_info().currsize >= 1
    settings.LANGUAGE_CODE = "en-gb"
    assert rows._print_rows_template.cache_info().currsize == 0
    assert rows._worded.cache_info().currsize == 0

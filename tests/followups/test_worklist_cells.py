"""The worklist row's cells are rendered by Jinja2 (templates/jinja2/followups/worklist_row.html; issue 16): what
the Django template printed, escaped the same way, in both languages, and a value the row lacks is an error, not
a blank cell."""

from __future__ import annotations

import re
from datetime import date

import jinja2
import pytest
import time_machine
from django.template import engines
from django.urls import reverse

from cases import roles
from cases.followups import services as svc
from cases.models import EscalationStep
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

DUE = date(2026, 9, 1)  # window ± 14 days: 18 Aug – 15 Sep 2026
TODAY = date(2026, 10, 2)  # overdue


def _item(**patient):
    with time_machine.travel(date(2026, 8, 1), tick=False):
        case = make_case(surgery_date=None, **patient)
        return svc.item_add_manual(
            case=case, user=None, due_date=DUE, modality="ct_or_mri", reason="planned", window_days=14
        )


def _row(client, item, language: str = "en") -> str:
    client.force_login(make_user("nurse", role=roles.NURSE))
    client.cookies["django_language"] = language
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("followups:list"), {"tab": "overdue"}).content.decode()
    found = re.search(rf'<tbody id="item-{item.pk}".*?</tbody>', page, re.S)
    assert found, "the item's row is on the worklist"
    return found.group(0)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_escalated_row_says_which_step_since_when_and_its_outcome(client):
    item = _item()
    step = EscalationStep.objects.create(item=item, step="second_contact", opened_on=date(2026, 9, 16))
    row = _text(_row(client, item))
    assert "Escalation: Second contact since 16 Sep 2026 · outcome to record" in row
    assert "01 Sep 2026" in row  # the due date
    assert "± 14 d (18 Aug – 15 Sep 2026)" in row  # the window
    assert "Overdue" in row

    step.outcome = "no_answer"
    step.save()
    assert "Escalation: Second contact since 16 Sep 2026 · No answer / no reply" in _text(_row(client, item))


def test_the_escalation_in_chinese(client):
    item = _item()
    EscalationStep.objects.create(
        item=item, step="second_contact", opened_on=date(2026, 9, 16), outcome="no_answer"
    )
    row = _text(_row(client, item, "zh-hans"))
    # locale/zh_Hans: "Escalation: %(step)s" 升级处理：%(step)s; "Second contact" 第二次联系; "since %(date)s"
    # 自%(date)s起; "No answer / no reply" 无人接听/未回复
    assert "升级处理：第二次联系" in row
    assert "起 · 无人接听/未回复" in row


def test_what_a_user_typed_is_escaped_in_the_cells(client):
    item = _item(patient__family_name="O'Brien<script>alert(1)</script>", patient__given_name='Ann"a')
    item.reason = "<b>planned</b> & <i>urgent</i>"
    item.save()
    row = _row(client, item)
    assert "<script" not in row.lower()
    assert "<b>" not in row
    assert "O&#39;BRIEN&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in row  # family names in capitals (English)
    assert "Ann&#34;a" in row
    assert "&lt;b&gt;planned&lt;/b&gt; &amp; &lt;i&gt;urgent&lt;/i&gt;" in row


def test_a_value_the_row_lacks_is_an_error_not_a_blank_cell():
    cells = engines["jinja2"].get_template("followups/worklist_row.html")
    with pytest.raises(jinja2.UndefinedError):
        cells.render({"row": object(), "words": object(), "can_act": True, "can_review": True})


def test_a_row_swapped_in_alone_has_the_tbody_of_the_page(client):
    """A page of rows is placed in its <tbody> elements by Jinja2 (templates/jinja2/followups/worklist_rows.html);
    one row swapped in by htmx (an action's "Close") by the partial followups/worklist.html#item: the same element,
    which htmx targets by its id."""
    item = _item()
    page = _row(client, item)
    with time_machine.travel(TODAY, tick=False):
        alone = client.get(
            reverse("followups:item_action", kwargs={"item_id": item.pk, "action": "row"}),
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="item",
        ).content.decode()
    opening = re.compile(r"<tbody[^>]*>")
    assert opening.search(page).group(0) == opening.search(alone).group(0)
    assert opening.search(page).group(0) == f'<tbody id="item-{item.pk}" class="followup-item state-overdue">'
    assert _text(page) == _text(alone)

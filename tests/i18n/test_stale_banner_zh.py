"""The "Changed since signed" banner counts its changes in Chinese (its English: tests/mdt/test_stale_banner_long.py)."""

from __future__ import annotations

import pytest

from cases.models import UserProfile
from tests.factories import contract_example_case, signed_report
from tests.mdt.test_stale_banner_long import _banner, _changed

pytestmark = pytest.mark.django_db


def test_the_banner_counts_in_chinese(client, coordinator, chair, surgeon):
    case = contract_example_case()
    signed_report(coordinator=coordinator, chair=chair, case=case)
    _changed(case, [1, 2, 3, 4, 5, 6, 7])
    UserProfile.objects.update_or_create(user=surgeon, defaults={"language": "zh-hans"})
    client.force_login(surgeon)
    banner = _banner(client, case)
    assert "第 1 版签署后共有 7 处修改。最近的几处：" in banner
    assert "显示更早的 2 处修改" in banner

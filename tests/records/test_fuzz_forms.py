"""Arbitrary data posted to every form of the app: never a 500.

The forms are discovered by walking every page (as an administrator, who sees every form) and reading their
fields, so forms added later are fuzzed without editing this file. Values mix the options a page offers with
arbitrary text, numbers and dates.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.formscan import find_forms
from tests.urlwalk import walk_pages
from tests.world import make_world

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
SKIP_ACTIONS = ("/accounts/logout/",)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "9" * 30,
            "2026-02-30",
            "31/12/2026",
            "<script>x</script>",
            "\x00",
            "' OR 1=1 --",
            "😀" * 5,
            "a" * 5000,
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)


def _value_strategy(offered: list[str]):
    if offered:
        return st.one_of(st.sampled_from(offered), nasty_text, st.lists(st.sampled_from(offered), max_size=3))
    return st.one_of(nasty_text, st.lists(nasty_text, max_size=2))


def _data_strategy(fields: dict[str, list[str]]):
    # Each field: absent, or a value; plus an unexpected extra field now and then.
    entries = {name: st.one_of(st.none(), _value_strategy(offered)) for name, offered in fields.items()}
    return st.fixed_dictionaries(entries).map(lambda d: {k: v for k, v in d.items() if v is not None})


def _discover(client, world):
    forms = {}
    for _route, path, response in walk_pages(client, world):
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for form in find_forms(path, response.content.decode()):
                if form.action not in SKIP_ACTIONS:
                    forms.setdefault((form.action, tuple(sorted(form.fields))), form)
    return list(forms.values())


@pytest.mark.django_db
def test_no_form_answers_arbitrary_data_with_a_500(client):
    world = make_world()
    admin = world.users["admin"]
    client.force_login(admin)
    forms = _discover(client, world)
    assert forms, "the walk found no forms"
    for form in forms:
        _fuzz_form(client, admin, form)


def _fuzz_form(client, user, form):
    @FUZZ
    @given(data=_data_strategy(form.fields))
    def fuzz(data):
        client.force_login(user)
        response = client.post(form.action, {**form.hidden, **data})
        assert response.status_code < 500, f"{form.action} <- {data!r}: {response.status_code}"

    fuzz()


@FUZZ
@given(
    username=nasty_text,
    password=nasty_text,
    extra=st.dictionaries(st.text(max_size=10), nasty_text, max_size=2),
)
def test_the_login_form_never_fails(client, db, username, password, extra):
    response = client.post(reverse("login"), {**extra, "username": username, "password": password})
    assert response.status_code in (200, 302, 429)

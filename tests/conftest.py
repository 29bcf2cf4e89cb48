"""Shared fixtures: one user per persona the MDT pages care about."""

from __future__ import annotations

import pytest

from cases import roles
from tests.factories import user_in_role


@pytest.fixture
def coordinator(db):
    return user_in_role(roles.COORDINATOR, username="coordinator", first_name="Cora", last_name="Ordinator")


@pytest.fixture
def chair(db):
    return user_in_role(
        roles.SURGEON, chair=True, username="chair", first_name="Charles", last_name="Chairman"
    )


@pytest.fixture
def surgeon(db):
    return user_in_role(roles.SURGEON, username="surgeon", first_name="Sue", last_name="Surgeon")


@pytest.fixture
def nurse(db):
    return user_in_role(roles.NURSE, username="nurse", first_name="Nora", last_name="Nurse")


@pytest.fixture
def outsider(db):
    return user_in_role(None, username="outsider")

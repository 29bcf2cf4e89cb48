import pytest

from cases import roles
from tests.factories import PASSWORD, CoordinatorFactory, NurseFactory, SurgeonFactory, make_user


@pytest.fixture
def surgeon(db):
    return SurgeonFactory(username="surgeon", first_name="Sam", last_name="Cutter")


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(username="coordinator")


@pytest.fixture
def nurse(db):
    return NurseFactory(username="nurse")


@pytest.fixture
def surgeon_client(client, surgeon):
    client.force_login(surgeon)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def chair(db):
    """An MDT chair: a surgeon who also holds cases.sign_report."""
    return make_user(
        role=roles.SURGEON, chair=True, username="chair", first_name="Charles", last_name="Chairman"
    )


@pytest.fixture
def outsider(db):
    """A user with no role at all."""
    return make_user(role=None, username="outsider")

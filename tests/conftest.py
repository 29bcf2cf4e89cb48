import pytest

from tests.factories import PASSWORD, CoordinatorFactory, NurseFactory, SurgeonFactory


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

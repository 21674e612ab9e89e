import pytest

from signing import services
from tests.registrations.states import Cast


@pytest.fixture
def cast(db):
    """A ward's people, its leader named as the extract prints him, with a certificate of the test PKI."""
    cast = Cast()
    cast.leader.full_name, cast.leader.title = "Phan Đình Quý", "Phó Chủ tịch"
    cast.leader.save()
    services.certificate_issue_dev(user=cast.leader)
    return cast

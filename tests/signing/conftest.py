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


@pytest.fixture(scope="session")
def remote_provider(test_pki):
    """The remote-signing provider (certomancer-csc-dummy wrapped with codes and expiring activation)
    served on loopback for the run; the portal's CSC client points at it."""
    from django.conf import settings

    from signing.pki.remote import RemoteSigningProvider, ServedProvider

    served = ServedProvider(RemoteSigningProvider(test_pki.pki))
    original = settings.SIGNING
    settings.SIGNING = {**original, "csc_url": served.url}
    yield served.provider
    settings.SIGNING = original
    served.close()

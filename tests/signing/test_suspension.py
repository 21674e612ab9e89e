"""Suspension in the portal and revocation by the CA refuse signing at once, in words, with nothing
signed; what was signed before still verifies through its timestamps."""

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.management import call_command

from registrations.models import Bundle
from signing import pdf, services
from signing.models import Extract, SignerCertificate
from signing.pki.service import revoke
from signing.suspension import signing_suspend
from tests.factories import UserFactory
from tests.signing.test_signing import registered_with_personal_id, signed_bytes

pytestmark = pytest.mark.usefixtures("divisions")


def test_a_suspended_leader_is_refused_at_once_and_resumes_by_command(cast):
    before = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    waiting = registered_with_personal_id(cast)
    call_command("signing_suspend", cast.leader.username, "--reason", "Đang nghỉ phép")
    with pytest.raises(services.SigningRefused, match="tạm dừng.*Đang nghỉ phép"):
        services.bundle_sign_extract(bundle=waiting, leader=cast.leader)
    assert Bundle.objects.get(pk=waiting.pk).state == "registered" and not waiting.extracts.exists()
    assert pdf.validate(signed_bytes(before), trust_roots=settings.SIGNING["trust_roots"]).ok
    call_command("signing_suspend", cast.leader.username, "--resume")
    assert services.bundle_sign_extract(bundle=waiting, leader=cast.leader).version == 1


def test_the_signing_page_says_why_in_words(cast, client):
    signing_suspend(user=cast.leader, actor=None, reason="Chờ kết luận thanh tra")
    client.force_login(cast.leader)
    page = client.get("/ky-so/").content.decode()
    assert "tạm dừng" in page and "Chờ kết luận thanh tra" in page


def test_an_administrator_suspends_from_the_admin(cast, client):
    admin = UserFactory(admin=True)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    certificate = SignerCertificate.objects.get(user=cast.leader, active=True)
    client.post(
        "/quan-tri/signing/signercertificate/", {"action": "suspend", "_selected_action": [certificate.pk]}
    )
    certificate.refresh_from_db()
    assert certificate.suspended_at is not None
    with pytest.raises(services.SigningRefused):
        services.certificate_for(cast.leader)


def test_a_certificate_the_ca_revoked_is_refused_at_signing_and_earlier_extracts_still_verify(cast, test_pki):
    before = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    record = SignerCertificate.objects.get(user=cast.leader, active=True)
    with open(record.pkcs12_path, "rb") as handle:
        serial = pkcs12.load_key_and_certificates(handle.read(), settings.SIGNING["passphrase"].encode())[1]
    revoke(test_pki.pki, serial=serial.serial_number, at=datetime.now(UTC).replace(microsecond=0))
    waiting = registered_with_personal_id(cast)
    with pytest.raises(services.SigningRefused, match="thu hồi"):
        services.bundle_sign_extract(bundle=waiting, leader=cast.leader)
    assert Bundle.objects.get(pk=waiting.pk).state == "registered"
    assert Extract.objects.filter(bundle=waiting).count() == 0
    verdict = pdf.validate(signed_bytes(before), trust_roots=settings.SIGNING["trust_roots"])
    assert verdict.ok, "signed before the revocation: its timestamp proves it"

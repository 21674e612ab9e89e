"""A leader's key on a PKCS#11 token (SoftHSM2): generated on the token, never extractable, opened by
the PIN the leader types for a batch, which is never stored or logged."""

import logging

import pytest
from django.conf import settings

from portal.audit.models import AuditEvent
from registrations.models import Bundle
from signing import pdf, services
from signing.models import Extract, KeyHolding
from tests.conftest import require_tool
from tests.signing.test_signing import registered_with_personal_id, signed_bytes

pytestmark = pytest.mark.usefixtures("divisions")
PIN, SO_PIN = "246810", "13579111"


@pytest.fixture
def token_leader(cast):
    require_tool("softhsm2-util")
    certificate = services.certificate_issue_token(user=cast.leader, pin=PIN, so_pin=SO_PIN)
    assert certificate.holding == KeyHolding.PKCS11 and not certificate.pkcs12_path
    return cast


def test_a_key_generated_on_the_token_signs_a_batch_of_five_b_lta(token_leader, caplog):
    caplog.set_level(logging.DEBUG)
    bundles = [registered_with_personal_id(token_leader) for _ in range(5)]
    outcomes = services.bundles_sign_batch(bundles=bundles, leader=token_leader.leader, pin=PIN)
    assert [o.error for o in outcomes] == [""] * 5
    for outcome in outcomes:
        verdict = pdf.validate(signed_bytes(outcome.extract), trust_roots=settings.SIGNING["trust_roots"])
        assert verdict.ok and verdict.long_term and token_leader.leader.full_name in verdict.signer
    assert PIN not in caplog.text


def test_the_key_cannot_be_taken_off_the_token(token_leader):
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    from signing import tokens

    certificate = token_leader.leader.signing_certificates.get(active=True)
    with tokens._token(certificate.token_label).open(user_pin=PIN) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=certificate.key_label)
        assert key[Attribute.EXTRACTABLE] is False and key[Attribute.SENSITIVE] is True
        with pytest.raises(pkcs11.AttributeSensitive):
            key[Attribute.PRIVATE_EXPONENT]


def test_a_wrong_pin_signs_nothing_and_is_audited(token_leader, client):
    bundles = [registered_with_personal_id(token_leader) for _ in range(3)]
    outcomes = services.bundles_sign_batch(bundles=bundles, leader=token_leader.leader, pin="000000")
    assert all(o.extract is None and "PIN" in o.error for o in outcomes)
    assert not Extract.objects.filter(bundle__in=bundles).exists()
    assert Bundle.objects.filter(pk__in=[b.pk for b in bundles], state="registered").count() == 3
    refused = AuditEvent.objects.filter(action="signing.pin_refused", actor_id=token_leader.leader.pk)
    assert refused.count() == 1 and "000000" not in str(refused.get().data)


def test_the_signing_page_asks_for_the_pin_and_the_pin_is_kept_nowhere(token_leader, client):
    bundle = registered_with_personal_id(token_leader)
    client.force_login(token_leader.leader)
    page = client.get("/ky-so/").content.decode()
    assert "Mã PIN của thiết bị ký số" in page and "Nhập lại mật khẩu" not in page
    response = client.post(
        "/ky-so/", {"bundles": [str(bundle.public_id)], "pin": PIN, "confirm": "on"}, follow=True
    )
    assert "Đã ký số 1 trích lục." in response.content.decode()
    assert PIN not in str(dict(client.session))
    for event in AuditEvent.objects.all():
        assert PIN not in str(event.data)
    from signing.models import SignerCertificate

    for row in SignerCertificate.objects.values():
        assert PIN not in str(row)


def test_a_reissue_with_a_token_needs_its_pin(token_leader, django_capture_on_commit_callbacks):
    from signing.models import ReissueRequest

    extract = services.bundle_sign_extract(
        bundle=registered_with_personal_id(token_leader), leader=token_leader.leader, pin=PIN
    )
    ReissueRequest.objects.create(bundle=extract.bundle, reason="Cải chính thông tin hộ tịch")
    with pytest.raises(services.SigningRefused, match="PIN"):
        services.extract_reissue(bundle=extract.bundle, leader=token_leader.leader, pin="111111")
    second = services.extract_reissue(bundle=extract.bundle, leader=token_leader.leader, pin=PIN)
    assert second.version == 2


def test_the_signing_page_says_which_key_the_leader_holds(token_leader, client):
    registered_with_personal_id(token_leader)
    client.force_login(token_leader.leader)
    page = client.get("/ky-so/").content.decode()
    assert "Thiết bị ký số (HSM, PKCS#11)" in page and "một lần nhập mã cho cả các hồ sơ đã chọn" in page

"""A leader's key held by a remote-signing provider over the CSC API (certomancer-csc-dummy wrapped with
one-time codes and expiring activation, served on loopback): one code approves a batch, signed with one
authorisation and one signHash call; a wrong or expired code signs nothing; a batch beyond the
provider's limit needs as many approvals as the limit requires."""

import re

import pytest
import requests
import time_machine
from django.conf import settings
from django.utils import timezone

from portal.audit.models import AuditEvent
from registrations.models import Bundle
from signing import pdf, services
from signing.models import Extract, KeyHolding
from signing.pki import remote
from tests.signing.test_signing import registered_with_personal_id, signed_bytes

pytestmark = pytest.mark.usefixtures("divisions")


def last_code(provider) -> str:
    return re.search(r"\b(\d{6})\b", provider.messages()[0]).group(1)


@pytest.fixture
def remote_leader(cast, remote_provider):
    credential = remote_provider.enrol(
        username=cast.leader.username, full_name=cast.leader.full_name,
        organisation="UBND thử nghiệm", phone="0912345678",
    )  # fmt: skip
    certificate = services.certificate_register_remote(user=cast.leader, credential_id=credential)
    assert certificate.holding == KeyHolding.CSC and certificate.batch_limit == remote.MAX_SIGNATURES
    cast.credential = credential
    return cast


def calls(provider, credential: str) -> list[tuple[str, int, str]]:
    return [
        (entry["endpoint"], entry["hashes"], entry["error"])
        for entry in provider.log()
        if entry["credential"] == credential and entry["endpoint"] != "credentials/info"
    ]


def test_one_code_signs_a_batch_of_five_with_one_authorisation_and_one_request(
    remote_leader, remote_provider
):
    bundles = [registered_with_personal_id(remote_leader) for _ in range(5)]
    services.code_send(leader=remote_leader.leader)
    code = last_code(remote_provider)
    outcomes = services.bundles_sign_batch(bundles=bundles, leader=remote_leader.leader, code=code)
    assert [o.error for o in outcomes] == [""] * 5
    assert calls(remote_provider, remote_leader.credential) == [
        ("credentials/sendOTP", 0, ""),
        ("credentials/authorize", 5, ""),
        ("signatures/signHash", 5, ""),
    ]
    for outcome in outcomes:
        verdict = pdf.validate(signed_bytes(outcome.extract), trust_roots=settings.SIGNING["trust_roots"])
        assert verdict.ok and verdict.long_term and remote_leader.leader.full_name in verdict.signer
    # The code was spent: the same code again approves nothing.
    more = [registered_with_personal_id(remote_leader)]
    (again,) = services.bundles_sign_batch(bundles=more, leader=remote_leader.leader, code=code)
    assert again.extract is None and "Mã xác thực" in again.error


@pytest.mark.parametrize("late", [False, True], ids=["wrong code", "expired code"])
def test_a_wrong_or_expired_code_signs_nothing_and_is_audited(remote_leader, remote_provider, late):
    bundles = [registered_with_personal_id(remote_leader) for _ in range(3)]
    services.code_send(leader=remote_leader.leader)
    code = last_code(remote_provider)
    typed = code if late else f"{(int(code) + 1) % 10**6:06d}"
    with time_machine.travel(timezone.now() + (remote.CODE_SECONDS + 60) * (1 if late else 0) * _SECOND):
        outcomes = services.bundles_sign_batch(bundles=bundles, leader=remote_leader.leader, code=typed)
    assert all(o.extract is None and "Mã xác thực không đúng hoặc đã hết hạn" in o.error for o in outcomes)
    assert not Extract.objects.filter(bundle__in=bundles).exists()
    assert Bundle.objects.filter(pk__in=[b.pk for b in bundles], state="registered").count() == 3
    assert ("signatures/signHash", 3, "") not in calls(remote_provider, remote_leader.credential)
    refused = AuditEvent.objects.filter(action="signing.code_refused", actor_id=remote_leader.leader.pk)
    assert refused.count() == 1 and typed not in str(refused.get().data)


_SECOND = timezone.timedelta(seconds=1)


def test_a_batch_beyond_the_limit_takes_as_many_approvals_as_the_limit_requires(
    remote_leader, remote_provider
):
    limit = remote.MAX_SIGNATURES
    bundles = [registered_with_personal_id(remote_leader) for _ in range(limit + 2)]
    certificate = remote_leader.leader.signing_certificates.get(active=True)
    assert services.approval_plan(certificate, bundles).approvals == 2
    services.code_send(leader=remote_leader.leader)
    first = services.bundles_sign_batch(
        bundles=bundles, leader=remote_leader.leader, code=last_code(remote_provider)
    )
    assert sum(1 for o in first if o.extract) == limit
    waiting = [o.bundle for o in first if not o.extract]
    assert len(waiting) == 2 and all("tối đa 10 trích lục" in o.error for o in first if not o.extract)
    services.code_send(leader=remote_leader.leader)
    second = services.bundles_sign_batch(
        bundles=waiting, leader=remote_leader.leader, code=last_code(remote_provider)
    )
    assert all(o.extract for o in second)
    approvals = [
        c for c in calls(remote_provider, remote_leader.credential) if c[0] == "credentials/authorize"
    ]
    assert approvals == [("credentials/authorize", limit, ""), ("credentials/authorize", 2, "")]


# --- the provider itself: what it adds to the dummy ----------------------------------------------


def post(endpoint: str, body: dict) -> requests.Response:
    return requests.post(
        f"{settings.SIGNING['csc_url'].rstrip('/')}/csc/v1/{endpoint}", json=body, timeout=10
    )


def approve(provider, credential: str, hashes: list[str]) -> dict:
    post("credentials/sendOTP", {"credentialID": credential})
    answer = post("credentials/authorize", {"credentialID": credential, "numSignatures": len(hashes),
                                            "hash": hashes, "OTP": last_code(provider)})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()


DIGEST = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="  # base64 of a SHA-256


def sign_hash(credential: str, sad: str, hashes: list[str]) -> requests.Response:
    return post("signatures/signHash", {"credentialID": credential, "SAD": sad, "hash": hashes,
                                        "signAlgo": "1.2.840.10045.4.3.2"})  # fmt: skip


def test_activation_data_expires_is_used_once_and_covers_only_what_was_approved(
    remote_leader, remote_provider
):
    credential = remote_leader.credential
    activation = approve(remote_provider, credential, [DIGEST])
    assert activation["expiresIn"] == remote.ACTIVATION_SECONDS and len(activation["SAD"]) >= 32
    assert sign_hash(credential, activation["SAD"], [DIGEST, DIGEST]).status_code == 400  # more than approved
    assert sign_hash(credential, activation["SAD"], [DIGEST]).status_code == 200
    assert sign_hash(credential, activation["SAD"], [DIGEST]).json()["error"] == "invalid_request"  # reused
    late = approve(remote_provider, credential, [DIGEST])
    with time_machine.travel(timezone.now() + (remote.ACTIVATION_SECONDS + 5) * _SECOND):
        expired = sign_hash(credential, late["SAD"], [DIGEST])
    assert expired.status_code == 400 and "hết hạn" in expired.json()["error_description"]
    assert sign_hash(credential, "made-up", [DIGEST]).status_code == 400


def test_a_code_works_once_is_stored_hashed_and_an_approval_is_capped(remote_leader, remote_provider):
    credential = remote_leader.credential
    approve(remote_provider, credential, [DIGEST])
    code = last_code(remote_provider)
    reused = post(
        "credentials/authorize",
        {"credentialID": credential, "numSignatures": 1, "hash": [DIGEST], "OTP": code},
    )
    assert reused.json()["error"] == "invalid_otp"
    post("credentials/sendOTP", {"credentialID": credential})
    state = (remote_provider.directory / "state.json").read_text()
    assert last_code(remote_provider) not in state
    too_many = [DIGEST] * (remote.MAX_SIGNATURES + 1)
    capped = post("credentials/authorize", {"credentialID": credential, "numSignatures": len(too_many),
                                            "hash": too_many, "OTP": last_code(remote_provider)})  # fmt: skip
    assert capped.status_code == 400
    assert post("credentials/authorize", {"credentialID": "nha-cung-cap-ky-so/khong-co"}).status_code == 400
    post("credentials/sendOTP", {"credentialID": credential})
    right = last_code(remote_provider)
    for _ in range(remote.CODE_ATTEMPTS):  # guessing: the code is void after three wrong tries
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        post(
            "credentials/authorize",
            {"credentialID": credential, "numSignatures": 1, "hash": [DIGEST], "OTP": wrong},
        )
    late = post(
        "credentials/authorize",
        {"credentialID": credential, "numSignatures": 1, "hash": [DIGEST], "OTP": right},
    )
    assert late.json()["error"] == "invalid_otp"
    assert post("credentials/authorize", {}).status_code == 400


def test_the_signing_page_sends_a_code_says_what_it_covers_and_keeps_no_code(
    remote_leader, remote_provider, client
):
    bundles = [registered_with_personal_id(remote_leader) for _ in range(2)]
    client.force_login(remote_leader.leader)
    page = client.get("/ky-so/").content.decode()
    assert "Gửi mã xác thực" in page and "Nhập lại mật khẩu" not in page
    chosen = [str(b.public_id) for b in bundles]
    sent = client.post("/ky-so/", {"bundles": chosen, "action": "gui-ma"}).content.decode()
    assert "Mã này dùng để ký 2 trích lục" in sent
    for bundle in bundles:
        name = bundle.people.get(role="child").full_name
        assert name in sent and f'value="{bundle.public_id}" id="b-{bundle.public_id}" checked' in sent
    code = last_code(remote_provider)
    wrong = client.post("/ky-so/", {"bundles": chosen, "code": "", "confirm": "on"}).content.decode()
    assert "Trường này là bắt buộc" in wrong or "bắt buộc" in wrong
    done = client.post("/ky-so/", {"bundles": chosen, "code": code, "confirm": "on"}, follow=True)
    assert "Đã ký số 2 trích lục." in done.content.decode()
    assert code not in str(dict(client.session))
    assert all(code not in str(event.data) for event in AuditEvent.objects.all())


# --- the administrator chooses the holding ---------------------------------------------------------


@pytest.fixture
def admin_client(client):
    from tests.factories import UserFactory

    user = UserFactory(admin=True)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_the_admin_gives_a_leader_a_remote_key_or_a_file_and_says_what_is_missing(
    cast, remote_provider, admin_client, settings, test_pki
):
    from django.urls import reverse

    from signing import pki
    from signing.models import SignerCertificate

    url = reverse("admin:signing_signercertificate_assign")
    assert url in admin_client.get(reverse("admin:signing_signercertificate_changelist")).content.decode()
    missing = admin_client.post(url, {"leader": cast.leader.pk, "holding": "csc"})
    assert missing.status_code == 200 and "Cần điền cho cách giữ khoá đã chọn." in missing.content.decode()
    unknown = admin_client.post(
        url, {"leader": cast.leader.pk, "holding": "csc", "credential_id": "nha-cung-cap-ky-so/khong-co"}
    )
    assert "Dịch vụ ký số từ xa" in unknown.content.decode()
    assert SignerCertificate.objects.get(user=cast.leader, active=True).holding == "pkcs12"  # unchanged
    credential = remote_provider.enrol(
        username="qua-quan-tri", full_name=cast.leader.full_name, organisation="UBND"
    )
    done = admin_client.post(url, {"leader": cast.leader.pk, "holding": "csc", "credential_id": credential})
    assert done.status_code == 302
    current = SignerCertificate.objects.get(user=cast.leader, active=True)
    assert current.holding == "csc" and current.credential_id == credential and current.batch_limit == 10
    issued = pki.issue_signer(pki=test_pki.pki, passphrase=settings.SIGNING["passphrase"], username="tu-ca",
                              full_name=cast.leader.full_name, organisation="UBND")  # fmt: skip
    admin_client.post(url, {"leader": cast.leader.pk, "holding": "pkcs12", "pkcs12_path": str(issued.path)})
    assert SignerCertificate.objects.get(user=cast.leader, active=True).holding == "pkcs12"
    assert AuditEvent.objects.filter(action="signing.key_assigned").count() == 2


def test_only_an_administrator_assigns_keys(cast, client):
    from django.urls import reverse

    cast.clerk.is_staff = True
    cast.clerk.save()
    client.force_login(cast.clerk)
    answer = client.get(reverse("admin:signing_signercertificate_assign"))
    assert answer.status_code in (302, 403)

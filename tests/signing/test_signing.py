import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from registrations import services as bundle_services
from registrations.exceptions import ValidationFailed
from registrations.models import Bundle, Step
from signing import pdf, services
from signing.models import Extract, ReissueRequest
from tests.conftest import require_tool
from tests.factories import WARD_B, UserFactory
from tests.registrations.helpers import Api, birth_declaration, death_declaration
from tests.registrations.states import _send, build, step

pytestmark = pytest.mark.usefixtures("divisions")


def registered_with_personal_id(cast, declaration=None):
    bundle = build("registered", cast, declaration)
    if bundle.group == "birth":
        _send(step(bundle, "personal_id"))
        child = bundle.people.get(role="child")
        number = f"040{2 + (child.sex == 'female')}{child.date_of_birth.year % 100:02d}000777"
        bundle_services.step_record_result(step=step(bundle, "personal_id"), result={"personal_id": number})
    return Bundle.objects.get(pk=bundle.pk)


def signed_bytes(extract: Extract) -> bytes:
    with extract.pdf.open("rb") as handle:
        return handle.read()


def test_a_signed_extract_validates_against_the_development_root(cast):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    verdict = pdf.validate(signed_bytes(extract), trust_roots=settings.SIGNING["trust_roots"])
    assert verdict.intact and verdict.valid and verdict.trusted and verdict.whole_document
    assert "Phan Đình Quý" in verdict.signer
    bundle = Bundle.objects.get(pk=extract.bundle_id)
    assert bundle.state == "signed"
    assert set(bundle.steps.filter(state="pending").values_list("procedure", flat=True)) == {
        "permanent_residence",
        "health_insurance",
    }


def test_one_changed_byte_breaks_the_signature_and_the_upload_check(cast, client):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    original = signed_bytes(extract)
    tampered = bytearray(original)
    tampered[len(tampered) // 3] ^= 0x01
    assert not pdf.validate(bytes(tampered), trust_roots=settings.SIGNING["trust_roots"]).ok
    page = f"/verify/{extract.token}/"
    bad = client.post(page, {"file": SimpleUploadedFile("a.pdf", bytes(tampered), "application/pdf")})
    assert "KHÔNG phải bản gốc" in bad.content.decode()
    good = client.post(page, {"file": SimpleUploadedFile("a.pdf", original, "application/pdf")})
    assert "đúng là bản gốc" in good.content.decode()


def test_poppler_pdfsig_reports_a_valid_signature_and_a_trusted_certificate(cast, tmp_path):
    """NSS checks the leader's certificate online (OCSP) as a PDF reader does; with the test root and
    intermediate trusted, the leader's signature is valid and trusted. The document timestamps after
    it are the B-LTA archive (pdfsig does not check timestamps)."""
    require_tool("pdfsig")
    require_tool("certutil")
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    document = tmp_path / "extract.pdf"
    document.write_bytes(signed_bytes(extract))
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    pki_dir = settings.SIGNING["pki_dir"]
    for name, trust, path in (
        ("root", "CT,C,C", pki_dir / "root.pem"),
        ("interm", ",,", pki_dir / "interm.pem"),
    ):
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{nss}", "-n", name, "-t", trust, "-i", str(path)], check=True
        )
    result = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(document)], capture_output=True, text=True
    )
    leader = result.stdout.split("Signature #2:")[0]
    assert "Signer Certificate Common Name: Phan Đình Quý" in leader, result.stdout
    assert "Signature is Valid." in leader, result.stdout + result.stderr
    assert "Certificate is Trusted." in leader, result.stdout
    assert "Signature #2:" in result.stdout and "Timestamp-" in result.stdout  # the document timestamp


def test_pdftotext_returns_the_names_with_their_exact_diacritics(cast, tmp_path):
    require_tool("pdftotext")
    declaration = birth_declaration()
    declaration["child"]["full_name"] = "Nguyễn Thị Ánh Tuyết"
    declaration["child"]["sex"] = "female"
    declaration["father"]["full_name"] = "Đặng Văn Ổn"
    extract = services.bundle_sign_extract(
        bundle=registered_with_personal_id(cast, declaration), leader=cast.leader
    )
    document = tmp_path / "extract.pdf"
    document.write_bytes(signed_bytes(extract))
    text = subprocess.run(
        ["pdftotext", "-layout", str(document), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Nguyễn Thị Ánh Tuyết",
        "Đặng Văn Ổn",
        "Phan Đình Quý",
        "TRÍCH LỤC KHAI SINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "NGƯỜI KÝ TRÍCH LỤC",
        "Phó Chủ tịch",
        "Bản chính",
        "Độc lập - Tự do - Hạnh phúc",
    ):
        assert expected in text, expected
    assert Bundle.objects.get(pk=extract.bundle_id).people.get(role="child").id_number in text


def test_batch_signing_of_twenty_bundles_by_their_leader(cast, client):
    bundles = [
        registered_with_personal_id(cast, d)
        for d in [birth_declaration() for _ in range(12)] + [death_declaration() for _ in range(8)]
    ]
    # A leader of another ward sees none of them and cannot sign them.
    other = UserFactory(leader=True, ward_id=WARD_B)
    services.certificate_issue_dev(user=other)
    outcomes = services.bundles_sign_batch(bundles=bundles[:2], leader=other)
    assert all(o.extract is None for o in outcomes)
    assert Bundle.objects.filter(state="signed").count() == 0

    client.force_login(cast.leader)
    page = client.get("/ky-so/")
    assert page.status_code == 200 and all(b.code in page.content.decode() for b in bundles)
    refused = client.post(
        "/ky-so/", {"bundles": [str(b.public_id) for b in bundles], "confirm": "on", "password": "sai"}
    )
    assert "Mật khẩu không đúng" in refused.content.decode()
    assert Extract.objects.count() == 0
    done = client.post(
        "/ky-so/",
        {"bundles": [str(b.public_id) for b in bundles], "confirm": "on", "password": "mat-khau-thu-nghiem"},
        follow=True,
    )
    assert "Đã ký số 20 trích lục" in done.content.decode()
    assert Extract.objects.count() == 20
    for extract in Extract.objects.all():
        assert pdf.validate(signed_bytes(extract), trust_roots=settings.SIGNING["trust_roots"]).ok
    assert Bundle.objects.filter(state="signed").count() == 20
    due = Step.objects.filter(bundle__in=bundles, state="pending")
    assert due.values("bundle").distinct().count() == 20


def test_a_birth_without_its_personal_id_needs_the_clerks_override(cast):
    bundle = build("registered", cast)
    with pytest.raises(ValidationFailed):
        services.bundle_sign_extract(bundle=bundle, leader=cast.leader)
    assert not Extract.objects.exists()
    Step.objects.filter(pk=step(bundle, "personal_id").pk).update(
        deadline=timezone.now() - timedelta(hours=2)
    )
    bundle_services.bundle_issue_without_personal_id(bundle=bundle, actor=cast.clerk, reason="Quá hạn")
    extract = services.bundle_sign_extract(bundle=bundle, leader=cast.leader)
    assert extract.version == 1


def superseded_by_a_late_number(cast, capture_on_commit) -> tuple[Extract, Extract]:
    """An extract issued without the personal ID number, then the number arriving: a re-issue is
    queued and signed, and the first extract is superseded by the second."""
    bundle = build("registered", cast)
    Step.objects.filter(pk=step(bundle, "personal_id").pk).update(
        deadline=timezone.now() - timedelta(hours=2)
    )
    bundle_services.bundle_issue_without_personal_id(bundle=bundle, actor=cast.clerk, reason="Quá hạn")
    first = services.bundle_sign_extract(bundle=bundle, leader=cast.leader)
    _send(step(bundle, "personal_id"))
    child = bundle.people.get(role="child")
    with capture_on_commit(execute=True):
        bundle_services.step_record_result(
            step=step(bundle, "personal_id"),
            result={
                "personal_id": f"040{2 + (child.sex == 'female')}{child.date_of_birth.year % 100:02d}000999"
            },
        )
    assert ReissueRequest.objects.filter(bundle=bundle, done_at__isnull=True).exists()
    second = services.extract_reissue(bundle=bundle, leader=cast.leader)
    first.refresh_from_db()
    return first, second


def test_the_number_arriving_late_queues_a_reissue_that_supersedes_the_first_extract(
    cast, client, django_capture_on_commit_callbacks
):
    first, second = superseded_by_a_late_number(cast, django_capture_on_commit_callbacks)
    assert second.version == 2 and first.superseded_at is not None
    old_page = client.get(f"/verify/{first.token}/").content.decode()
    assert "đã được thay thế" in old_page and "lần cấp thứ 2" in old_page


def test_the_verification_page_shows_no_personal_id_or_address(cast, client):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    bundle = Bundle.objects.get(pk=extract.bundle_id)
    page = client.get(f"/verify/{extract.token}/").content.decode()
    assert (
        "Trích lục khai sinh" in page and str(bundle.registration_number) in page and "Phan Đình Quý" in page
    )
    for person in bundle.people.all():
        if person.id_number:
            assert person.id_number not in page
        if person.residence_address:
            assert person.residence_address not in page
    assert client.get("/verify/khong-co-ma-nay/").status_code == 404


def test_a_deactivated_leader_cannot_sign(cast):
    bundle = registered_with_personal_id(cast)
    cast.leader.is_active = False
    cast.leader.save()
    with pytest.raises(services.SigningRefused):
        services.bundle_sign_extract(bundle=bundle, leader=cast.leader)
    assert not cast.leader.signing_certificates.filter(active=True).exists()


def test_the_death_document_title_comes_from_the_catalogue_on_the_issue_day(cast):
    from datetime import date

    bundle = registered_with_personal_id(cast, death_declaration())
    assert services.extract_title(bundle, date(2027, 2, 28)) == "Trích lục khai tử"
    assert services.extract_title(bundle, date(2027, 3, 1)) == "Giấy chứng tử"


def test_only_the_owner_and_staff_download_the_signed_pdf(cast, client):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    url = f"/trich-luc/{extract.token}/tai-ve/"
    client.force_login(cast.citizen)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(citizen=True))
    assert client.get(url).status_code == 404
    assert Api(cast.citizen).get(extract.bundle.public_id).status_code == 200


def test_a_production_certificate_is_registered_for_a_leader(cast, settings, test_pki):
    from django.core.management import CommandError, call_command

    from signing import pki
    from signing.models import SignerCertificate

    issued = pki.issue_signer(
        pki=test_pki.pki,
        passphrase=settings.SIGNING["passphrase"],
        username="ca-provided",
        full_name="Phan Đình Quý",
        organisation="UBND Phường Trường Vinh",
    )
    call_command("signer_register", cast.leader.username, str(issued.path))
    current = SignerCertificate.objects.get(user=cast.leader, active=True)
    assert current.fingerprint_sha256 == issued.fingerprint_sha256
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    assert extract.certificate == current
    with pytest.raises(CommandError):
        call_command("signer_register", cast.citizen.username, str(issued.path))


def test_every_extract_is_b_lta_signature_timestamp_revocation_data_of_the_chain_document_timestamp(
    cast,
):
    from io import BytesIO

    from asn1crypto import cms
    from pyhanko.pdf_utils.reader import PdfFileReader

    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    reader = PdfFileReader(BytesIO(signed_bytes(extract)))
    (leader,) = reader.embedded_regular_signatures
    unsigned = leader.signer_info["unsigned_attrs"]
    assert any(attr["type"].native == "signature_time_stamp_token" for attr in unsigned)
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 2  # the leader's certificate, the intermediate, the TSA's
    assert len(dss["/Certs"]) >= 3
    (stamp,) = reader.embedded_timestamp_signatures
    assert isinstance(stamp.signed_data, cms.SignedData)
    assert extract.archived_until == stamp.signer_cert.not_valid_after
    verdict = pdf.validate(signed_bytes(extract), trust_roots=settings.SIGNING["trust_roots"])
    assert verdict.ok and verdict.long_term and verdict.proven_at is not None


def test_every_staff_look_at_a_familys_data_is_on_record_and_the_owners_are_not(cast, client):
    """Decree 13/2023: the case page, the API detail, a scan, the extract preview and the signed PDF,
    each opened by staff, leave one event in that staff member's stream naming the bundle; a search
    records how many bundles it showed, never what was typed."""
    from portal.audit.models import AuditEvent

    bundle = registered_with_personal_id(cast)
    scan = bundle.attachments.first()

    def views_by(user) -> list[tuple[str, str]]:
        return list(
            AuditEvent.objects.filter(stream=f"user:{user.pk}", action="personal_data.view")
            .order_by("seq")
            .values_list("object_id", "data__what")
        )

    client.force_login(cast.clerk)
    assert client.get(f"/can-bo/ho-so/{bundle.public_id}/").status_code == 200
    assert client.get(f"/api/v1/bundles/{bundle.code}/").status_code == 200
    assert client.get(f"/api/v1/bundles/{bundle.code}/attachments/{scan.public_id}/").status_code == 200
    search = client.post("/can-bo/tim-kiem/", {"q": bundle.people.get(role="mother").id_number})
    assert search.status_code == 200
    assert views_by(cast.clerk) == [
        (bundle.code, "case"),
        (bundle.code, "api_detail"),
        (bundle.code, f"attachment:{scan.kind}"),
    ]
    searched = AuditEvent.objects.get(stream=f"user:{cast.clerk.pk}", action="personal_data.search")
    assert searched.data == {"results": 1}

    client.force_login(cast.leader)
    assert client.get(f"/ky-so/{bundle.public_id}/xem-truoc/").status_code == 200
    extract = services.bundle_sign_extract(bundle=bundle, leader=cast.leader)
    assert client.get(f"/trich-luc/{extract.token}/tai-ve/").status_code == 200
    assert views_by(cast.leader) == [(bundle.code, "extract_preview"), (bundle.code, "extract")]

    client.force_login(cast.citizen)
    assert client.get(f"/api/v1/bundles/{bundle.code}/").status_code == 200
    assert client.get(f"/trich-luc/{extract.token}/tai-ve/").status_code == 200
    assert views_by(cast.citizen) == []

"""A certificate number a family types is checked against what the facility sent: a match prefills
the form and replaces the scan; a mismatch is shown next to the field, needs the scan and is flagged
to the clerk."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.web.filing import form
from registrations import services
from registrations.constants import CertificateKind
from registrations.declaration import declaration_of
from registrations.facilities.intake import certificate_receive, facility_register
from registrations.facilities.serializers import BirthCertificateSerializer, DeathNoticeSerializer
from registrations.models import Bundle
from tests.factories import WARD_A, valid_personal_id
from tests.registrations.helpers import PDF, birth_declaration, death_declaration
from tests.registrations.states import Cast, validated
from tests.web.filing_helpers import page_post

pytestmark = pytest.mark.usefixtures("divisions")
OTHER_MOTHER = valid_personal_id(date_of_birth=date(1995, 3, 12), sex="female", province="001")


@pytest.fixture
def hospital():
    return facility_register(code="BV-SAN-NA", name="Bệnh viện Sản Nhi Nghệ An", ward_id=WARD_A)[0]


def sent_birth(hospital, declaration: dict, *, mother_id: str | None = None, time_of_birth="07:45"):
    body = {
        "certificate_number": declaration["birth"]["medical_birth_certificate_number"],
        "facility": hospital.code,
        "mother": {
            "full_name": declaration["mother"]["full_name"],
            "date_of_birth": declaration["mother"]["date_of_birth"],
            "id_number": mother_id or declaration["mother"]["id_number"],
        },
        "child": {
            "sex": "female",
            "date_of_birth": declaration["child"]["date_of_birth"],
            "time_of_birth": time_of_birth,
        },
        "weight_grams": 3000,
        "children_born": 1,
    }
    serializer = BirthCertificateSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return certificate_receive(facility=hospital, kind=CertificateKind.BIRTH, data=serializer.validated_data)[
        0
    ]


def draft_without_scan(cast, declaration: dict):
    return services.bundle_create_draft(owner=cast.citizen, data=validated(declaration))


def test_a_verified_birth_certificate_replaces_the_scan_and_the_clerk_sees_it(hospital, client):
    cast, declaration = Cast(), birth_declaration()
    sent_birth(hospital, declaration)
    bundle = draft_without_scan(cast, declaration)
    assert services.bundle_submission_errors(bundle=bundle) == {}
    submitted = services.bundle_submit(bundle=bundle, actor=cast.citizen)
    assert submitted.certificate_status == "verified" and not submitted.attachments.exists()
    client.force_login(cast.clerk)
    page = client.get(reverse("web:case", args=[submitted.public_id])).content.decode()
    assert "Đã xác minh với giấy điện tử" in page


def test_a_mismatched_mother_id_needs_the_scan_and_is_flagged_to_the_clerk(hospital, client):
    cast, declaration = Cast(), birth_declaration()
    sent_birth(hospital, declaration, mother_id=OTHER_MOTHER)
    bundle = draft_without_scan(cast, declaration)
    assert "attachments.medical_birth_certificate" in services.bundle_submission_errors(bundle=bundle)
    services.attachment_add(
        bundle=bundle,
        actor=cast.citizen,
        kind="medical_birth_certificate",
        upload=SimpleUploadedFile("gcs.pdf", PDF, content_type="application/pdf"),
    )
    submitted = services.bundle_submit(bundle=bundle, actor=cast.citizen)
    assert submitted.certificate_status == "mismatch"
    client.force_login(cast.clerk)
    page = client.get(reverse("web:case", args=[submitted.public_id])).content.decode()
    assert "Không khớp giấy điện tử" in page


def test_a_number_the_portal_has_not_received_needs_the_scan(hospital):
    cast = Cast()
    bundle = draft_without_scan(cast, birth_declaration())
    assert "attachments.medical_birth_certificate" in services.bundle_submission_errors(bundle=bundle)


def test_a_death_notice_is_verified_against_the_deceased(hospital):
    cast, declaration = Cast(), death_declaration()
    body = {
        "notice_number": declaration["death"]["death_notice_number"],
        "facility": hospital.code,
        "deceased": {
            "full_name": declaration["deceased"]["full_name"],
            "date_of_birth": declaration["deceased"]["date_of_birth"],
            "id_number": declaration["deceased"]["id_number"],
        },
        "date_of_death": declaration["death"]["date_of_death"],
        "place_of_death": "Bệnh viện Sản Nhi Nghệ An",
        "cause_of_death": "Suy tim",
    }
    serializer = DeathNoticeSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    certificate_receive(facility=hospital, kind=CertificateKind.DEATH, data=serializer.validated_data)
    bundle = draft_without_scan(cast, declaration)
    assert services.bundle_submission_errors(bundle=bundle) == {}
    assert services.bundle_submit(bundle=bundle, actor=cast.citizen).certificate_status == "verified"


def _child_page_post(declaration: dict) -> dict:
    page = form.page_by_slug("birth", "tre")
    return {**page_post(declaration, page), "kiem-tra-giay": "1"}


def test_the_child_page_fills_itself_from_a_verified_certificate(hospital, client):
    cast, full = Cast(), birth_declaration()
    sent_birth(hospital, full, time_of_birth="07:45")
    typed = copy.deepcopy(full)
    for key in ("sex", "date_of_birth"):
        typed["child"].pop(key)
    for key in ("time_of_birth", "place_of_birth_facility", "place_of_birth_ward"):
        typed["birth"].pop(key)
    bundle = draft_without_scan(cast, typed)
    client.force_login(cast.citizen)
    url = reverse("web:filing-page", args=[bundle.public_id, "tre"])
    response = client.post(url, _child_page_post(typed), follow=True)
    assert response.status_code == 200
    assert "Đã xác minh giấy chứng sinh điện tử" in response.content.decode()
    declared = declaration_of(Bundle.objects.get(pk=bundle.pk))
    assert declared["child"]["sex"] == "female"  # as the hospital recorded it
    assert declared["child"]["date_of_birth"] == date.fromisoformat(full["child"]["date_of_birth"])
    assert str(declared["birth"]["time_of_birth"])[:5] == "07:45"
    assert declared["birth"]["place_of_birth_facility"] == "Bệnh viện Sản Nhi Nghệ An"
    attachments = client.get(reverse("web:filing-attachments", args=[bundle.public_id])).content.decode()
    # The scan of the certificate is no longer asked for.
    assert 'id="k-medical_birth_certificate">Giấy chứng sinh</h2>' in attachments


def test_a_mismatch_is_shown_next_to_the_certificate_number(hospital, client):
    cast, declaration = Cast(), birth_declaration()
    sent_birth(hospital, declaration, mother_id=OTHER_MOTHER)
    bundle = draft_without_scan(cast, declaration)
    client.force_login(cast.citizen)
    url = reverse("web:filing-page", args=[bundle.public_id, "tre"])
    response = client.post(url, _child_page_post(declaration))
    html = response.content.decode()
    assert "Số định danh của mẹ khác với giấy chứng sinh điện tử" in html
    assert 'id="f-birth-medical-birth-certificate-number"' in html

"""What one bundle may hold is bounded (files per kind, files in all, total size), each refusal says
so in Vietnamese, and a citizen can take back a scan the clerk has not yet been given."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from registrations import services
from registrations.exceptions import AttachmentKept, ValidationFailed
from registrations.models import Attachment
from tests.registrations.helpers import PDF, PNG
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def scan(size: int = 0, name: str = "scan.pdf"):
    return SimpleUploadedFile(name, PDF + b"0" * size, content_type="application/pdf")


def empty_draft(cast):
    """A draft without the scan the shared builder attaches, so the counts here are this test's own."""
    bundle = build("draft", cast)
    bundle.attachments.all().delete()
    return bundle


def add(cast, bundle, kind="medical_birth_certificate", size=0):
    return services.attachment_add(bundle=bundle, actor=cast.citizen, kind=kind, upload=scan(size))


@pytest.fixture
def small_caps(settings):
    settings.ATTACHMENT_CAPS = {"per_kind": 2, "per_bundle": 3, "bundle_bytes": 8 * 1024}


def test_a_kind_holds_only_so_many_files(cast, small_caps):
    bundle = empty_draft(cast)
    add(cast, bundle)
    add(cast, bundle)
    with pytest.raises(ValidationFailed) as refused:
        add(cast, bundle)
    assert refused.value.errors["file"] == [
        "Mỗi loại giấy tờ chỉ tải lên tối đa 2 tệp; giấy chứng sinh đã đủ 2 tệp. "
        "Anh/Chị có thể xoá tệp không cần trước khi tải thêm."
    ]
    assert bundle.attachments.count() == 2


def test_a_bundle_holds_only_so_many_files_and_bytes(cast, small_caps):
    bundle = empty_draft(cast)
    add(cast, bundle, "medical_birth_certificate")
    add(cast, bundle, "relationship_proof")
    add(cast, bundle, "other")
    with pytest.raises(ValidationFailed) as refused:
        add(cast, bundle, "other")
    assert "Mỗi hồ sơ có tối đa 3 tệp đính kèm." in refused.value.errors["file"][0]

    other = empty_draft(cast)
    add(cast, other, size=6 * 1024)
    with pytest.raises(ValidationFailed) as refused:
        add(cast, other, "other", size=4 * 1024)
    message = refused.value.errors["file"][0]
    assert message.startswith("Tổng dung lượng tệp đính kèm của một hồ sơ tối đa 8 KB; hồ sơ còn 1 KB")
    assert other.attachments.count() == 1


def test_the_pages_and_the_api_show_the_cap_next_to_the_file(cast, client, small_caps):
    bundle = empty_draft(cast)
    add(cast, bundle)
    add(cast, bundle)
    client.force_login(cast.citizen)
    answer = client.post(
        reverse("web:filing-upload", args=[bundle.public_id]),
        {"kind": "medical_birth_certificate", "file": scan()},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert answer.status_code == 400 and "tối đa 2 tệp" in answer.json()["errors"]["file"]
    api = APIClient()
    api.force_authenticate(cast.citizen)
    answer = api.post(
        f"/api/v1/bundles/{bundle.public_id}/attachments/",
        {"kind": "medical_birth_certificate", "file": scan()},
        format="multipart",
    )
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert "tối đa 2 tệp" in answer.json()["errors"]["file"][0]
    assert bundle.attachments.count() == 2


def test_a_draft_scan_is_taken_back_and_its_file_deleted(cast, client, django_capture_on_commit_callbacks):
    bundle = empty_draft(cast)
    attachment = add(cast, bundle)
    stored = attachment.file.name
    storage = attachment.file.storage
    client.force_login(cast.citizen)
    page = client.get(reverse("web:filing-attachments", args=[bundle.public_id])).content.decode()
    assert "scan.pdf" in page and "Xoá tệp “scan.pdf”?" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("web:filing-remove-attachment", args=[bundle.public_id, attachment.public_id])
        )
    assert answer.status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(stored)


def test_what_was_filed_stays_and_only_a_supplements_new_scans_may_be_taken_back(cast):
    bundle = build("awaiting_citizen", cast)
    filed = Attachment.objects.create(
        bundle=bundle,
        kind="other",
        content_type="image/png",
        size=len(PNG),
        sha256="0" * 64,
        uploaded_by=cast.citizen,
        file="attachments/x.png",
    )
    Attachment.objects.filter(pk=filed.pk).update(uploaded_at=bundle.supplements.get().requested_at)
    with pytest.raises(AttachmentKept):
        services.attachment_remove(bundle=bundle, actor=cast.citizen, attachment_id=str(filed.public_id))
    answer_scan = add(cast, bundle, "other")
    services.attachment_remove(bundle=bundle, actor=cast.citizen, attachment_id=str(answer_scan.public_id))
    assert bundle.attachments.filter(pk=filed.pk).exists()
    assert not bundle.attachments.filter(pk=answer_scan.pk).exists()


def test_the_api_takes_back_a_draft_scan_and_refuses_once_submitted(cast):
    api = APIClient()
    api.force_authenticate(cast.citizen)
    bundle = empty_draft(cast)
    attachment = add(cast, bundle)
    url = f"/api/v1/bundles/{bundle.public_id}/attachments/{attachment.public_id}/"
    assert api.delete(url).status_code == 204
    assert api.delete(url).status_code == 404
    submitted = build("submitted", cast)
    kept = submitted.attachments.first()
    answer = api.delete(f"/api/v1/bundles/{submitted.public_id}/attachments/{kept.public_id}/")
    assert answer.status_code == 409 and "không xoá được" in answer.json()["detail"]
    assert submitted.attachments.filter(pk=kept.pk).exists()


def test_two_files_in_one_request_are_refused(cast):
    api = APIClient()
    api.force_authenticate(cast.citizen)
    bundle = empty_draft(cast)
    answer = api.post(
        f"/api/v1/bundles/{bundle.public_id}/attachments/",
        {"kind": "other", "file": scan(), "extra": scan(name="b.pdf")},
        format="multipart",
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["detail"] == "Mỗi lần chỉ gửi một tệp."
    assert not bundle.attachments.exists()

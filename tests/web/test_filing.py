"""Filing from the citizen's pages: privacy notice first, one topic per page, errors next to their
field with everything valid kept, attachments one by one, review, receipt, and supplement answers."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.audit.models import AuditEvent
from registrations import services
from registrations.models import Bundle
from tests.factories import WARD_A, UserFactory, valid_personal_id
from tests.registrations.helpers import PDF, birth_declaration, death_declaration
from tests.registrations.states import Cast, build
from tests.web.filing_helpers import page_post, pages_in_order

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def start(client, group_slug: str, procedures: list[str]) -> Bundle:
    response = client.post(
        reverse("web:filing-start", args=[group_slug]), {"procedures": procedures, "privacy": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Bundle.objects.latest("created_at")


def file_everything(client, declaration: dict) -> Bundle:
    bundle = start(
        client, "khai-sinh" if declaration["group"] == "birth" else "khai-tu", declaration["procedures"]
    )
    for page in pages_in_order(declaration):
        response = client.post(
            reverse("web:filing-page", args=[bundle.public_id, page.slug]), page_post(declaration, page)
        )
        assert response.status_code == 302, (page.slug, response.content.decode()[:3000])
    kind = "medical_birth_certificate" if declaration["group"] == "birth" else "death_notice"
    response = client.post(
        reverse("web:filing-upload", args=[bundle.public_id]),
        {"kind": kind, "file": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 201, response.content
    return bundle


def test_filing_starts_only_after_the_privacy_notice_is_accepted_and_the_acceptance_is_kept(cast, client):
    client.force_login(cast.citizen)
    page = client.get(reverse("web:filing-start", args=["khai-sinh"])).content.decode()
    assert "Thông báo xử lý dữ liệu cá nhân" in page and "Giữ trong bao lâu" in page
    assert "Chỉ cho trẻ dưới 6 tuổi" in page  # eligibility explained before anything is typed
    refused = client.post(
        reverse("web:filing-start", args=["khai-sinh"]), {"procedures": ["health_insurance"]}
    )
    assert "Vui lòng đọc và đồng ý" in refused.content.decode()
    assert not Bundle.objects.exists() and not AuditEvent.objects.filter(action="privacy.accept").exists()
    bundle = start(client, "khai-sinh", ["health_insurance"])
    assert bundle.state == "draft" and bundle.procedures == ["health_insurance"]
    consent = AuditEvent.objects.get(action="privacy.accept", actor_id=cast.citizen.pk)
    assert consent.data == {"purpose": "filing:birth", "version": "2026-09-01"}


@pytest.mark.parametrize(
    "declaration",
    [
        birth_declaration(procedures=("permanent_residence", "health_insurance", "child_id_card")),
        death_declaration(survivor=True),
    ],
    ids=["birth", "death"],
)
def test_a_bundle_is_filed_page_by_page_reviewed_and_receipted(cast, client, declaration):
    client.force_login(cast.citizen)
    bundle = file_everything(client, declaration)
    review = client.get(reverse("web:filing-review", args=[bundle.public_id])).content.decode()
    assert "Cần hoàn thiện trước khi nộp" not in review, review
    assert "Các cơ quan sẽ nhận" in review
    # Check your answers: names, not codes; each part once, with its "Sửa" link; no empty rows.
    assert "Phường Trường Vinh, tỉnh Nghệ An" in review and "Việt Nam" in review
    assert ">16690<" not in review and '<dd lang="vi">VN</dd>' not in review and ">—<" not in review
    assert review.count(">Sửa<") >= 4
    assert review.count("Nguyễn Thị Lan") <= 2 if declaration["group"] == "birth" else True
    response = client.post(reverse("web:filing-review", args=[bundle.public_id]), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"].endswith("/bien-nhan/")
    bundle.refresh_from_db()
    assert bundle.state == "submitted" and bundle.code
    receipt = client.get(response["Location"]).content.decode()
    assert bundle.code in receipt and f"{bundle.due_at.astimezone().date():%d/%m/%Y}" in receipt


def test_the_review_lists_what_is_missing_with_links_and_submission_needs_the_pledge(cast, client):
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    review = client.get(reverse("web:filing-review", args=[bundle.public_id])).content.decode()
    assert "Cần hoàn thiện trước khi nộp" in review
    assert f"/ho-so-cua-toi/{bundle.public_id}/khai/tre/#f-child-full-name" in review
    response = client.post(reverse("web:filing-review", args=[bundle.public_id]), {})
    assert response.status_code == 400 and "Vui lòng xác nhận lời cam đoan" in response.content.decode()
    assert Bundle.objects.get(pk=bundle.pk).state == "draft"


def test_a_bad_entry_is_shown_next_to_its_field_and_everything_else_is_kept(cast, client):
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    mother_born = date(1995, 3, 12)
    wrong_id = valid_personal_id(date_of_birth=date(1990, 1, 1), sex="female")
    response = client.post(
        reverse("web:filing-page", args=[bundle.public_id, "me"]),
        {
            "mother.full_name": "Nguyễn Thị Lan",
            "mother.date_of_birth": mother_born.isoformat(),
            "mother.id_number": wrong_id,
            "mother.residence_address": "Số 5 đường Lê Lợi",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    error_at = page.index('id="f-mother-id-number-error"')
    assert "không khớp" in page[error_at : error_at + 300] or "năm sinh" in page[error_at : error_at + 300]
    assert f'value="{wrong_id}"' in page and 'value="Số 5 đường Lê Lợi"' in page
    mother = bundle.people.get(role="mother")
    assert mother.full_name == "Nguyễn Thị Lan" and mother.residence_address == "Số 5 đường Lê Lợi"
    assert mother.id_number in (None, "")

    future = (date.today() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("web:filing-page", args=[bundle.public_id, "tre"]),
        {"child.full_name": "Nguyễn Minh Khôi", "child.date_of_birth": future},
    )
    page = response.content.decode()
    error_at = page.index('id="f-child-date-of-birth-error"')
    assert "Ngày không được ở tương lai." in page[error_at : error_at + 200]
    assert bundle.people.get(role="child").full_name == "Nguyễn Minh Khôi"


def test_autosave_stores_valid_values_and_answers_with_field_messages(cast, client):
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    response = client.post(
        reverse("web:filing-page", args=[bundle.public_id, "tre"]),
        {"child.full_name": "Nguyễn Minh Khôi", "child.nationality": "Việt"},
        HTTP_X_AUTOSAVE="1",
    )
    answer = response.json()
    assert response.status_code == 200 and "Đã tự động lưu" in answer["message"]
    assert list(answer["errors"]) == ["child.nationality"]
    assert bundle.people.get(role="child").full_name == "Nguyễn Minh Khôi"


def test_a_ward_is_found_by_its_name_without_accents_and_resolved_when_typed(cast, client):
    found = client.get(reverse("ward-suggestions"), {"q": "truong vinh"}).json()["results"]
    assert found[0] == {"code": WARD_A, "label": "Phường Trường Vinh, tỉnh Nghệ An"}
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    client.post(
        reverse("web:filing-page", args=[bundle.public_id, "thu-tuc"]),
        {"procedures": ["health_insurance"], "registration_ward__text": "Phường Trường Vinh, Nghệ An"},
    )
    assert Bundle.objects.get(pk=bundle.pk).ward_id == WARD_A
    response = client.post(
        reverse("web:filing-page", args=[bundle.public_id, "thu-tuc"]),
        {"procedures": ["health_insurance"], "registration_ward__text": "Không có phường này"},
    )
    assert "Không tìm thấy xã, phường này" in response.content.decode()
    assert Bundle.objects.get(pk=bundle.pk).ward_id == WARD_A


def test_an_oversized_or_disguised_upload_is_refused_with_a_message_and_nothing_stored(
    cast, client, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    url = reverse("web:filing-upload", args=[bundle.public_id])
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 4096, content_type="application/pdf")
    response = client.post(
        url, {"kind": "medical_birth_certificate", "file": big}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 413 and "vượt quá dung lượng" in response.json()["errors"]["file"]
    fake = SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        url, {"kind": "medical_birth_certificate", "file": fake}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 400 and "PDF, JPEG hoặc PNG" in response.json()["errors"]["file"]
    assert not bundle.attachments.exists()


def test_a_supplement_opens_only_the_requested_fields_and_returns_the_bundle_to_the_clerk(cast, client):
    bundle = build("in_review", cast)
    services.bundle_request_supplement(
        bundle=bundle,
        actor=cast.clerk,
        items=[{"field": "mother.residence_address", "reason": "Ghi rõ số nhà"}],
    )
    client.force_login(cast.citizen)
    url = reverse("web:supplement", args=[bundle.public_id])
    page = client.get(url).content.decode()
    assert 'name="mother.residence_address"' in page and 'name="child.full_name"' not in page
    response = client.post(
        url, {"mother.residence_address": "Số 12 ngõ 3 đường Lê Lợi", "child.full_name": "Tên Khác"}
    )
    assert response.status_code == 302
    bundle.refresh_from_db()
    assert bundle.state == "submitted"
    assert bundle.people.get(role="mother").residence_address == "Số 12 ngõ 3 đường Lê Lợi"
    assert bundle.people.get(role="child").full_name != "Tên Khác"


def test_the_citizen_sees_and_downloads_the_personal_data_held_about_them(cast, client):
    bundle = build("submitted", cast)
    client.force_login(cast.citizen)
    page = client.get(reverse("web:personal-data")).content.decode()
    assert bundle.code in page and cast.citizen.id_number not in page  # masked on screen
    download = client.get(reverse("web:personal-data-download"))
    body = download.content.decode()
    assert download["Content-Disposition"].startswith("attachment") and cast.citizen.id_number in body
    assert AuditEvent.objects.filter(action="personal_data.export", actor_id=cast.citizen.pk).exists()


def test_nobody_else_reaches_a_citizens_draft(cast, client):
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    for other in (UserFactory(citizen=True), cast.clerk):
        client.force_login(other)
        for url in (
            reverse("web:filing-page", args=[bundle.public_id, "tre"]),
            reverse("web:filing-review", args=[bundle.public_id]),
            reverse("web:filing-attachments", args=[bundle.public_id]),
        ):
            assert client.get(url).status_code == 404, (other.role, url)


def test_the_form_speaks_english_when_asked(cast, client, settings):
    client.force_login(cast.citizen)
    bundle = start(client, "khai-sinh", ["health_insurance"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("web:filing-page", args=[bundle.public_id, "me"])).content.decode()
    assert "The child&#x27;s mother" in page and "Full name" in page and "Save and continue" in page

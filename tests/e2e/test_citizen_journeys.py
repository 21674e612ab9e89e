"""The citizen's journeys on a phone-sized screen: sign in with the (mock) e-ID, file a birth or a
death bundle page by page, answer a supplement request, and get clear messages for bad entries. Every
page visited is scanned with axe-core."""

from datetime import date, timedelta

import pytest

from portal.accounts.demo import DEMO_CITIZENS
from portal.accounts.services import citizen_from_eid
from registrations import services
from registrations.models import Bundle
from tests.e2e.conftest import serious_accessibility_violations
from tests.factories import valid_personal_id
from tests.interconnect.conftest import drain
from tests.registrations.helpers import PDF
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.django_db(transaction=True)


class Journey:
    """A signed-in citizen's browser, collecting accessibility findings for every page it passes."""

    def __init__(self, page, site):
        self.page, self.site, self.findings = page, site, {}

    def scan(self) -> None:
        found = serious_accessibility_violations(self.page)
        if found:
            self.findings[self.page.url] = found

    def sign_in(self, identity: dict) -> None:
        self.page.goto(f"{self.site.url}/mock-vneid/?next=/ho-so-cua-toi/")
        self.scan()
        self.page.get_by_label(identity["full_name"]).check()
        self.page.get_by_role("button", name="Xác nhận đăng nhập").click()
        self.page.wait_for_url("**/ho-so-cua-toi/")
        self.scan()

    def fill(self, values: dict) -> None:
        for selector, value in values.items():
            self.page.locator(selector).fill(value)

    def ward(self, selector: str, typed: str, label: str) -> None:
        self.page.locator(selector).fill(typed)
        self.page.get_by_role("option", name=label).click()

    def next(self, title: str) -> None:
        self.page.get_by_role("button", name="Lưu và tiếp tục").click()
        self.page.get_by_role("heading", level=1, name=title).wait_for()
        self.scan()

    def start(self, group_slug: str, procedures: list[str]) -> None:
        self.page.goto(f"{self.site.url}/nop-ho-so/{group_slug}/")
        self.scan()
        for name in procedures:
            self.page.get_by_label(name).check()
        self.page.get_by_label("Tôi đã đọc và đồng ý").check()
        self.page.get_by_role("button", name="Bắt đầu khai").click()
        self.page.get_by_role("heading", level=1, name="Thủ tục và nơi đăng ký").wait_for()
        self.scan()

    def upload(self, kind_label: str, done_text: str) -> None:
        card = self.page.locator("section.upload").filter(has_text=kind_label)
        card.locator("input[type=file]").set_input_files(
            {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        card.get_by_role("button", name="Tải lên").click()
        card.get_by_text(done_text).first.wait_for()

    def submit(self) -> str:
        self.page.get_by_role("link", name="Tiếp tục").click()
        self.page.get_by_role("heading", level=1, name="Xem lại và nộp hồ sơ").wait_for()
        self.scan()
        self.page.get_by_label("Tôi cam đoan").check()
        self.page.get_by_role("button", name="Nộp hồ sơ").click()
        self.page.get_by_role("heading", level=1, name="Đã nộp hồ sơ").wait_for()
        self.scan()
        return self.page.locator(".receipt .code").inner_text()


def cast_for(identity: dict) -> Cast:
    """The clerks of ward A, and as citizen the account the mock e-ID signs in for ``identity``."""
    cast = Cast()
    cast.citizen = citizen_from_eid(
        id_number=identity["id_number"],
        full_name=identity["full_name"],
        date_of_birth=identity["date_of_birth"],
        sex=identity["sex"],
    )
    return cast


@pytest.fixture
def journey(site, phone):
    return Journey(phone, site)


WARD = ("truong vinh", "Phường Trường Vinh, tỉnh Nghệ An")


def test_a_mother_files_a_full_birth_bundle_from_her_phone(journey):
    mother = DEMO_CITIZENS[0]
    child_born = (date.today() - timedelta(days=9)).strftime("%d/%m/%Y")
    journey.sign_in(mother)
    journey.start(
        "khai-sinh",
        [
            "Đăng ký thường trú",
            "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "Cấp thẻ căn cước cho trẻ em dưới 6 tuổi",
        ],
    )
    journey.ward("#f-registration-ward", *WARD)
    journey.next("Người yêu cầu")
    journey.page.locator("#f-requester-relationship").select_option("mother")
    journey.fill({"#f-requester-phone": "0912345678", "#f-requester-email": "lan@example.invalid"})
    journey.next("Trẻ được khai sinh")
    journey.fill(
        {
            "#f-child-full-name": "Nguyễn Ngọc Ánh",
            "#f-child-date-of-birth": child_born,
            "#f-birth-time-of-birth": "06:45",
            "#f-child-nationality": "VN",
            "#f-birth-place-of-birth-facility": "Bệnh viện Sản Nhi Nghệ An",
            "#f-birth-hometown": "Nghi Lộc, Nghệ An",
            "#f-birth-medical-birth-certificate-number": "GCS-E2E-0001",
        }
    )
    journey.page.locator("#f-child-sex-female").check()
    journey.page.locator("#f-child-ethnicity").select_option("01")
    journey.ward("#f-birth-place-of-birth-ward", *WARD)
    journey.next("Mẹ của trẻ")
    # Filled from her e-ID when she said she is the mother.
    assert journey.page.locator("#f-mother-full-name").input_value() == mother["full_name"]
    assert journey.page.locator("#f-mother-id-number").input_value() == mother["id_number"]
    journey.page.locator("#f-mother-ethnicity").select_option("01")
    journey.fill({"#f-mother-residence-address": "Số 12 đường Lê Hồng Phong"})
    journey.ward("#f-mother-ward-code", *WARD)
    journey.next("Cha của trẻ")
    journey.next("Đăng ký thường trú cho trẻ")
    journey.fill(
        {
            "#f-residence-address": "Số 12 đường Lê Hồng Phong",
            "#f-residence-household-head-full-name": mother["full_name"],
            "#f-residence-household-head-id-number": mother["id_number"],
            "#f-residence-relationship-to-head": "con",
        }
    )
    journey.ward("#f-residence-ward-code", *WARD)
    journey.page.locator("#f-residence-owner-consent").check()
    journey.next("Thẻ bảo hiểm y tế cho trẻ")
    journey.fill({"#f-health-insurance-primary-care-facility": "Trạm y tế phường Trường Vinh"})
    journey.page.locator("#f-health-insurance-first-card-yes").check()
    journey.next("Thẻ căn cước cho trẻ")
    journey.page.locator("#f-child-id-card-delivery-method-pickup").check()
    journey.next("Giấy tờ đính kèm")
    journey.upload("Giấy chứng sinh", "Đã tải lên giấy chứng sinh")
    code = journey.submit()
    bundle = Bundle.objects.get(code=code)
    assert bundle.state == "submitted" and bundle.owner.id_number == mother["id_number"]
    assert set(bundle.procedures) == {
        "birth_registration",
        "personal_id",
        "permanent_residence",
        "health_insurance",
        "child_id_card",
    }
    assert journey.findings == {}


def test_a_son_files_a_death_bundle_with_funeral_allowance_and_survivor_benefit(journey):
    son = DEMO_CITIZENS[1]
    born, died = date(1940, 2, 3), date.today() - timedelta(days=2)
    journey.sign_in(son)
    journey.start("khai-tu", ["Xoá đăng ký thường trú", "Hưởng mai táng phí, hỗ trợ chi phí mai táng"])
    journey.ward("#f-registration-ward", *WARD)
    journey.next("Người yêu cầu")
    journey.page.locator("#f-requester-relationship").select_option("child")
    journey.fill({"#f-requester-phone": "0987654321"})
    journey.next("Người đã mất")
    journey.fill(
        {
            "#f-deceased-full-name": "Trần Văn Bảy",
            "#f-deceased-date-of-birth": born.strftime("%d/%m/%Y"),
            "#f-deceased-id-number": valid_personal_id(date_of_birth=born, sex="male"),
            "#f-deceased-nationality": "VN",
            "#f-death-last-residence-address": "Xóm 3",
            "#f-death-date-of-death": died.strftime("%d/%m/%Y"),
            "#f-death-place-of-death": "Tại nhà",
            "#f-death-cause-of-death": "Tuổi già",
        }
    )
    journey.page.locator("#f-deceased-sex-male").check()
    journey.page.locator("#f-deceased-ethnicity").select_option("01")
    journey.ward("#f-death-ward-code", *WARD)
    journey.next("Giấy báo tử")
    journey.fill(
        {
            "#f-death-death-notice-number": "GBT-E2E-0001",
            "#f-death-death-notice-issuer": "Trạm y tế phường Trường Vinh",
            "#f-death-death-notice-date": died.strftime("%d/%m/%Y"),
        }
    )
    journey.next("Mai táng phí, hỗ trợ chi phí mai táng")
    journey.page.locator("#f-funeral-allowance-regime-social_insurance").check()
    journey.fill(
        {
            "#f-funeral-allowance-beneficiary-full-name": son["full_name"],
            "#f-funeral-allowance-beneficiary-date-of-birth": son["date_of_birth"].strftime("%d/%m/%Y"),
            "#f-funeral-allowance-beneficiary-id-number": son["id_number"],
            "#f-funeral-allowance-bank-account-bank-code": "VCB",
            "#f-funeral-allowance-bank-account-account-number": "0123456789",
            "#f-funeral-allowance-bank-account-account-holder": son["full_name"],
        }
    )
    journey.page.locator("#f-funeral-allowance-beneficiary-relationship").select_option("child")
    journey.next("Trợ cấp tuất")
    journey.page.locator("#f-funeral-allowance-survivor-benefit-requested").check()
    journey.page.locator("#f-funeral-allowance-survivor-benefit-preferred-form-monthly").check()
    journey.fill(
        {
            "#f-funeral-allowance-survivor-benefit-survivors-0-full-name": "Nguyễn Thị Chín",
            "#f-funeral-allowance-survivor-benefit-survivors-0-date-of-birth": "1944-06-01",
        }
    )
    journey.page.locator("#f-funeral-allowance-survivor-benefit-survivors-0-relationship").select_option(
        "spouse"
    )
    journey.next("Giấy tờ đính kèm")
    journey.upload("Giấy báo tử", "Đã tải lên giấy báo tử")
    code = journey.submit()
    bundle = Bundle.objects.get(code=code)
    assert bundle.state == "submitted" and bundle.death.regime == "social_insurance"
    assert bundle.death.survivor_benefit_requested and bundle.people.filter(role="survivor").count() == 1
    assert journey.findings == {}


def test_a_supplement_request_is_answered_and_the_bundle_returns_to_the_clerk(journey):
    identity = DEMO_CITIZENS[2]
    cast = cast_for(identity)
    bundle = build("in_review", cast)
    services.bundle_request_supplement(
        bundle=bundle,
        actor=cast.clerk,
        items=[{"field": "mother.residence_address", "reason": "Ghi rõ số nhà, tên đường"}],
    )
    journey.sign_in(identity)
    journey.page.get_by_role("link", name=bundle.code).click()
    journey.page.get_by_text("Cần Anh/Chị bổ sung").first.wait_for()
    journey.scan()
    journey.page.get_by_role("link", name="Bổ sung hồ sơ").click()
    journey.page.get_by_text("Ghi rõ số nhà, tên đường").wait_for()
    journey.scan()
    assert journey.page.locator("input[name='child.full_name']").count() == 0  # only what was asked
    journey.page.locator("#f-mother-residence-address").fill("Số 12 ngõ 3 đường Lê Lợi")
    journey.page.get_by_role("button", name="Gửi bổ sung").click()
    journey.page.get_by_text("Đã gửi phần bổ sung").wait_for()
    journey.scan()
    bundle.refresh_from_db()
    assert bundle.state == "submitted"
    assert bundle.people.get(role="mother").residence_address == "Số 12 ngõ 3 đường Lê Lợi"
    assert journey.findings == {}


def test_bad_entries_get_a_vietnamese_message_by_the_field_and_nothing_typed_is_lost(journey):
    mother = DEMO_CITIZENS[0]
    journey.sign_in(mother)
    journey.start("khai-sinh", ["Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"])
    slug_url = journey.page.url.replace("/thu-tuc/", "/{}/")

    journey.page.goto(slug_url.format("me"))
    wrong_id = valid_personal_id(date_of_birth=date(1990, 1, 1), sex="female")
    journey.fill(
        {
            "#f-mother-full-name": mother["full_name"],
            "#f-mother-date-of-birth": mother["date_of_birth"].strftime("%d/%m/%Y"),
            "#f-mother-id-number": wrong_id,
            "#f-mother-residence-address": "Số 12 đường Lê Hồng Phong",
        }
    )
    journey.page.get_by_role("button", name="Lưu và tiếp tục").click()
    error = journey.page.locator("#f-mother-id-number-error")
    error.wait_for()
    assert "năm sinh" in error.inner_text().lower() or "không khớp" in error.inner_text().lower()
    assert journey.page.locator("#f-mother-id-number").input_value() == wrong_id
    assert journey.page.locator("#f-mother-residence-address").input_value() == "Số 12 đường Lê Hồng Phong"
    journey.scan()

    journey.page.goto(slug_url.format("tre"))
    journey.fill(
        {
            "#f-child-full-name": "Nguyễn Ngọc Ánh",
            "#f-child-date-of-birth": (date.today() + timedelta(days=5)).strftime("%d/%m/%Y"),
        }
    )
    journey.page.get_by_role("button", name="Lưu và tiếp tục").click()
    error = journey.page.locator("#f-child-date-of-birth-error")
    error.wait_for()
    assert "Ngày không được ở tương lai." in error.inner_text()
    assert journey.page.locator("#f-child-full-name").input_value() == "Nguyễn Ngọc Ánh"
    journey.scan()

    journey.page.goto(slug_url.format("tre").replace("/khai/tre/", "/giay-to/"))
    card = journey.page.locator("section.upload").filter(has_text="Giấy chứng sinh")
    card.locator("input[type=file]").set_input_files(
        {
            "name": "giay-chung-sinh.pdf",
            "mimeType": "application/pdf",
            "buffer": PDF + b"0" * (15 * 1024 * 1024),
        }
    )
    card.get_by_role("button", name="Tải lên").click()
    message = card.locator(".field-error")
    message.wait_for()
    assert "vượt quá dung lượng cho phép (tối đa 10 MB)" in message.inner_text()
    journey.scan()
    bundle = Bundle.objects.get(owner__id_number_hmac__isnull=False, state="draft")
    assert not bundle.attachments.exists()
    assert bundle.people.get(role="child").full_name == "Nguyễn Ngọc Ánh"
    assert journey.findings == {}


def test_the_status_page_shows_a_step_turning_done_while_it_stays_open(journey):
    identity = DEMO_CITIZENS[2]
    cast = cast_for(identity)
    bundle = build("registered", cast)
    journey.sign_in(identity)
    journey.page.goto(f"{journey.site.url}/ho-so-cua-toi/{bundle.public_id}/")
    journey.scan()
    card = journey.page.locator("li.card").filter(
        has=journey.page.get_by_role("heading", name="Cấp số định danh cá nhân", exact=True)
    )
    assert "Đang chờ gửi sang cơ quan." in card.inner_text()
    drain()  # the mock police answer while the page stays open
    card.get_by_text("Đã có kết quả.").wait_for(timeout=15000)  # refreshed without a reload
    assert "Số định danh cá nhân" in card.inner_text()  # the result itself, in words
    journey.scan()
    assert journey.findings == {}


def test_a_draft_is_saved_while_typing_and_picked_up_again_with_the_keyboard_only(journey):
    journey.sign_in(DEMO_CITIZENS[0])
    journey.start("khai-sinh", ["Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"])
    ward = journey.page.locator("#f-registration-ward")
    ward.fill("truong vinh")
    journey.page.get_by_role("option", name=WARD[1]).wait_for()
    ward.press("ArrowDown")
    ward.press("Enter")
    assert ward.input_value() == WARD[1]
    journey.page.get_by_text("Đã tự động lưu bản nháp").wait_for()
    draft_url = journey.page.url
    journey.page.goto(draft_url.replace("/thu-tuc/", "/tre/"))
    journey.page.locator("#f-child-full-name").fill("Nguyễn Ngọc Ánh")
    journey.page.keyboard.press("Tab")
    journey.page.get_by_text("Đã tự động lưu bản nháp").wait_for()
    journey.page.goto(f"{journey.site.url}/ho-so-cua-toi/")
    journey.page.get_by_role("link", name="Bản nháp — tiếp tục khai").click()
    assert journey.page.locator("#f-registration-ward").input_value() == WARD[1]
    journey.page.goto(draft_url.replace("/thu-tuc/", "/tre/"))
    assert journey.page.locator("#f-child-full-name").input_value() == "Nguyễn Ngọc Ánh"
    assert journey.findings == {}


def test_a_certificate_number_fills_the_form_and_replaces_the_scan(journey):
    """The hospital sent the birth certificate; the mother types its number and the portal fills in
    what it says. A number whose mother is someone else is refused next to the field."""
    from registrations.facilities.intake import certificate_receive, facility_register
    from registrations.facilities.serializers import BirthCertificateSerializer
    from tests.factories import WARD_A

    mother = DEMO_CITIZENS[0]
    child_born = date.today() - timedelta(days=4)
    hospital = facility_register(code="BV-SAN-NA", name="Bệnh viện Sản Nhi Nghệ An", ward_id=WARD_A)[0]
    for number, mother_id in (
        ("GCS-E2E-7001", mother["id_number"]),
        (
            "GCS-E2E-7002",
            valid_personal_id(date_of_birth=mother["date_of_birth"], sex="female", province="001"),
        ),
    ):
        serializer = BirthCertificateSerializer(
            data={
                "certificate_number": number,
                "facility": hospital.code,
                "mother": {
                    "full_name": mother["full_name"],
                    "date_of_birth": mother["date_of_birth"].isoformat(),
                    "id_number": mother_id,
                },
                "child": {"sex": "female", "date_of_birth": child_born.isoformat(), "time_of_birth": "05:10"},
                "weight_grams": 3050,
                "children_born": 1,
            }
        )
        serializer.is_valid(raise_exception=True)
        certificate_receive(facility=hospital, kind="birth", data=serializer.validated_data)

    journey.sign_in(mother)
    journey.start("khai-sinh", ["Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"])
    journey.ward("#f-registration-ward", *WARD)
    journey.next("Người yêu cầu")
    journey.page.locator("#f-requester-relationship").select_option("mother")
    journey.fill({"#f-requester-phone": "0912345678"})
    journey.next("Trẻ được khai sinh")
    journey.fill(
        {
            "#f-child-full-name": "Nguyễn Ngọc Ánh",
            "#f-child-nationality": "VN",
            "#f-birth-hometown": "Nghi Lộc, Nghệ An",
            "#f-birth-medical-birth-certificate-number": "GCS-E2E-7002",
        }
    )
    journey.page.locator("#f-child-ethnicity").select_option("01")
    check = journey.page.get_by_role("button", name="Kiểm tra và điền từ giấy chứng sinh điện tử")
    check.click()
    mismatch = journey.page.locator("#f-birth-medical-birth-certificate-number-error")
    mismatch.wait_for()
    assert "Số định danh của mẹ khác với giấy chứng sinh điện tử số GCS-E2E-7002" in mismatch.inner_text()
    journey.scan()

    journey.fill({"#f-birth-medical-birth-certificate-number": "GCS-E2E-7001"})
    check.click()
    journey.page.get_by_text("Đã xác minh giấy chứng sinh điện tử số GCS-E2E-7001").wait_for()
    journey.scan()
    assert journey.page.locator("#f-child-date-of-birth").input_value() == f"{child_born:%d/%m/%Y}"
    assert journey.page.locator("#f-child-sex-female").is_checked()
    assert journey.page.locator("#f-birth-time-of-birth").input_value() == "05:10"
    assert (
        journey.page.locator("#f-birth-place-of-birth-facility").input_value() == "Bệnh viện Sản Nhi Nghệ An"
    )
    journey.next("Mẹ của trẻ")
    journey.page.locator("#f-mother-ethnicity").select_option("01")
    journey.fill({"#f-mother-residence-address": "Số 12 đường Lê Hồng Phong"})
    journey.ward("#f-mother-ward-code", *WARD)
    journey.next("Cha của trẻ")
    journey.next("Thẻ bảo hiểm y tế cho trẻ")
    journey.fill({"#f-health-insurance-primary-care-facility": "Trạm y tế phường Trường Vinh"})
    journey.page.locator("#f-health-insurance-first-card-yes").check()
    journey.next("Giấy tờ đính kèm")
    code = journey.submit()  # no scan uploaded
    bundle = Bundle.objects.get(code=code)
    assert bundle.certificate_status == "verified" and not bundle.attachments.exists()
    assert journey.findings == {}
